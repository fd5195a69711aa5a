import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
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

  it("plays the EM version given with --em-version, and refuses one it does not know", async () => {
    const cli = startCli(["--port", "0", "--quiet", "--em-version", "11"], 2);
    const [first, second] = await cli.ready;
    expect(second).to.match(/^EM 11; administrator logon/);
    const url = /listening on (\S+)$/.exec(first)![1];
    expect((await send(url, "sessionMngr/?v=v1_7", { method: "POST", headers: { Authorization: ADMIN_BASIC } })).status).to.equal(400);
    expect((await send(url, "sessionMngr/?v=v1_6", { method: "POST", headers: { Authorization: ADMIN_BASIC } })).status).to.equal(201);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).to.equal(0);

    const bad = startCli(["--em-version", "9.5"], 1);
    const stderr: string[] = [];
    bad.child.stderr.on("data", (d: Buffer) => stderr.push(d.toString()));
    expect(await bad.exited).to.equal(2);
    expect(stderr.join("")).to.contain("--em-version must be one of 10, 11, 12, 13, got '9.5'");
  });

  it("adds or replaces routes from a --handlers module", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "em-handlers-"));
    try {
      const server = path.join(__dirname, "..", "..", "emulator", "server.js");
      writeFileSync(
        path.join(dir, "handlers.js"),
        `const { emHttp, EmError } = require(${JSON.stringify(server)});\n` +
          `exports.handlers = [emHttp.get("/cloud/tenants", () => { throw new EmError(503, "maintenance window"); })];\n`,
      );
      const cli = startCli(["--port", "0", "--quiet", "--handlers", path.join(dir, "handlers.js")], 1);
      const url = /listening on (\S+)$/.exec((await cli.ready)[0])![1];
      const logon = await send(url, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: ADMIN_BASIC } });
      const res = await send(url, "cloud/tenants", { headers: { "X-RestSvcSessionId": logon.headers["x-restsvcsessionid"] as string } });
      expect(res.status).to.equal(503);
      expect(res.body).to.contain("maintenance window");
      cli.child.kill("SIGTERM");
      expect(await cli.exited).to.equal(0);

      writeFileSync(path.join(dir, "bad.js"), "exports.handlers = [{ path: '/x' }];\n");
      const bad = startCli(["--handlers", path.join(dir, "bad.js")], 1);
      const stderr: string[] = [];
      bad.child.stderr.on("data", (d: Buffer) => stderr.push(d.toString()));
      expect(await bad.exited).to.equal(2);
      expect(stderr.join("")).to.contain("must export `handlers`, a list made with emHttp.get/post/put/delete");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a seed file with problems, naming each one's path, with exit code 2", async () => {
    const bad = startCli(["--seed", path.join(__dirname, "..", "..", "..", "test", "fixtures", "bad-seed.json")], 1);
    const stderr: string[] = [];
    bad.child.stderr.on("data", (d: Buffer) => stderr.push(d.toString()));
    expect(await bad.exited).to.equal(2);
    expect(stderr.join("")).to.contain('tenants[0].resources[0].quotaMb: expected a whole number, got "lots"');
  });

  describe("with a pid file", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), "em-cli-"));
    });
    afterEach(() => {
      // Whatever a failing test left running under this pid file is stopped here.
      const pidFile = path.join(dir, "emulator.pid");
      if (existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it("writes its own pid, refuses a second start while it runs, and --stop ends it and waits", async () => {
      const pidFile = path.join(dir, "emulator.pid");
      const cli = startCli(["--port", "0", "--quiet", "--pid-file", pidFile], 1);
      await cli.ready;
      expect(Number(readFileSync(pidFile, "utf8"))).to.equal(cli.child.pid);

      const second = startCli(["--port", "0", "--quiet", "--pid-file", pidFile], 1);
      const stderr: string[] = [];
      second.child.stderr.on("data", (d: Buffer) => stderr.push(d.toString()));
      expect(await second.exited).to.equal(2);
      expect(stderr.join("")).to.contain(`an emulator (process ${cli.child.pid}, from the pid file ${pidFile}) is still running; stop it with: veeam-em-emulator --stop --pid-file ${pidFile}`);

      const stop = startCli(["--stop", "--pid-file", pidFile], 1);
      expect((await stop.ready)[0]).to.equal(`stopped the emulator (process ${cli.child.pid})`);
      expect(cli.child.exitCode ?? (await cli.exited)).to.equal(0);
      expect(existsSync(pidFile)).to.equal(false);
      expect((await startCli(["--stop", "--pid-file", pidFile], 1).ready)[0]).to.equal(`no emulator to stop: ${pidFile} does not exist`);
    });

    it("--stop never signals a process that is not the emulator, and a start takes such a stale file over", async () => {
      const pidFile = path.join(dir, "emulator.pid");
      const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      started.push(other);
      writeFileSync(pidFile, `${other.pid}\n`);
      const stop = startCli(["--stop", "--pid-file", pidFile], 1);
      expect((await stop.ready)[0]).to.equal(`no emulator to stop: process ${other.pid} (from ${pidFile}) is not the emulator, so it was not signalled; the stale pid file was removed`);
      expect(await stop.exited).to.equal(0);
      expect(other.exitCode, "the other process still runs").to.equal(null);
      expect(other.signalCode).to.equal(null);
      expect(existsSync(pidFile)).to.equal(false);

      writeFileSync(pidFile, `${other.pid}\n`);
      const cli = startCli(["--port", "0", "--quiet", "--pid-file", pidFile], 1);
      await cli.ready;
      expect(Number(readFileSync(pidFile, "utf8"))).to.equal(cli.child.pid);
      expect(other.exitCode).to.equal(null);
      cli.child.kill("SIGTERM");
      expect(await cli.exited).to.equal(0);
    });

    it("never writes its pid file through a link", async () => {
      const pidFile = path.join(dir, "emulator.pid");
      const target = path.join(dir, "elsewhere");
      symlinkSync(target, pidFile);
      const cli = startCli(["--port", "0", "--quiet", "--pid-file", pidFile], 1);
      const stderr: string[] = [];
      cli.child.stderr.on("data", (d: Buffer) => stderr.push(d.toString()));
      expect(await cli.exited).to.equal(2);
      expect(stderr.join("")).to.contain(`the pid file ${pidFile} exists and names no process (or is a link)`);
      expect(existsSync(target), "nothing written where the link points").to.equal(false);
      rmSync(pidFile);
    });

    it("the README's CI snippet, run as written with an npx-like wrapper, leaves no emulator and a free port", async function () {
      this.timeout(60_000);
      const readme = readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");
      const section = readme.slice(readme.indexOf("### In your CI"));
      const snippet = /```sh\n([\s\S]*?)```/.exec(section)![1];
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, "127.0.0.1", () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      // Like npx: a node process that runs the emulator as its child and stays in between.
      writeFileSync(
        path.join(dir, "npx-like.js"),
        `const { spawn } = require("child_process");\n` +
          `const child = spawn(process.execPath, [${JSON.stringify(CLI)}, ...process.argv.slice(2)], { stdio: "inherit" });\n` +
          `for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(1));\n` +
          `child.on("exit", (code) => process.exit(code ?? 1));\n`,
      );
      const script = snippet
        .replaceAll("npx veeam-em-emulator", `"${process.execPath}" npx-like.js`)
        .replaceAll("9399", String(port))
        .replace("# … run your stack or tests against it …", `"${process.execPath}" -e 'fetch(process.env.VEEAM_EM_URL).then((r) => { console.log("entry point " + r.status); })'`);
      expect(script).to.contain("--pid-file emulator.pid");
      writeFileSync(path.join(dir, "ci.sh"), script);
      const run = spawn("bash", ["-e", "ci.sh"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      started.push(run);
      const out: string[] = [];
      run.stdout.on("data", (d: Buffer) => out.push(d.toString()));
      run.stderr.on("data", (d: Buffer) => out.push(d.toString()));
      const code = await new Promise<number | null>((resolve) => run.once("exit", resolve));
      expect(code, out.join("")).to.equal(0);
      expect(out.join("")).to.contain("entry point 200");
      expect(out.join("")).to.match(/stopped the emulator \(process \d+\)/);
      expect(readFileSync(path.join(dir, "emulator.log"), "utf8")).to.contain(`listening on http://127.0.0.1:${port}/api/`);
      expect(existsSync(path.join(dir, "emulator.pid"))).to.equal(false);
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(port, "127.0.0.1");
        socket.once("connect", () => (socket.destroy(), resolve("connected")));
        socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
      });
      expect(refused).to.equal("ECONNREFUSED");
    });
  });

  describe("its certificate file", () => {
    let dir: string;
    let saved: string | undefined;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), "em-tls-"));
      saved = process.env.TMPDIR;
      process.env.TMPDIR = dir; // os.tmpdir() reads it on each call
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(dir, { recursive: true, force: true });
    });
    const own = () => path.join(dir, `veeam-em-emulator-${process.getuid?.()}`);

    it("goes to a directory of this user's alone (0700), under a name no one can guess", async () => {
      const first = await createSelfSignedCertificate();
      const second = await createSelfSignedCertificate();
      expect(path.dirname(first.certPath)).to.equal(own());
      expect(lstatSync(own()).mode & 0o777).to.equal(0o700);
      expect(first.certPath).to.match(new RegExp(`emulator-ca-${process.pid}-[0-9a-f]{12}\\.pem$`));
      expect(second.certPath).not.to.equal(first.certPath);
      expect(readFileSync(first.certPath, "utf8")).to.equal(first.cert);
    });

    it("refuses that directory when it is a link or open to others", async () => {
      const elsewhere = path.join(dir, "elsewhere");
      mkdirSync(elsewhere, { mode: 0o700 });
      symlinkSync(elsewhere, own());
      await createSelfSignedCertificate().then(
        () => expect.fail("a link was followed"),
        (err: Error) => expect(err.message).to.contain(`${own()} is not a directory of this user's alone`),
      );
      rmSync(own());
      mkdirSync(own(), { mode: 0o777 & ~0o022 });
      await createSelfSignedCertificate().then(
        () => expect.fail("a directory others may read was used"),
        (err: Error) => expect(err.message).to.match(/others may write to it\): remove it, or give --tls-dir/),
      );
    });
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
