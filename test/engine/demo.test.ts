import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../tools/engine/harness";
import { send } from "../support/http";
import { changedArguments, outcome, stepLine, type Step } from "../../scripts/preview-lines";

const DEMO = path.join(PACKAGE_ROOT, "dist", "scripts", "demo.js");

interface Demo {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with stdout once it matches `pattern`; rejects if the demo exits first or after `ms`. */
  waitFor(pattern: RegExp, ms: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Every demo process a test started; killed after each test, so a failing test leaves none behind. */
const started: ChildProcess[] = [];

function startDemo(args: string[], env: NodeJS.ProcessEnv = {}): Demo {
  // Without PATH's pulumi, so that the demo always drives the plugin itself (what this test checks).
  const child = spawn(process.execPath, [DEMO, ...args], { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PATH: path.dirname(process.execPath), ...env } });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + ms;
      const poll = setInterval(() => {
        if (pattern.test(stdout)) {
          clearInterval(poll);
          resolve(stdout);
        } else if (child.exitCode !== null || Date.now() > deadline) {
          clearInterval(poll);
          reject(new Error(`the demo printed no ${pattern} (exit ${child.exitCode}); stdout: ${stdout}; stderr: ${stderr}`));
        }
      }, 50);
    });
  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, exited };
}

async function finished(demo: Demo, ms: number): Promise<number | null> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the demo did not end within ${ms} ms; stdout: ${demo.stdout()}; stderr: ${demo.stderr()}`)), ms).unref());
  return Promise.race([demo.exited, timeout]);
}

/** The demo makes every password "Demo-" + 16 random characters. */
const DEMO_PASSWORD = /Demo-[A-Za-z0-9_-]{16}/;

/** The printed lines of one run: from its heading to its outcome line. */
function runSection(stdout: string, run: "first" | "second"): string[] {
  const lines = stdout.split("\n");
  const start = lines.indexOf(`${run} run (pulumi up):`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith(`${run} run: `));
  expect(start, `heading of the ${run} run in:\n${stdout}`).to.be.greaterThan(-1);
  expect(end, `outcome of the ${run} run in:\n${stdout}`).to.be.greaterThan(start);
  return lines.slice(start + 1, end + 1);
}

describe("npm run demo (dist/scripts/demo.js)", function () {
  this.timeout(60_000);

  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  it("applies the onboarding example twice, showing per resource what pulumi preview would, the provider's progress, then no changes", async () => {
    const demo = startDemo([]);
    expect(await finished(demo, 50_000), `stderr: ${demo.stderr()}\nstdout: ${demo.stdout()}`).to.equal(0);
    const stdout = demo.stdout();
    const data = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "examples", "onboarding", "tenants.json"), "utf8")) as {
      tenants: Array<{ name: string; subtenants: Array<{ name: string }>; accounts: Array<{ name: string }> }>;
    };
    const resources = data.tenants.flatMap((t) => [...t.subtenants.map((s) => ["Subtenant", `${t.name}/${s.name}`]), ...t.accounts.map((a) => ["EnterpriseAccount", a.name])]);
    const total = resources.length;

    const first = runSection(stdout, "first");
    const second = runSection(stdout, "second");
    for (const [kind, name] of resources) {
      const step = (lines: string[], verb: string) => lines.filter((l) => l.includes(` ${verb} `) && l.includes(` ${kind} `) && l.endsWith(` ${name}`));
      expect(step(first, "create"), `first run: + create ${kind} ${name}`).to.have.length(1);
      expect(step(first, "create")[0]).to.match(/^ {2}\+ +create /);
      expect(step(second, "no change"), `second run: no change ${kind} ${name}`).to.have.length(1);
    }
    expect(first.at(-1)).to.match(new RegExp(`^first run: ${total} created in \\d+\\.\\d s$`));
    expect(second.at(-1)).to.match(new RegExp(`^second run: no changes \\(${total} unchanged\\) in \\d+\\.\\d s$`));
    expect(second.filter((l) => /create|update|replace|veeam-em: EM accepted/.test(l))).to.deep.equal([]);

    // Each step's line when the step starts (as the CLI's "creating…"), then the provider's progress with the time
    // since the run began; the logon once per EM and run, though the program's look-ups log on too.
    const accepted = first.findIndex((l) => /^ +\d+\.\d s {2}veeam-em: EM accepted AddCloudSubtenant as \S+; waiting for it$/.test(l));
    const taskFinished = first.findIndex((l) => /^ +\d+\.\d s {2}veeam-em: EM task \S+ \(AddCloudSubtenant\): Finished$/.test(l));
    const firstSubtenantStarts = first.findIndex((l) => / create +Subtenant /.test(l));
    expect(accepted, first.join("\n")).to.be.greaterThan(-1);
    expect(taskFinished).to.be.greaterThan(accepted);
    expect(firstSubtenantStarts, first.join("\n")).to.be.greaterThan(-1).and.lessThan(accepted);
    expect((stdout + demo.stderr()).match(/Logged on to EM/g), stdout + demo.stderr()).to.have.length(1);
    expect(stdout).to.not.match(/\bRPCs?\b|\bCheck\b|\bDiff\b/);

    expect(stdout).to.include("secrets check: ok");
    expect(stdout).to.include(`EM now holds (${total} of the stack's ${total} resources)`);
    const table = stdout.split("\n");
    for (const [kind, name] of resources) expect(table.find((l) => l.startsWith(`${name} `) && l.includes(`  ${kind}  `)), `table row of ${name}`).to.match(/[0-9a-f-]{36}/);
    expect(stdout.trimEnd().split("\n").pop()).to.equal("EM emulator stopped");
    expect(stdout + demo.stderr()).to.not.match(DEMO_PASSWORD);
  });

  it("applies the user's --data file (relative to where npm was run), and with --keep-emulator leaves EM reachable until SIGTERM", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "demo-data-"));
    try {
      writeFileSync(
        path.join(dir, "mine.json"),
        JSON.stringify({
          tenants: [
            { name: "ABC Company", subtenants: [{ name: "my-only-subtenant", quotaMb: 2048 }], accounts: [{ type: "User", name: "TECH\\carol", roles: ["Portal User"], restoreScope: "all" }] },
          ],
        }),
      );
      const demo = startDemo(["--data", "mine.json", "--keep-emulator"], { INIT_CWD: dir });
      const stdout = await demo.waitFor(/Stop it with Ctrl\+C\.\n/, 50_000);
      expect(runSection(stdout, "first").at(-1)).to.match(/^first run: 2 created in /);
      expect(runSection(stdout, "second").at(-1)).to.match(/^second run: no changes \(2 unchanged\) in /);
      expect(stdout).to.include("applying examples/onboarding with mine.json");
      expect(stdout).to.match(/ create +Subtenant +ABC Company\/my-only-subtenant\n/);
      expect(stdout).to.not.include("abc-finance");

      // Reachable as printed: the URL and the administrator's logon.
      const reach = /export VEEAM_EM_URL=(\S+) VEEAM_EM_USERNAME=admin VEEAM_EM_PASSWORD='([^']+)'/.exec(stdout);
      expect(reach, stdout).to.not.equal(null);
      const [, url, adminPassword] = reach!;
      const logon = await send(url, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: "Basic " + Buffer.from(`admin:${adminPassword}`).toString("base64") } });
      expect(logon.status).to.equal(201);
      const subtenants = await send(url, "query?type=CloudSubtenant&format=Entities", { headers: { "X-RestSvcSessionId": String(logon.headers["x-restsvcsessionid"]) } });
      expect(subtenants.body).to.include("my-only-subtenant");
      expect(demo.stdout()).to.not.include("EM emulator stopped");

      demo.child.kill("SIGTERM");
      expect(await finished(demo, 10_000)).to.equal(0);
      expect(demo.stdout().trimEnd().split("\n").pop()).to.equal("EM emulator stopped");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unknown option, a stray argument or a missing --data file with the usage and exit code 2, before starting anything", async () => {
    const cases = [
      { args: ["--fast"], message: "Unknown option '--fast'" },
      { args: ["tenants.json"], message: "Unexpected argument 'tenants.json'" },
      { args: ["--data", "no-such-file.json"], message: "--data: there is no file" },
    ];
    const demos = cases.map((c) => startDemo(c.args));
    for (const [i, demo] of demos.entries()) {
      expect(await finished(demo, 20_000), cases[i].args.join(" ")).to.equal(2);
      expect(demo.stderr()).to.include(cases[i].message).and.to.include("Usage: npm run demo");
      expect(demo.stdout()).to.equal("");
    }
  });

  it("words each step as pulumi preview does: what changes, which changed arguments force a replacement, and the outcome", () => {
    const steps: Step[] = [
      { op: "update", kind: "Subtenant", name: "ABC Company/abc-finance", changed: ["description", "quotaMb"], replaces: [] },
      { op: "replace", kind: "EnterpriseAccount", name: "TECH\\bob", changed: ["flrSettings", "roles"], replaces: ["flrSettings"] },
      { op: "same", kind: "Subtenant", name: "ABC Company/abc-archive", changed: [], replaces: [] },
      { op: "create", kind: "Subtenant", name: "ABC Company/new", changed: [], replaces: [] },
    ];
    expect(steps.map(stepLine)).to.deep.equal([
      "  ~  update     Subtenant          ABC Company/abc-finance  [changed: description, quotaMb]",
      "  +- replace    EnterpriseAccount  TECH\\bob  [changed: flrSettings (forces replacement), roles]",
      "     no change  Subtenant          ABC Company/abc-archive",
      "  +  create     Subtenant          ABC Company/new",
    ]);
    expect(outcome(steps)).to.equal("1 created, 1 updated, 1 replaced, 1 unchanged");
    expect(outcome([steps[2], steps[2]])).to.equal("no changes (2 unchanged)");
    expect(changedArguments({ __provider: "a", quotaMb: 1024, roles: ["x"], gone: 1 }, { __provider: "b", quotaMb: 2048, roles: ["x"], added: true })).to.deep.equal(["added", "gone", "quotaMb"]);
  });
});
