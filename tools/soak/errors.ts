/**
 * What the soak makes of the errors a user would see: a kind per error (from the gRPC status and the message),
 * whether the message gives advice, and where a secret shows up in any text.
 */
import { PluginCallError } from "../engine/plugin";

/** gRPC DEADLINE_EXCEEDED: the step did not answer within the soak's step deadline. */
const DEADLINE_EXCEEDED = 4;

/** Kinds in the order they are tried: the first whose pattern matches names the error. */
const KINDS: Array<[kind: string, pattern: RegExp]> = [
  ["needs manual adopt (object exists, no stack holds it)", /adopt: ?true|already (exists|has a subtenant)/i],
  ["task unreadable after session loss", /can no longer be read|task .*(lost|was lost)/i],
  ["task failed", /operation failed|task .*failed|Success="?false/i],
  ["task timed out", /did not finish in time|task .*(timed out|timeout)/i],
  ["request timed out", /timed? ?out|timeout/i],
  ["throttled (429)", /\b429\b|too many requests/i],
  ["server error (5xx)", /\b50[0-9]\b|internal server error|temporarily unavailable/i],
  ["connection reset / answer lost", /ECONNRESET|socket hang up|connection (was )?(reset|closed)|EPIPE|aborted/i],
  ["session refused (401)", /\b401\b|unauthori[sz]ed|session/i],
  ["disappeared / not found", /not found|cannot be found|disappeared|no longer exists|\b404\b/i],
];

export function errorKind(err: unknown): string {
  if (err instanceof PluginCallError && err.code === DEADLINE_EXCEEDED) return "hang (no answer within the step deadline)";
  const message = err instanceof Error ? err.message : String(err);
  return KINDS.find(([, pattern]) => pattern.test(message))?.[0] ?? "other";
}

/**
 * Whether a message tells the user what to do: a verb of advice addressed to them. A heuristic, and the same
 * one for every run, so figures compare.
 */
export function givesAdvice(message: string): boolean {
  return /\b(run|re-?run|retry|try again|set|check|verify|use|increase|raise|wait|declare|choose|make sure|remove|adopt)\b/i.test(message);
}

export interface Leak {
  /** Where the secret was seen, e.g. "error of soak-xml/sub-003 (create run 2)". */
  where: string;
  /** Which secret, by role, never its value. */
  which: string;
}

/** Finds secrets in texts by value and reports them by label; no value is ever copied into the result. */
export class SecretScanner {
  private readonly secrets = new Map<string, string>();
  readonly leaks: Leak[] = [];

  add(value: string, label: string): void {
    this.secrets.set(value, label);
  }

  scan(text: string, where: string): void {
    for (const [value, label] of this.secrets) if (text.includes(value)) this.leaks.push({ where, which: label });
  }

  /** `text` with every secret replaced by its label, for printing. */
  redact(text: string): string {
    let out = text;
    for (const [value, label] of this.secrets) out = out.split(value).join(`<${label}>`);
    return out;
  }
}
