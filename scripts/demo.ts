/**
 * `npm run demo`: the onboarding example (examples/onboarding) applied to a fresh EM emulator, twice.
 *
 * Starts the emulator in this process on a free port, then runs `pulumi up` if the Pulumi CLI is installed;
 * otherwise runs the program here under the SDK's mocks, with every Subtenant and EnterpriseAccount applied
 * through the SDK's real dynamic-provider plugin (what `pulumi up` does per resource). Each run prints, per
 * resource, what `pulumi preview` would show (create, update, replace or no change, with the changed fields) and
 * the provider's progress lines as they come; the second run must change nothing. Then it prints what EM holds,
 * checks that no secret leaked, and stops everything (or, with --keep-emulator, leaves the emulator running).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type Emulator } from "../emulator/server";
import { isDynamic, moduleProgram, runUnderMocks, type ResourceHandler } from "../tools/engine/program";
import { PACKAGE_ROOT, startHarness, type Harness } from "../tools/engine/harness";
import type { Engine } from "../tools/engine/engine";
import { findOnPath, pulumiUp, type CliSetting } from "../tools/engine/pulumi-cli";
import { formatSummary, type SummaryResource } from "../tools/engine/summary";
import { changedArguments, kindOf, outcome, stepLine, type Step } from "./preview-lines";

const PROJECT = "veeam-em-onboarding";
const STACK = "demo";
const PROGRAM_DIR = path.join(PACKAGE_ROOT, "examples", "onboarding");
/** The compiled program: the language host would run examples/onboarding/index.ts the same way. */
const PROGRAM_MODULE = path.join(PACKAGE_ROOT, "dist", "examples", "onboarding", "index.js");
/** How long the emulator's tasks run: long enough to show the provider waiting, as it does for EM's tasks. */
const TASK_DURATION_MS = 1000;

const USAGE = `Usage: npm run demo [-- options]

Applies the onboarding example (examples/onboarding) to a fresh EM emulator twice and shows what changed.

  --data FILE        apply this onboarding data file instead of examples/onboarding/tenants.json
                     (format: README, "The onboarding data file"; the emulator knows the tenants of its default seed,
                     e.g. 'ABC Company')
  --keep-emulator    leave the emulator running afterwards and print how to reach it (stop it with Ctrl+C)
  --help             show this help
`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const password = () => `Demo-${randomBytes(12).toString("base64url")}`;

/** A wrong command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

interface DemoOptions {
  dataFile: string;
  keepEmulator: boolean;
}

function parseCommandLine(argv: string[]): DemoOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { data: { type: "string" }, "keep-emulator": { type: "boolean" }, help: { type: "boolean" } }, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values } = parsed;
  if (values.help) return "help";
  // npm runs scripts in the package's directory; a relative path means the directory the user typed it in.
  const userDir = process.env.INIT_CWD ?? process.cwd();
  const dataFile = values.data === undefined ? path.join(PROGRAM_DIR, "tenants.json") : path.resolve(userDir, values.data);
  if (!existsSync(dataFile)) throw new UsageError(`--data: there is no file ${dataFile}`);
  return { dataFile, keepEmulator: values["keep-emulator"] === true };
}

/**
 * tenant → subtenant → a fresh password, for every subtenant the data file lists. A file that cannot be read as
 * onboarding data gets none: the program then reports what is wrong with it, with the place in the file.
 */
function subtenantPasswords(dataFile: string): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  try {
    const data = JSON.parse(readFileSync(dataFile, "utf8")) as { tenants?: Array<{ name?: unknown; subtenants?: Array<{ name?: unknown }> }> };
    for (const tenant of Array.isArray(data.tenants) ? data.tenants : []) {
      if (typeof tenant?.name !== "string") continue;
      const names = (Array.isArray(tenant.subtenants) ? tenant.subtenants : []).map((s) => s?.name).filter((n): n is string => typeof n === "string");
      result[tenant.name] = Object.fromEntries(names.map((n) => [n, password()]));
    }
  } catch {
    // the program's own check says what is wrong
  }
  return result;
}

/**
 * Applies each dynamic resource through the engine, as `pulumi up` does, and prints the step when it starts (where
 * the CLI shows "creating…"), so the provider's progress lines that follow belong to it.
 */
