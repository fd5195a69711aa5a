/**
 * `npm run demo`: the onboarding example (examples/onboarding) applied to a fresh EM emulator.
 *
 * Starts the emulator in this process on a free port, then runs `pulumi up` if the Pulumi CLI is installed;
 * otherwise runs the program here under the SDK's mocks, with every Subtenant and EnterpriseAccount applied
 * through the SDK's real dynamic-provider plugin (what `pulumi up` does per resource), and a second time to show
 * that nothing changes. Prints what was created, checks that no secret leaked, stops everything.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator/server";
import { forwardToEngine, moduleProgram, runUnderMocks } from "../tools/engine/program";
import { PACKAGE_ROOT, startHarness, type Harness } from "../tools/engine/harness";
import { findOnPath, pulumiUp, type CliSetting } from "../tools/engine/pulumi-cli";
import { formatSummary, type SummaryResource } from "../tools/engine/summary";

const PROJECT = "veeam-em-onboarding";
const STACK = "demo";
const PROGRAM_DIR = path.join(PACKAGE_ROOT, "examples", "onboarding");
const DATA_FILE = path.join(PROGRAM_DIR, "tenants.json");
/** The compiled program: the language host would run examples/onboarding/index.ts the same way. */
const PROGRAM_MODULE = path.join(PACKAGE_ROOT, "dist", "examples", "onboarding", "index.js");

const say = (line: string) => process.stdout.write(`${line}\n`);
const password = () => `Demo-${randomBytes(12).toString("base64url")}`;

/** tenant → subtenant → a fresh password, for every subtenant the data file lists. */
function subtenantPasswords(): Record<string, Record<string, string>> {
  const data = JSON.parse(readFileSync(DATA_FILE, "utf8")) as { tenants?: Array<{ name: string; subtenants?: Array<{ name: string }> }> };
  const result: Record<string, Record<string, string>> = {};
  for (const tenant of data.tenants ?? []) result[tenant.name] = Object.fromEntries((tenant.subtenants ?? []).map((s) => [s.name, password()]));
  return result;
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

async function throughPlugin(em: Emulator, adminPassword: string, passwords: Record<string, Record<string, string>>, secrets: string[]): Promise<SummaryResource[]> {
  let harness: Harness | undefined;
  try {
    harness = await startHarness({ url: em.url, username: "admin", password: adminPassword }, { project: PROJECT, stack: STACK });
    say(`dynamic-provider plugin started (pid ${harness.plugin.process.pid}, ${Math.round(harness.plugin.process.startMs)} ms), configured from the stack config`);
    const config = {
      ...harness.config,
      [`${PROJECT}:subtenantPasswords`]: JSON.stringify(passwords),
      [`${PROJECT}:dataFile`]: DATA_FILE,
    };
    const options = { project: PROJECT, stack: STACK, config, secretConfigKeys: [...harness.secretConfigKeys, `${PROJECT}:subtenantPasswords`] };
    const { engine } = harness;

    let stackOutputs = "";
    for (const run of ["first", "second"] as const) {
      const before = engine.rpcs.length;
      const declared = new Set<string>();
      stackOutputs = JSON.stringify(await runUnderMocks(moduleProgram(PROGRAM_MODULE), forwardToEngine(engine, declared), options));
      const ops = engine.rpcs.slice(before).map((r) => r.rpc);
      const count = (rpc: string) => ops.filter((o) => o === rpc).length;
      say(`${run} up: ${declared.size} resources; RPCs: ${count("Check")} Check, ${count("Diff")} Diff, ${count("Create")} Create, ${count("Update")} Update, ${count("Delete")} Delete`);
    }
    await programLogsOut(em);
    const texts = { "state dump": engine.plainTextDump(), "stack outputs": stackOutputs, "plugin output": harness.plugin.output() };
    const leaks = Object.entries(texts).filter(([, text]) => secrets.some((s) => text.includes(s))).map(([where]) => where);
    if (leaks.length > 0) throw new Error(`a secret value appears in plain text in: ${leaks.join(", ")}`);
    say(`secrets check: ok (${secrets.length} secret values, none in the state dump, the stack outputs or the plugin's output)`);
    return engine.rawView().map((s) => ({ name: s.name, type: s.type, id: s.id, outputs: s.outputs, secretKeys: s.secretKeys }));
  } finally {
    await harness?.stop();
    if (harness) say("dynamic-provider plugin stopped");
  }
}

function throughCli(pulumi: string, em: Emulator, adminPassword: string, passwords: Record<string, Record<string, string>>): SummaryResource[] {
  const settings: CliSetting[] = [
    { key: "veeam-em:url", value: em.url },
    { key: "veeam-em:username", value: "admin" },
    { key: "veeam-em:password", value: adminPassword, secret: true },
  ];
  for (const [tenant, subs] of Object.entries(passwords))
    for (const [sub, value] of Object.entries(subs)) settings.push({ key: `subtenantPasswords[${JSON.stringify(tenant)}][${JSON.stringify(sub)}]`, value, secret: true, path: true });
  return pulumiUp({ pulumi, projectDir: PACKAGE_ROOT, stack: STACK, settings, log: say });
}

async function main(): Promise<void> {
  const adminPassword = password();
  const em = await startEmulator({ port: 0, taskDurationMs: 100, adminPassword });
  say(`EM emulator listening on ${em.url} (default seed: tenant 'ABC Company')`);
  try {
    const passwords = subtenantPasswords();
    const secrets = [adminPassword, ...Object.values(passwords).flatMap((p) => Object.values(p))];
    const pulumi = findOnPath("pulumi");
    let resources: SummaryResource[];
    if (pulumi) {
      say(`running '${pulumi} up --yes' on ${path.relative(PACKAGE_ROOT, PROGRAM_DIR)} with a temporary local backend`);
      resources = throughCli(pulumi, em, adminPassword, passwords);
    } else {
      say("pulumi CLI not found on PATH: applying the program through the SDK's dynamic-provider plugin instead");
      resources = await throughPlugin(em, adminPassword, passwords, secrets);
    }
    const summary = formatSummary(resources);
    if (secrets.some((s) => summary.includes(s))) throw new Error("a secret value reached the summary");
    say(`\ncreated in EM (${resources.length} resources):\n${summary}\n`);
    const inEm = resources.filter((r) => em.store.state.subtenants.some((s) => s.id === r.id) || em.store.state.accounts.some((a) => a.id === r.id));
    say(`EM holds all ${inEm.length} of them${inEm.length === resources.length ? "" : ` (MISSING: ${resources.length - inEm.length})`}`);
    if (inEm.length !== resources.length) throw new Error("some resources are not in EM");
  } finally {
    await em.stop();
    say("EM emulator stopped");
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
