import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../tools/engine/harness";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runDemo(timeoutMs: number): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, "dist", "scripts", "demo.js")], { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the demo did not end within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe("npm run demo (dist/scripts/demo.js)", function () {
  this.timeout(60_000);

  it("applies the onboarding example to a fresh emulator, prints what it created, stops everything and exits 0", async () => {
    const run = await runDemo(50_000);
    expect(run.code, `stderr: ${run.stderr}\nstdout: ${run.stdout}`).to.equal(0);
    const data = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "examples", "onboarding", "tenants.json"), "utf8")) as {
      tenants: Array<{ name: string; subtenants: Array<{ name: string }>; accounts: Array<{ name: string }> }>;
    };
    const rows = run.stdout.split("\n");
    const row = (kind: string, name: string) => rows.find((l) => l.includes(`  ${kind}  `) && l.includes(name));
    for (const tenant of data.tenants) {
      for (const sub of tenant.subtenants) expect(row("Subtenant", `user '${sub.name}'`), `summary row of subtenant ${sub.name}`).to.match(/[0-9a-f-]{36}/);
      for (const account of tenant.accounts) expect(row("EnterpriseAccount", `'${account.name}'`), `summary row of account ${account.name}`).to.match(/[0-9a-f-]{36}/);
    }
    const total = data.tenants.reduce((n, t) => n + t.subtenants.length + t.accounts.length, 0);
    expect(run.stdout).to.include(`created in EM (${total} resources)`);
    expect(run.stdout).to.include(`EM holds all ${total} of them`);
    if (run.stdout.includes("pulumi CLI not found")) {
      expect(run.stdout).to.match(/second up: \d+ resources; RPCs: \d+ Check, \d+ Diff, 0 Create, 0 Update, 0 Delete/);
      expect(run.stdout).to.include("secrets check: ok");
      expect(run.stdout).to.include("dynamic-provider plugin stopped");
    }
    expect(run.stdout.trimEnd().split("\n").pop()).to.equal("EM emulator stopped");
    // The demo makes every password "Demo-" + 16 random characters.
    expect(run.stdout + run.stderr).to.not.match(/Demo-[A-Za-z0-9_-]{16}/);
  });
});