function applyAndReport(engine: Engine, steps: Step[]): ResourceHandler {
  return async (args) => {
    if (!isDynamic(args.type)) return { id: `${args.name}-id`, state: args.inputs };
    const before = engine.get(engine.urn(args.type, args.name));
    const result = await engine.register(args.type, args.name, args.inputs, {
      onStep: (op, inputs, diff) => {
        const changed = before && op !== "same" ? changedArguments(before.inputs, inputs) : [];
        const step: Step = { op, kind: kindOf(args.type), name: args.name, changed, replaces: diff?.replaces ?? [] };
        steps.push(step);
        say(stepLine(step));
      },
    });
    return { id: result.state.id, state: engine.programOutputs(result.state.urn) };
  };
}

/**
 * Prints the provider's progress lines (the plugin's stderr, `veeam-em: …`) while a run goes on, each with the
 * time since the run began: what the Pulumi CLI shows as the stack's diagnostics. Returns a function that prints
 * what is left and stops.
 */
function relayProgress(harness: Harness, startedAt: number): () => void {
  let seen = harness.plugin.process.output().length;
  const flush = (all: boolean) => {
    const text = harness.plugin.process.output();
    const end = all ? text.length : text.lastIndexOf("\n", text.length - 1) + 1;
    if (end <= seen) return;
    for (const line of text.slice(seen, end).split("\n"))
      if (line.startsWith("veeam-em:")) say(`     ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(5)} s  ${line}`);
    seen = end;
  };
  const timer = setInterval(() => flush(false), 100);
  return () => {
    clearInterval(timer);
    flush(true);
  };
}

/**
 * The program's look-ups log out of EM when the program's process is about to exit ('beforeExit'), as under the
 * language host; here the process goes on, so that moment is signalled now and the logout awaited (bounded),
 * before the emulator stops.
 */
