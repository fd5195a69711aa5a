import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { startEmulator } from "../../emulator/server";
import { createSelfSignedCertificate } from "../../emulator/tls";
import { ADMIN_BASIC, send } from "../support/http";

const CLI = path.join(__dirname, "..", "..", "emulator", "cli.js");

/** Every CLI process a test started; killed after each test, so a failing or cut-short test leaves none behind. */
const started: ChildProcess[] = [];

/** Starts the CLI and resolves with its first stdout lines once it has printed `count` of them. */
function startCli(args: string[], count: number) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const lines: string[] = [];
  const ready = new Promise<string[]>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      if (lines.length === count) resolve(lines);
    });
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code} before printing ${count} lines`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, ready, exited };
}

describe("emulator: command line and TLS", () => {
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  it("prints its URL first, serves the API, and stops cleanly on SIGTERM", async () => {
    const cli = startCli(["--port", "0", "--quiet"], 1);
    const [first] = await cli.ready;
    const m = /^EM emulator listening on (http:\/\/127\.0\.0\.1:\d+\/api\/)$/.exec(first);
    expect(m, first).to.not.equal(null);
    const res = await send(m![1], "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: ADMIN_BASIC } });
    expect(res.status).to.equal(201);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).to.equal(0);
  });

  it("serves HTTPS with a self-signed certificate written to the path it prints", async () => {
    const cli = startCli(["--port", "0", "--tls", "--quiet", "--admin-user", "root", "--admin-password", "s3cret"], 2);
    const [first, second] = await cli.ready;
    const url = /listening on (https:\/\/\S+)$/.exec(first)![1];
    const certPath = /: (\S+\.pem)$/.exec(second)![1];
    const res = await send(url, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: "Basic " + Buffer.from("root:s3cret").toString("base64") }, ca: readFileSync(certPath, "utf8") });
    expect(res.status).to.equal(201);
    let error: NodeJS.ErrnoException | undefined;
    await send(url, "", {}).catch((e) => (error = e));
    expect(error?.code).to.equal("DEPTH_ZERO_SELF_SIGNED_CERT");
    cli.child.kill("SIGINT");
    expect(await cli.exited).to.equal(0);
  });

  it("refuses a bad flag with a message and exit code 2", async () => {
    const cli = startCli(["--port", "many"], 1);
    const stderr: string[] = [];
    cli.child.stderr.on("data", (d: Buffer) => stderr.push(d.toString()));
    expect(await cli.exited).to.equal(2);
    expect(stderr.join("")).to.contain("--port needs a number");
  });

  it("runs in-process over HTTPS for tests", async () => {
    const certificate = await createSelfSignedCertificate();
    const em = await startEmulator({ tls: certificate });
    try {
      expect(em.url).to.match(/^https:\/\/127\.0\.0\.1:\d+\/api\/$/);
      expect((await send(em.url, "", { ca: certificate.cert })).status).to.equal(200);
    } finally {
      await em.stop();
    }
  });
});
