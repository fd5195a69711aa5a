/**
 * The SDK's dynamic-provider plugin as a child process, started the way the engine starts it: node running
 * `@pulumi/pulumi/cmd/dynamic-provider/index.js <engine address>` in the program's directory, with the project
 * and the stack config in its environment. The first stdout line is the gRPC port; later output is kept.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

export interface PluginProcessOptions {
  /** The program directory: the plugin's working directory, where `require` of captured packages resolves. */
  cwd: string;
  project: string;
  /** Full stack config as the engine passes it in PULUMI_CONFIG (namespaced keys, secrets decrypted). */
  config: Record<string, string>;
  secretConfigKeys?: readonly string[];
  /** Extra environment; the parent's VEEAM_EM_* and PULUMI_* variables are never passed on. */
  env?: NodeJS.ProcessEnv;
  /** Longest wait for the port line. Default 15 s. */
  startTimeoutMs?: number;
  /** Another plugin to run instead of the SDK's dynamic-provider plugin (e.g. the veeam-em plugin's main.js). */
  entryPoint?: string;
}

export interface PluginProcess {
  readonly port: number;
  readonly pid: number;
  /** Milliseconds from spawn to the port line. */
  readonly startMs: number;
  /** Everything the plugin wrote after the port line, stdout and stderr interleaved. */
  output(): string;
  /** Whether the process is still running. */
  running(): boolean;
  stop(timeoutMs?: number): Promise<void>;
}

/** The plugin entry point as installed in the program's node_modules (the engine's bundled launcher runs it). */
export function pluginEntryPoint(cwd: string): string {
  const local = path.join(cwd, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
  return existsSync(local) ? local : require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
}

function cleanEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(VEEAM_EM_|PULUMI_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function spawnPluginProcess(options: PluginProcessOptions): Promise<PluginProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [options.entryPoint ?? pluginEntryPoint(options.cwd), "127.0.0.1:0"], {
    cwd: options.cwd,
    env: cleanEnv({
      PULUMI_NODEJS_PROJECT: options.project,
      PULUMI_PROJECT: options.project,
      PULUMI_CONFIG: JSON.stringify(options.config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretConfigKeys ?? []),
      ...options.env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  let firstLine: string | undefined;
  let pending = "";
  const portLine = new Promise<string>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 15_000;
    const timer = setTimeout(() => reject(new Error(`the dynamic-provider plugin printed no port within ${timeoutMs} ms; output: ${chunks.join("")}`)), timeoutMs);
    child.stdout!.setEncoding("utf8").on("data", (data: string) => {
      if (firstLine !== undefined) return void chunks.push(data);
      pending += data;
      const nl = pending.indexOf("\n");
      if (nl < 0) return;
      firstLine = pending.slice(0, nl).trim();
      if (pending.length > nl + 1) chunks.push(pending.slice(nl + 1));
      clearTimeout(timer);
      resolve(firstLine);
    });
    child.stderr!.setEncoding("utf8").on("data", (data: string) => void chunks.push(data));
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the dynamic-provider plugin exited (${signal ?? code}) before printing its port; output: ${pending}${chunks.join("")}`));
    });
  });
  let line: string;
  try {
    line = await portLine;
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const port = Number(line);
  if (!Number.isInteger(port) || port <= 0) {
    child.kill("SIGKILL");
    throw new Error(`the dynamic-provider plugin's first line is not a port: '${line}'`);
  }
  const startMs = performance.now() - started;
  return {
    port,
    pid: child.pid!,
    startMs,
    output: () => chunks.join(""),
    running: () => child.exitCode === null && child.signalCode === null,
    async stop(timeoutMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      if (await waitForExit(child, timeoutMs)) return;
      child.kill("SIGKILL");
      await waitForExit(child, timeoutMs);
    },
  };
}