async function programLogsOut(em: Emulator): Promise<void> {
  const isLogout = (r: { method: string; url: string }) => r.method === "DELETE" && r.url.startsWith("/api/logonSessions/");
  const before = em.requests.filter(isLogout).length;
  process.emit("beforeExit", 0);
  for (let waited = 0; waited < 3000 && em.requests.filter(isLogout).length === before; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

async function throughPlugin(em: Emulator, adminPassword: string, dataFile: string, passwords: Record<string, Record<string, string>>, secrets: string[]): Promise<SummaryResource[]> {
  let harness: Harness | undefined;
  try {
    harness = await startHarness({ url: em.url, username: "admin", password: adminPassword }, { project: PROJECT, stack: STACK });
    say(`Pulumi's dynamic-provider plugin started (${Math.round(harness.plugin.process.startMs)} ms), configured with the stack's veeam-em:* settings`);
    const config = {
      ...harness.config,
      [`${PROJECT}:subtenantPasswords`]: JSON.stringify(passwords),
      [`${PROJECT}:dataFile`]: dataFile,
    };
    const options = { project: PROJECT, stack: STACK, config, secretConfigKeys: [...harness.secretConfigKeys, `${PROJECT}:subtenantPasswords`] };
    const { engine } = harness;

    let stackOutputs = "";
    for (const run of ["first", "second"] as const) {
      say(`\n${run} run (pulumi up):`);
      const steps: Step[] = [];
      const startedAt = performance.now();
      const stopRelay = relayProgress(harness, startedAt);
      try {
        stackOutputs = JSON.stringify(await runUnderMocks(moduleProgram(PROGRAM_MODULE), applyAndReport(engine, steps), options));
      } finally {
        stopRelay();
      }
      say(`${run} run: ${outcome(steps)} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
      if (run === "second" && steps.some((s) => s.op !== "same")) throw new Error("the second run changed something; applying the same program twice must change nothing");
    }
    await programLogsOut(em);
    const texts = { "state dump": engine.plainTextDump(), "stack outputs": stackOutputs, "plugin output": harness.plugin.output() };
    const leaks = Object.entries(texts).filter(([, text]) => secrets.some((s) => text.includes(s))).map(([where]) => where);
    if (leaks.length > 0) throw new Error(`a secret value appears in plain text in: ${leaks.join(", ")}`);
    say(`\nsecrets check: ok (${secrets.length} secret values, none in the state, the stack outputs or the provider's output)`);
    return engine.rawView().map((s) => ({ name: s.name, type: s.type, id: s.id, outputs: s.outputs, secretKeys: s.secretKeys }));
  } finally {
    await harness?.stop();
  }
}

function throughCli(pulumi: string, em: Emulator, adminPassword: string, dataFile: string, passwords: Record<string, Record<string, string>>): SummaryResource[] {
  const settings: CliSetting[] = [
    { key: "veeam-em:url", value: em.url },
    { key: "veeam-em:username", value: "admin" },
    { key: "veeam-em:password", value: adminPassword, secret: true },
    { key: "dataFile", value: dataFile },
  ];
  for (const [tenant, subs] of Object.entries(passwords))
    for (const [sub, value] of Object.entries(subs)) settings.push({ key: `subtenantPasswords[${JSON.stringify(tenant)}][${JSON.stringify(sub)}]`, value, secret: true, path: true });
  return pulumiUp({ pulumi, projectDir: PACKAGE_ROOT, stack: STACK, settings, log: say });
}

/** Keeps the emulator until Ctrl+C or SIGTERM, after saying how to reach it. */
async function keepRunning(em: Emulator, adminPassword: string): Promise<void> {
  say(`\nThe EM emulator keeps running at ${em.url} with what the demo created. To reach it:`);
  say(`  export VEEAM_EM_URL=${em.url} VEEAM_EM_USERNAME=admin VEEAM_EM_PASSWORD='${adminPassword}'`);
  say(`  curl -i -u 'admin:${adminPassword}' -X POST '${em.url}sessionMngr/?v=latest'`);
  say("Stop it with Ctrl+C.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}

async function main(argv: string[]): Promise<void> {
  const options = parseCommandLine(argv);
  if (options === "help") return void process.stdout.write(USAGE);
  const dataLabel = path.relative(process.env.INIT_CWD ?? process.cwd(), options.dataFile) || options.dataFile;
  const adminPassword = password();
  const em = await startEmulator({ port: 0, taskDurationMs: TASK_DURATION_MS, adminPassword });
  say(`EM emulator listening on ${em.url} (default seed: tenant 'ABC Company'; its tasks take ${TASK_DURATION_MS / 1000} s)`);
  try {
    const passwords = subtenantPasswords(options.dataFile);
    const secrets = [adminPassword, ...Object.values(passwords).flatMap((p) => Object.values(p))];
    const pulumi = findOnPath("pulumi");
    let resources: SummaryResource[];
    if (pulumi) {
      say(`running '${pulumi} up --yes' on ${path.relative(PACKAGE_ROOT, PROGRAM_DIR)} with ${dataLabel}, in a temporary local backend`);
      resources = throughCli(pulumi, em, adminPassword, options.dataFile, passwords);
    } else {
      say(`applying ${path.relative(PACKAGE_ROOT, PROGRAM_DIR)} with ${dataLabel} (no pulumi CLI on PATH: through Pulumi's own dynamic-provider plugin, as 'pulumi up' would)`);
      resources = await throughPlugin(em, adminPassword, options.dataFile, passwords, secrets);
    }
    const summary = formatSummary(resources);
    if (secrets.some((s) => summary.includes(s))) throw new Error("a secret value reached the summary");
    const inEm = resources.filter((r) => em.store.state.subtenants.some((s) => s.id === r.id) || em.store.state.accounts.some((a) => a.id === r.id));
    say(`\nEM now holds (${inEm.length} of the stack's ${resources.length} resources):\n${summary}\n`);
    if (inEm.length !== resources.length) throw new Error(`${resources.length - inEm.length} of the stack's resources are not in EM`);
    if (options.keepEmulator) await keepRunning(em, adminPassword);
  } finally {
    await em.stop();
    say("EM emulator stopped");
  }
}

// The SDK leaves a failed program's rejection unhandled as well; the run reports that same failure below.
const unhandled: unknown[] = [];
process.on("unhandledRejection", (reason) => void unhandled.push(reason));

main(process.argv.slice(2)).then(
  () => {
    if (unhandled.length > 0) {
      process.stderr.write(`demo failed: ${unhandled.map((e) => (e instanceof Error ? e.message : String(e))).join("; ")}\n`);
      process.exitCode = 1;
    }
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`demo: ${err.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
