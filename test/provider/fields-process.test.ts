/**
 * Importing the package changes nothing in the importing process: no signal handlers that end it, no exit
 * listeners. The plugin process gets them when it first asks for a provider, a program when it first looks
 * something up. Each child process below is a fresh Node process, so the counts are its own.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { startEmulator } from "../../emulator/server";
import { createLogger, parseLogLevel, poolLog, programPoolLog } from "../../provider/resources/log";
import { startHarness } from "../../tools/engine/harness";
import { providerTexts } from "../../tools/engine/provider-text";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** Runs `body` in a fresh Node process (cwd: the package root) and returns what it printed as JSON. */
function inChild(body: string): Record<string, unknown> {
  const script = `
    const counts = () => ({ SIGTERM: process.listenerCount("SIGTERM"), SIGINT: process.listenerCount("SIGINT"), beforeExit: process.listenerCount("beforeExit") });
    (async () => { ${body} })().then((r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); }, (e) => { process.stdout.write(JSON.stringify({ error: String(e) })); process.exit(0); });
  `;
  const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", VEEAM_EM_LOG_LEVEL: "silent" }, encoding: "utf8", timeout: 30_000 });
  return JSON.parse(out) as Record<string, unknown>;
}

describe("fields: importing the package has no side effects on the process", function () {
  this.timeout(40_000);

  it("importing the package, its dynamic entry point and its look-ups adds no listener", () => {
    const result = inChild(`
      const before = counts();
      require("./dist/provider/index.js");
      require("./dist/provider/resources/runtime.js");
      require("./dist/provider/lookups.js");
      return { before, after: counts() };
    `);
    expect(result.after).to.deep.equal(result.before);
  });

  it("the plugin path (providerFor, as the shim's configure calls it) installs the exit hooks once", () => {
    const result = inChild(`
      const runtime = require("./dist/provider/resources/runtime.js");
      const before = counts();
      runtime.providerFor("Subtenant", { config: { get: () => undefined, require: () => "" } });
      const once = counts();
      runtime.providerFor("EnterpriseAccount");
      runtime.providerFor("Subtenant");
      return { before, once, again: counts() };
    `);
    const before = result.before as Record<string, number>;
    expect(result.once).to.deep.equal({ SIGTERM: before.SIGTERM + 1, SIGINT: before.SIGINT + 1, beforeExit: before.beforeExit + 1 });
    expect(result.again).to.deep.equal(result.once);
  });

  it("a look-up installs the log-out hook on first use only", () => {
    const result = inChild(`
      const lookups = require("./dist/provider/lookups.js");
      const before = counts();
      // A URL the client refuses before any request: the look-up fails at once, after it set up its pool.
      const connection = { url: "::not-a-url", credentials: { kind: "admin", username: "u", password: "p" } };
      await lookups.getRole({ name: "x" }, { connection }).catch(() => undefined);
      const once = counts();
      await lookups.getRole({ name: "x" }, { connection }).catch(() => undefined);
      return { before, once, again: counts() };
    `);
    const before = result.before as Record<string, number>;
    expect(result.once).to.deep.equal({ ...before, beforeExit: before.beforeExit + 1 });
    expect(result.again).to.deep.equal(result.once);
  });
});

describe("fields: the logger", () => {
  it("writes at and above its level, with the level named, and nothing when silent", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "warn", write: (line) => lines.push(line) });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(lines).to.deep.equal(["veeam-em: warning: w\n", "veeam-em: error: e\n"]);
    const silent: string[] = [];
    createLogger({ level: "silent", write: (line) => silent.push(line) }).error("x");
    expect(silent).to.deep.equal([]);
  });

  it("reads the level from text, and routes the client pool's warnings and progress to their levels", () => {
    expect([parseLogLevel("DEBUG"), parseLogLevel(" warn "), parseLogLevel("loud"), parseLogLevel(undefined)]).to.deep.equal(["debug", "warn", undefined, undefined]);
    const lines: string[] = [];
    const sink = poolLog(createLogger({ level: "info", write: (line) => lines.push(line) }));
    sink("warning: TLS verification is OFF");
    sink("Logged on to EM as admin");
    expect(lines).to.deep.equal(["veeam-em: warning: TLS verification is OFF\n", "veeam-em: Logged on to EM as admin\n"]);
  });

  it("in the program's process, says the logon at debug level only (the plugin process says it for the run)", () => {
    const at = (level: "info" | "debug") => {
      const lines: string[] = [];
      const sink = programPoolLog(createLogger({ level, write: (line) => lines.push(line) }));
      sink("Logged on to EM as admin");
      sink("warning: TLS verification is OFF");
      return lines;
    };
    expect(at("info")).to.deep.equal(["veeam-em: warning: TLS verification is OFF\n"]);
    expect(at("debug")).to.deep.equal(["veeam-em: debug: Logged on to EM as admin\n", "veeam-em: warning: TLS verification is OFF\n"]);
  });
});

describe("fields: the plugin process still logs out when the engine ends it", function () {
  this.timeout(30_000);

  it("SIGTERM after a resource step: the plugin deletes its EM session before it exits", async () => {
    const texts = await providerTexts();
    // On the real clock: the plugin is a process of its own, and reads its own clock.
    const em = await startEmulator({ port: 0, taskDurationMs: 10, adminPassword: "Adm1n-Pass-55" });
    try {
      const harness = await startHarness({ url: em.url, username: "admin", password: "Adm1n-Pass-55" });
      await harness.engine.register(texts.types.EnterpriseAccount, "alice", { __provider: texts.EnterpriseAccount, accountType: "User", accountName: "TECH\\alice", roles: ["Portal User"] });
      expect(em.requests.filter((r) => r.method === "DELETE" && /logonSessions/i.test(r.url))).to.deep.equal([]);
      await harness.stop();
      expect(harness.plugin.process.running()).to.equal(false);
      expect(em.requests.filter((r) => r.method === "DELETE" && /\/api\/logonSessions\//i.test(r.url))).to.have.length(1);
    } finally {
      await em.stop();
    }
  });
});
