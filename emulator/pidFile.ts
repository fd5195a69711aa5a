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
    throw new Error(`an emulator (process ${pid}, from the pid file ${file}) is still running; stop it with: kill ${pid}`);
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
