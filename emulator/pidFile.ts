import { execFileSync } from "node:child_process";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A process's command line, or undefined where it cannot be read. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    // No /proc: macOS, the BSDs, Windows.
  }
  try {
    const [command, args] =
      process.platform === "win32"
        ? ["powershell.exe", ["-NoProfile", "-Command", `(Get-CimInstance Win32_Process -Filter 'ProcessId=${pid}').CommandLine`]]
        : ["ps", ["-p", String(pid), "-o", "command="]];
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether a command line is this emulator's, started with a pid file (node …/emulator/cli.js or the bin). */
export function isEmulatorCommand(command: string): boolean {
  return /(^|[\s/\\])(veeam-em-emulator|emulator[/\\]cli\.js)(\s|$)/.test(command) && /\s--pid-file(\s|=)/.test(command);
}

function readPid(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function removeStale(file: string): void {
  try {
    unlinkSync(file); // a link is removed itself, never what it points at
  } catch {
    // Already gone.
  }
}

/**
 * Refuses to start while an emulator a pid file names still runs (a previous run that was not stopped), so a CI
 * job fails with the way out instead of EADDRINUSE. A stale file (its process gone, or another program's since the
 * system reused the number) is removed, to be written anew by writePidFile.
 */
export function claimPidFile(file: string): void {
  const pid = readPid(file);
  if (pid !== undefined && pid !== process.pid && running(pid) && isEmulatorCommand(commandLine(pid) ?? "")) {
    throw new Error(`an emulator (process ${pid}, from the pid file ${file}) is still running; stop it with: veeam-em-emulator --stop --pid-file ${file}`);
  }
  if (pid !== undefined) removeStale(file);
}

/** Writes this process's id to a new file: never through a link or into a file another process put there. */
export function writePidFile(file: string): void {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o644 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    throw new Error(`the pid file ${file} exists and names no process (or is a link): remove it, or give another --pid-file`);
  }
}

/** Removes the pid file on exit, if it still names this process. */
export function releasePidFile(file: string): void {
  if (readPid(file) === process.pid) removeStale(file);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops the emulator a pid file names (SIGTERM) and waits, up to `timeoutMs`, until it has exited. A process that
 * is not the emulator (the number reused since, or a file someone else wrote) is never signalled.
 */
export async function stopByPidFile(file: string, timeoutMs = 10_000): Promise<string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return `no emulator to stop: ${file} does not exist`;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0 || !running(pid)) {
    removeStale(file);
    return `no emulator to stop: the process in ${file} is not running`;
  }
  const command = commandLine(pid);
  if (command === undefined) throw new Error(`cannot read the command line of process ${pid} (from ${file}) to check that it is the emulator, so it was not signalled; stop it yourself`);
  if (!isEmulatorCommand(command)) {
    removeStale(file);
    return `no emulator to stop: process ${pid} (from ${file}) is not the emulator, so it was not signalled; the stale pid file was removed`;
  }
  process.kill(pid, "SIGTERM");
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (!running(pid)) return `stopped the emulator (process ${pid})`;
    await sleep(50);
  }
  throw new Error(`the emulator (process ${pid}) did not exit within ${timeoutMs} ms of SIGTERM`);
}
