/** The emulator in its own process (its CLI), so that its work does not count against the providers'. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

export interface EmulatorProcess {
  /** Base URL of its API, ending in /api/. */
  readonly url: string;
  readonly taskDurationMs: number;
  stop(): Promise<void>;
}

const CLI = path.join(__dirname, "..", "emulator", "cli.js");

export async function startEmulatorProcess(options: { taskDurationMs: number; adminPassword: string }): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI, "--port", "0", "--quiet", "--task-duration", String(options.taskDurationMs)], {
    env: { ...process.env, VEEAM_EM_EMULATOR_ADMIN_PASSWORD: options.adminPassword },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`the emulator did not start within 20 s: ${out}${err}`)), 20_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(e);
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.once("exit", (code) => fail(new Error(`the emulator exited with code ${code}: ${err}`)));
  });
  return {
    url,
    taskDurationMs: options.taskDurationMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
