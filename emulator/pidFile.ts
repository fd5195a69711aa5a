import { readFileSync, unlinkSync } from "node:fs";

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Refuses to start while the process a pid file names still runs (a previous run that was not stopped), so a CI
 * job fails with the way out instead of EADDRINUSE. A stale file (its process gone) is taken over.
 */
export function claimPidFile(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return;
  }
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid)) {
    throw new Error(`an emulator (process ${pid}, from the pid file ${file}) is still running; stop it with: veeam-em-emulator --stop --pid-file ${file}`);
  }
}

/** Removes the pid file on exit, if it still names this process. */
export function releasePidFile(file: string): void {
  try {
    if (Number(readFileSync(file, "utf8").trim()) === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops the emulator a pid file names (SIGTERM) and waits, up to `timeoutMs`, until it has exited. */
export async function stopByPidFile(file: string, timeoutMs = 10_000): Promise<string> {
  let pid: number;
  try {
    pid = Number(readFileSync(file, "utf8").trim());
  } catch {
    return `no emulator to stop: ${file} does not exist`;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !running(pid)) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
    return `no emulator to stop: the process in ${file} is not running`;
  }
  process.kill(pid, "SIGTERM");
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (!running(pid)) return `stopped the emulator (process ${pid})`;
    await sleep(50);
  }
  throw new Error(`the emulator (process ${pid}) did not exit within ${timeoutMs} ms of SIGTERM`);
}
