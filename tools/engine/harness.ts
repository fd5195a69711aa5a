/**
 * One plugin process and one engine for a stack whose config points at an EM (or the emulator): what the
 * Pulumi CLI sets up before the first resource step.
 */
import * as path from "node:path";
import { Engine } from "./engine";
import { DynamicProviderPlugin } from "./plugin";
import { secret } from "./secrets";

/** The package root: the plugin's working directory, from which the shim requires `pulumi-veeam-em/dynamic`. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface StackConfig {
  url: string;
  username: string;
  password: string;
  format?: "xml" | "json";
  /** Further veeam-em:* keys, without the namespace. */
  extra?: Record<string, string>;
}

export interface Harness {
  plugin: DynamicProviderPlugin;
  engine: Engine;
  /** The stack config as the program and PULUMI_CONFIG see it (plain values). */
  config: Record<string, string>;
  secretConfigKeys: string[];
  /** The plugin's answer to Configure. */
  configured: { acceptSecrets: boolean; supportsPreview: boolean };
  stop(): Promise<void>;
}

export function stackConfig(c: StackConfig): { config: Record<string, string>; secretConfigKeys: string[] } {
  const config: Record<string, string> = { "veeam-em:url": c.url, "veeam-em:username": c.username, "veeam-em:password": c.password };
  if (c.format) config["veeam-em:format"] = c.format;
  for (const [k, v] of Object.entries(c.extra ?? {})) config[`veeam-em:${k}`] = v;
  return { config, secretConfigKeys: ["veeam-em:password"] };
}

export interface HarnessOptions {
  project?: string;
  stack?: string;
  cwd?: string;
  /** Deadline of each RPC; a step still running then fails with DEADLINE_EXCEEDED. Default 30 s. */
  callTimeoutMs?: number;
}

export async function startHarness(c: StackConfig, options: HarnessOptions = {}): Promise<Harness> {
  const project = options.project ?? "veeam-em-test";
  const { config, secretConfigKeys } = stackConfig(c);
  const plugin = await DynamicProviderPlugin.start({ cwd: options.cwd ?? PACKAGE_ROOT, project, config, secretConfigKeys, callTimeoutMs: options.callTimeoutMs ?? 30_000 });
  let configured: Harness["configured"];
  try {
    // The engine sends the whole stack config, secrets still marked; the plugin unwraps them.
    const args = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secretConfigKeys.includes(k) ? secret(v) : v]));
    configured = await plugin.configure(args);
  } catch (err) {
    await plugin.stop();
    throw err;
  }
  const engine = new Engine(plugin, project, options.stack ?? "test");
  return { plugin, engine, config, secretConfigKeys, configured, stop: () => plugin.stop() };
}
