/** The emulator in its own process (bench/emulator-host.ts), so that its work does not count against the providers'. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

export interface EmulatorProcess {
  /** Base URL of its API, ending in /api/. */
  readonly url: string;
  /** The duration each task was given, by task id. */
  readonly taskDurations: Map<string, number>;
  stop(): Promise<void>;
}

const HOST = path.join(__dirname, "emulator-host.js");

/** Starts an emulator whose tasks take `durationsMs` in turn, with `tenants` tenants (benchTenant). */
export async function startEmulatorProcess(options: { durationsMs: number[]; adminPassword: string; tenants?: number }): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, [HOST, "--durations", options.durationsMs.join(","), "--tenants", String(options.tenants ?? 1)], {
    env: { ...process.env, VEEAM_EM_EMULATOR_ADMIN_PASSWORD: options.adminPassword },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const taskDurations = new Map<string, number>();
  let pending = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the emulator did not start within 20 s: ${stderr}`)), 20_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(e);
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const task = /^task (\S+) (\d+)$/.exec(line);
        if (task) taskDurations.set(task[1], Number(task[2]));
        const listening = /^listening on (\S+)$/.exec(line);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1]);
        }
      }
    });
    child.once("exit", (code) => fail(new Error(`the emulator exited with code ${code}: ${stderr}`)));
  });
  return {
    url,
    taskDurations,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
