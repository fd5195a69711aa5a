#!/usr/bin/env node
import * as path from "node:path";
import { parseArgs } from "node:util";
import { NO_FAULTS, type FaultSettings } from "./faults";
import { claimPidFile, releasePidFile, stopByPidFile, writePidFile } from "./pidFile";
import { DEFAULT_ADMIN_PASSWORD, DEFAULT_ADMIN_USER, startEmulator, type RouteHandler } from "./server";
import { DEFAULT_EM_VERSION, EM_VERSIONS, type EmVersion } from "./versions";
import { createSelfSignedCertificate } from "./tls";

const FAULT_FLAGS: Record<string, Exclude<keyof FaultSettings, "onlyMethods">> = {
  "fault-error-rate": "serverErrorRate",
  "fault-throttle-rate": "throttleRate",
  "fault-reset-rate": "resetRate",
  "fault-lost-response-rate": "lostResponseRate",
  "fault-latency-ms": "latencyMs",
  "fault-session-drop-rate": "sessionDropRate",
  "fault-task-failure-rate": "taskFailureRate",
  "fault-task-hang-rate": "taskHangRate",
  "fault-task-slow-rate": "taskSlowRate",
  "fault-task-slow-ms": "taskSlowMs",
  "fault-retry-after": "retryAfterSeconds",
  "fault-seed": "seed",
};

const USAGE = `Usage: veeam-em-emulator [options]

A local Veeam Backup Enterprise Manager REST API for tests and CI.

  --port N                 port to listen on; 0 picks a free one (default 9399, or 9398 with --tls)
  --host HOST              address to bind (default 127.0.0.1)
  --admin-user NAME        administrator for HTTP Basic logon (default ${DEFAULT_ADMIN_USER})
  --admin-password PASS    its password (default ${DEFAULT_ADMIN_PASSWORD}; or env VEEAM_EM_EMULATOR_ADMIN_PASSWORD)
  --seed FILE              initial state as JSON (default: the bundled seed); checked before starting
  --em-version V           the EM version to behave like: ${EM_VERSIONS.join(", ")} (default ${DEFAULT_EM_VERSION})
  --pid-file FILE          write the process id here once listening, remove it on exit; refuse to start while
                           the process it names still runs
  --stop                   with --pid-file: stop the emulator that file names and wait until it has exited
  --handlers FILE          a CommonJS module exporting \`handlers\`, route handlers tried before the built-in ones
  --task-duration MS       how long tasks stay Running (default 1000)
  --session-timeout S      idle seconds before a session expires (default 900)
  --tls                    serve HTTPS with a self-signed certificate, written to a file whose path is printed
  --tls-dir DIR            where to write that certificate (default: a directory of this user's alone in the
                           system's temp directory)
${Object.entries(FAULT_FLAGS)
  .map(([flag, key]) => `  --${flag.padEnd(24)} fault: ${key} (default ${NO_FAULTS[key]})`)
  .join("\n")}
  --fault-methods LIST     apply request faults only to these methods, e.g. POST,PUT (default: all)
  --quiet                  do not log requests
  --help                   show this help
`;

/** Route handlers from a user's module (`module.exports.handlers = [emHttp.get(...)]`), to add or replace routes. */
function loadHandlers(file: string): RouteHandler[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.resolve(file)) as { handlers?: unknown };
  const handlers = loaded.handlers;
  const valid = Array.isArray(handlers) && handlers.every((h) => h && typeof h === "object" && typeof h.method === "string" && typeof h.path === "string" && typeof h.resolve === "function");
  if (!valid) throw new Error(`--handlers ${file} must export \`handlers\`, a list made with emHttp.get/post/put/delete from pulumi-veeam-em/emulator`);
  return handlers as RouteHandler[];
}

function numberFlag(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value)) throw new Error(`--${name} needs a number, got '${raw}'`);
  return value;
}

async function main(): Promise<void> {
  const faultOptions = Object.fromEntries(Object.keys(FAULT_FLAGS).map((flag) => [flag, { type: "string" as const }]));
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "admin-user": { type: "string" },
      "admin-password": { type: "string" },
      seed: { type: "string" },
      "em-version": { type: "string" },
      "pid-file": { type: "string" },
      stop: { type: "boolean" },
      handlers: { type: "string" },
      "task-duration": { type: "string" },
      "session-timeout": { type: "string" },
      tls: { type: "boolean" },
      "tls-dir": { type: "string" },
      "fault-methods": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean" },
      ...faultOptions,
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.stop) {
    if (values["pid-file"] === undefined) throw new Error("--stop needs --pid-file FILE, the file the emulator was started with");
    process.stdout.write(`${await stopByPidFile(values["pid-file"])}\n`);
    return;
  }
  const faults: Partial<FaultSettings> = {};
  for (const [flag, key] of Object.entries(FAULT_FLAGS)) {
    const raw = (values as Record<string, string | undefined>)[flag];
    if (raw !== undefined) faults[key] = numberFlag(flag, raw, 0);
  }
  if (values["fault-methods"] !== undefined) faults.onlyMethods = values["fault-methods"].split(",").map((m) => m.trim());
  const emVersion = values["em-version"] ?? DEFAULT_EM_VERSION;
  if (!EM_VERSIONS.includes(emVersion as EmVersion)) throw new Error(`--em-version must be one of ${EM_VERSIONS.join(", ")}, got '${emVersion}'`);
  const pidFile = values["pid-file"];
  if (pidFile !== undefined) claimPidFile(pidFile);
  const host = values.host ?? "127.0.0.1";
  const certificate = values.tls ? await createSelfSignedCertificate({ dir: values["tls-dir"], hostName: host }) : undefined;
  const emulator = await startEmulator({
    port: numberFlag("port", values.port, values.tls ? 9398 : 9399),
    host,
    adminUser: values["admin-user"],
    adminPassword: values["admin-password"] ?? process.env.VEEAM_EM_EMULATOR_ADMIN_PASSWORD,
    seed: values.seed,
    emVersion: emVersion as EmVersion,
    handlers: values.handlers === undefined ? undefined : loadHandlers(values.handlers),
    taskDurationMs: numberFlag("task-duration", values["task-duration"], 1000),
    sessionIdleTimeoutMs: numberFlag("session-timeout", values["session-timeout"], 900) * 1000,
    tls: certificate,
    faults,
    log: values.quiet ? undefined : (line) => process.stdout.write(line + "\n"),
  });
  if (pidFile !== undefined) {
    writePidFile(pidFile);
    process.once("exit", () => releasePidFile(pidFile));
  }
  // Before the URL is printed: whoever reads it may signal at once.
  const stop = () => {
    emulator.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // A CI shell that ends sends its background jobs SIGHUP.
  process.once("SIGHUP", stop);

  process.stdout.write(`EM emulator listening on ${emulator.url}\n`);
  if (certificate) process.stdout.write(`TLS certificate (trust it as the CA file): ${certificate.certPath}\n`);
  process.stdout.write(`EM ${emulator.emVersion}; administrator logon: HTTP Basic as '${emulator.adminUser}'. Stop with Ctrl+C${pidFile ? ` or --stop --pid-file ${pidFile}` : ""}.\n`);
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  // The port is taken: say what to do, not only what happened.
  const hint = e.code === "EADDRINUSE" ? "; another process listens there: stop it (--stop --pid-file FILE, if it was started with one) or give another --port (0 picks a free one)" : "";
  process.stderr.write(`veeam-em-emulator: ${e.message}${hint}\n`);
  process.exit(2);
});
