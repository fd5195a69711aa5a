/**
 * `npm run bench:onboarding`: a TenantOnboarding of N subtenants, each size in a process of its own (so its peak
 * memory is its own), against the emulator in another process. Prints, per N: the wall time of the program (the
 * component checks the file, finds every password, looks names up in EM and declares every Subtenant; the engine is
 * mocked, so no resource is created), the peak RSS above a process with only the SDK loaded, and that per object;
 * and the time to find N passwords in stack config (each a step into one JSON object, as `veeam-em export` writes
 * them), beside the same look-ups made one config read each, at sizes where that still ends.
 *
 *   npm run bench:onboarding                       N = 500, 5,000 (about 1 minute)
 *   npm run bench:onboarding -- --sizes 500,5000,20000 --lookups 5000,20000 --per-read 1000,2000
 */
import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { startEmulatorProcess } from "./emulator-process";
import { ADMIN_PASSWORD, ADMIN_USER } from "./workload";

const PROJECT = "bench-onboarding";
const TENANT = "ABC Company";

interface ChildResult {
  n: number;
  wallMs: number;
  declared: number;
  peakRssBytes: number;
  baseRssBytes: number;
}

function passwords(n: number): Record<string, Record<string, string>> {
  const subs: Record<string, string> = {};
  for (let i = 0; i < n; i++) subs[`sub-${i}`] = `Bench-Pass-${i}-x`;
  return { [TENANT]: subs };
}

function data(n: number) {
  return { tenants: [{ name: TENANT, subtenants: Array.from({ length: n }, (_, i) => ({ name: `sub-${i}`, quotaMb: "unlimited" })) }], accounts: [] };
}

/** One size, in this (child) process: the program under mocks. */
async function child(n: number, url: string): Promise<void> {
  const { runUnderMocks } = require("../tools/engine/program") as typeof import("../tools/engine/program");
  const { TenantOnboarding } = require("../provider/onboarding") as typeof import("../provider/onboarding");
  const baseRssBytes = process.memoryUsage().rss;
  const config = { "veeam-em:url": url, "veeam-em:username": ADMIN_USER, "veeam-em:password": ADMIN_PASSWORD, [`${PROJECT}:subtenantPasswords`]: JSON.stringify(passwords(n)) };
  let declared = 0;
  const started = performance.now();
  await runUnderMocks(
    async () => {
      const onboarding = new TenantOnboarding("onb", { data: data(n) });
      await onboarding.ready;
      return {};
    },
    async (a) => {
      if (a.type.endsWith(":Subtenant")) declared += 1;
      return { id: `${a.name}-id`, state: { ...a.inputs, subtenantId: `${a.name}-id` } };
    },
    { project: PROJECT, config, secretConfigKeys: ["veeam-em:password", `${PROJECT}:subtenantPasswords`] },
  );
  const wallMs = performance.now() - started;
  const result: ChildResult = { n, wallMs, declared, peakRssBytes: process.resourceUsage().maxRSS * 1024, baseRssBytes };
  process.send?.(result);
}

/** Finding n passwords: with ConfigReader (each key read and parsed once), or one config read per password. */
function lookups(n: number, perRead: boolean): number {
  const { ConfigReader, parseConfigPath, readConfigPath, defaultPasswordPath } = require("../provider/onboarding/config-path") as typeof import("../provider/onboarding/config-path");
  pulumi.runtime.setAllConfig({ [`${PROJECT}:subtenantPasswords`]: JSON.stringify(passwords(n)) }, [`${PROJECT}:subtenantPasswords`]);
  const get = (namespace: string | undefined, key: string) => new pulumi.Config(namespace ?? PROJECT).get(key);
  const paths = Array.from({ length: n }, (_, i) => parseConfigPath(defaultPasswordPath(TENANT, `sub-${i}`)));
  const reader = new ConfigReader(get);
  const started = performance.now();
  for (const p of paths) {
    const value = perRead ? readConfigPath(p, get) : reader.read(p);
    if (typeof value !== "string") throw new Error(`no password at ${JSON.stringify(p)}`);
  }
  return performance.now() - started;
}

function runChild(n: number, url: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = fork(__filename, ["--child", String(n), "--url", url], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    proc.once("message", (m) => resolve(m as ChildResult));
    proc.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`the N = ${n} run exited with code ${code}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { child: { type: "string" }, url: { type: "string" }, sizes: { type: "string" }, lookups: { type: "string" }, "per-read": { type: "string" } }, strict: true });
  if (values.child) return child(Number(values.child), values.url as string);
  const list = (raw: string) => raw.split(",").map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`sizes are positive whole numbers separated by commas, got '${raw}'`);
    return n;
  });
  const sizes = list(values.sizes ?? "500,5000");
  const emulator = await startEmulatorProcess({ durationsMs: [5], adminPassword: ADMIN_PASSWORD });
  const sdkOnly = process.memoryUsage().rss;
  const rows: string[] = [];
  try {
    for (const n of sizes) {
      const r = await runChild(n, emulator.url);
      if (r.declared !== n) throw new Error(`N = ${n}: ${r.declared} subtenants declared`);
      const above = r.peakRssBytes - r.baseRssBytes;
      rows.push(`| ${n} | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB | ${(above / 2 ** 20).toFixed(0)} MB | ${(above / n / 1024).toFixed(1)} KB |`);
      process.stderr.write(`bench:onboarding N=${n}: ${(r.wallMs / 1000).toFixed(2)} s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MB\n`);
    }
  } finally {
    await emulator.stop();
  }
  void sdkOnly;
  let out = `TenantOnboarding of N subtenants (Node ${process.version}; engine mocked; each N in its own process)\n\n`;
  out += "| N | program wall time | peak RSS | peak RSS above the process at start | per subtenant |\n| --- | --- | --- | --- | --- |\n" + rows.join("\n") + "\n";
  out += "\nFinding N subtenant passwords in stack config\n\n| N | each key read and parsed once | one config read per password |\n| --- | --- | --- |\n";
  const lookupSizes = list(values.lookups ?? "5000,20000");
  const perReadSizes = list(values["per-read"] ?? "1000,2000");
  for (const n of [...new Set([...lookupSizes, ...perReadSizes])].sort((a, b) => a - b)) {
    const once = lookupSizes.includes(n) || perReadSizes.includes(n) ? `${lookups(n, false).toFixed(0)} ms` : "—";
    const each = perReadSizes.includes(n) ? `${lookups(n, true).toFixed(0)} ms` : "—";
    out += `| ${n} | ${once} | ${each} |\n`;
  }
  process.stdout.write(out);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:onboarding: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
