/** Runs the built `veeam-em` command as a user would, with its own environment, and collects what it prints. */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { parseConfigPath } from "../../provider/onboarding/config-path";

export const CLI = path.resolve(__dirname, "../../provider/cli/veeam-em.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env` is added to an environment without any VEEAM_EM_* variable of the test process. */
export function runCli(args: string[], env: Record<string, string> = {}, options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VEEAM_EM_")));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`veeam-em ${args.join(" ")} did not end in time; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The config paths of the printed `pulumi config set --secret --path '…' <password>` lines. */
export function passwordPaths(text: string): string[] {
  return text
    .split("\n")
    .map((line) => /^pulumi config set --secret --path '((?:[^']|'\\'')*)' <password>$/.exec(line)?.[1]?.replace(/'\\''/g, "'"))
    .filter((p): p is string => p !== undefined);
}

/** What `pulumi config set --path` would store for these paths: { key: nested object }, each value made by `value`. */
export function configFromPaths(paths: string[], value: (path: string) => string): Record<string, string> {
  const byKey: Record<string, Record<string, unknown>> = {};
  for (const p of paths) {
    const { key, steps } = parseConfigPath(p);
    let node = (byKey[key] ??= {});
    steps.slice(0, -1).forEach((step) => (node = (node[step] ??= {}) as Record<string, unknown>));
    node[steps[steps.length - 1]] = value(p);
  }
  return Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, JSON.stringify(v)]));
}
