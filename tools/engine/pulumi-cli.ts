/**
 * The real Pulumi CLI, when it is installed: `pulumi up` of the program in a throw-away local file backend.
 * (Not exercised on machines without the CLI; the demo then drives the plugin itself.)
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isSecret } from "./secrets";
import type { SummaryResource } from "./summary";

export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface CliSetting {
  key: string;
  value: string;
  secret?: boolean;
  /** The key is a path into an object value (pulumi config set --path). */
  path?: boolean;
}

export interface CliRunOptions {
  pulumi: string;
  /** Directory holding Pulumi.yaml. */
  projectDir: string;
  stack: string;
  settings: CliSetting[];
  log: (line: string) => void;
  timeoutMs?: number;
}

/** Runs `pulumi up --yes` in a temporary file backend and returns the resources from `pulumi stack export`. */
export function pulumiUp(options: CliRunOptions): SummaryResource[] {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "veeam-em-demo-"));
  const configFile = path.join(tmp, `Pulumi.${options.stack}.yaml`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(18).toString("base64"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const run = (args: string[], show = false): string => {
    const result = spawnSync(options.pulumi, args, { cwd: options.projectDir, env, encoding: "utf8", timeout: options.timeoutMs ?? 300_000 });
    if (show && result.stdout) for (const line of result.stdout.trimEnd().split("\n")) options.log(`  ${line}`);
    // Never echo the arguments: `config set` carries secrets.
    if (result.status !== 0) throw new Error(`pulumi ${args[0]} ${args[1] ?? ""} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`);
    return result.stdout;
  };
  try {
    mkdirSync(path.join(tmp, "state"));
    run(["stack", "init", options.stack, "--non-interactive"]);
    for (const s of options.settings) {
      run(["config", "set", "--stack", options.stack, "--config-file", configFile, ...(s.secret ? ["--secret"] : ["--plaintext"]), ...(s.path ? ["--path"] : []), s.key, s.value]);
    }
    run(["up", "--yes", "--skip-preview", "--non-interactive", "--stack", options.stack, "--config-file", configFile], true);
    const exported = JSON.parse(run(["stack", "export", "--stack", options.stack])) as { deployment?: { resources?: Array<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }> } };
    return (exported.deployment?.resources ?? [])
      .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
      .map((r) => {
        const outputs = r.outputs ?? {};
        return { name: r.urn.split("::").pop() ?? r.urn, type: r.type, id: r.id ?? "", outputs, secretKeys: Object.keys(outputs).filter((k) => isSecret(outputs[k])) };
      });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
