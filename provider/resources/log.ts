/**
 * The one place that writes the provider's progress and warnings. In the plugin process stderr reaches Pulumi's
 * diagnostics; in a program it reaches the terminal. The level comes from VEEAM_EM_LOG_LEVEL (debug, info, warn,
 * error, silent; info by default). The EM client never imports this: it reports through its hooks, which the
 * resources connect here. Never pass a secret: every line may end up in a CI log.
 */

import { LOGGED_ON } from "../client";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoggerOptions {
  /** Lowest level written; default info. */
  level?: LogLevel;
  /** Where a finished line goes; default stderr. */
  write?: (line: string) => void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };
const LABEL: Record<Exclude<LogLevel, "silent">, string> = { debug: "debug: ", info: "", warn: "warning: ", error: "error: " };

/** The level named by `value` (any case), or undefined when it names none. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(level ?? "") ? (level as LogLevel) : undefined;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const at = (level: Exclude<LogLevel, "silent">) => (message: string) => {
    if (RANK[level] >= threshold) write(`veeam-em: ${LABEL[level]}${message}\n`);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** The process-wide logger. */
export const log: Logger = createLogger({ level: parseLogLevel(process.env.VEEAM_EM_LOG_LEVEL) });

/**
 * `poolLog` for the program's process (look-ups, the onboarding component): its logon is said at debug level only.
 * Pulumi's plugin process logs on to the same EM in the same run and says so, and one "Logged on" per EM and run is
 * what a user should read.
 */
export function programPoolLog(logger: Logger = log): (message: string) => void {
  const toPool = poolLog(logger);
  return (message) => (message.startsWith(LOGGED_ON) ? logger.debug(message) : toPool(message));
}

/**
 * Adapts a logger to what `ClientPool` takes today (one function; it prefixes the client's warnings with
 * "warning: "). Once the pool takes a Logger, this goes.
 */
export function poolLog(logger: Logger = log): (message: string) => void {
  return (message) => (message.startsWith("warning: ") ? logger.warn(message.slice("warning: ".length)) : logger.info(message));
}
