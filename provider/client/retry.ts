/**
 * Every retry and every wait of the client, in one place, under named policies:
 *
 * - `idempotent`: GET, DELETE, the logon and task polls. Repeated on 5xx, 429 and broken connections with
 *   exponential backoff that honours Retry-After, within a total time budget.
 * - `notTaken`: POST and PUT. Repeated only when EM cannot have taken the request: the connection was refused,
 *   or EM answered 429/503 (it refuses work it will not do). A broken connection after sending is never repeated.
 * - `once`: a single attempt (the logout).
 *
 * and two waits:
 * - `pollUntil`: probe until a value appears or the deadline passes (task polls, waiting for an object).
 * - `dispatchThenVerify`: send a change whose answer may be lost; when the outcome is unknown, decide it by
 *   looking at EM (the "already done" check of bpg/terraform-provider-proxmox `retry.WithAlreadyDoneCheck`).
 */
import { EmApiError, outcomeUnknown } from "./errors";

export interface RetryTiming {
  /** Retries after the first attempt. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Largest Retry-After honoured; a longer one is cut to this. */
  maxRetryAfterMs: number;
  /** Total time all attempts of one request may take, waits included. */
  budgetMs: number;
}

export interface RetryPolicy {
  readonly name: string;
  /** Whether an attempt that failed with `err` may be repeated. */
  retryable(err: EmApiError): boolean;
}

/** Network failures that happen before a request leaves: nothing reached EM. */
const NOTHING_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** Failures where the answer never (fully) arrived; harmless to repeat when the request is idempotent. */
const TRANSIENT_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "ECONNREFUSED", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ERR_SOCKET_CONNECTION_TIMEOUT", "ESOCKETTIMEDOUT", "EM_DEADLINE"]);

export const POLICIES = {
  idempotent: {
    name: "idempotent",
    retryable: (err: EmApiError) =>
      (err.kind === "network" && TRANSIENT_CODES.has(err.code ?? "")) ||
      (err.kind === "http" && err.status !== undefined && (err.status >= 500 || err.status === 429) && err.status !== 501),
  },
  notTaken: {
    name: "notTaken",
    retryable: (err: EmApiError) => (err.kind === "network" && NOTHING_SENT.has(err.code ?? "")) || (err.kind === "http" && (err.status === 429 || err.status === 503)),
  },
  once: { name: "once", retryable: (_err: EmApiError) => false },
} satisfies Record<string, RetryPolicy>;

export type PolicyName = keyof typeof POLICIES;

/** What a sleep is for. */
export interface SleepOptions {
  /**
   * A timer that runs beside other work (a deadline, a connection's age), not a wait for time to pass: a test's
   * clock moves time for waits only, so a timer fires when that much time has passed for other reasons.
   */
  timer?: boolean;
  /** A timer that does not keep the process alive on its own (a spare connection's age): nothing waits for it. */
  background?: boolean;
}

/**
 * The one clock the client reads. `sleep` resolves after `ms`, or as soon as `signal` aborts (it never rejects):
 * waits, deadlines and timers all sleep on it, so a test's clock drives them and no real timer outlives its work.
 */
export interface Clock {
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void>;
  now(): number;
}

export const REAL_CLOCK: Clock = {
  sleep: (ms, signal, options) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (options?.background) timer.unref();
      signal?.addEventListener("abort", done, { once: true });
    }),
  now: () => Date.now(),
};

/**
 * Runs `attempt` under `policy`. Each attempt gets the time left of the budget as its deadline (the caller bounds
 * it further by its own request timeout); a retry that would end after the budget is not started.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  timing: RetryTiming,
  attempt: (remainingMs: number) => Promise<T>,
  onRetry?: (err: EmApiError, retriesLeft: number) => void,
  clock: Clock = REAL_CLOCK,
): Promise<T> {
  const started = clock.now();
  for (let n = 0; ; n++) {
    const remaining = timing.budgetMs - (clock.now() - started);
    try {
      return await attempt(Math.max(1, remaining));
    } catch (err) {
      if (!(err instanceof EmApiError) || !policy.retryable(err) || n >= timing.retries) throw err;
      const backoff = Math.min(timing.maxDelayMs, timing.minDelayMs * 2 ** n) * (0.5 + Math.random() / 2);
      const wait = Math.max(backoff, Math.min(err.retryAfterMs ?? 0, timing.maxRetryAfterMs));
      const left = timing.budgetMs - (clock.now() - started);
      // Too little time for the wait and a useful attempt: report the failure now rather than a later timeout.
      if (wait + 50 >= left) throw err;
      onRetry?.(err, timing.retries - n);
      await clock.sleep(wait);
    }
  }
}

export interface PollOptions {
  /** How long to keep probing. */
  timeoutMs: number;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  clock?: Clock;
  /** Wait before the first probe (a task that was just started is rarely done). */
  delayFirst?: boolean;
}

/** Probes until it returns a value, or the deadline passes (then undefined). Probe errors propagate. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, options: PollOptions): Promise<T | undefined> {
  const clock = options.clock ?? REAL_CLOCK;
  const deadline = clock.now() + options.timeoutMs;
  let delay = options.initialDelayMs;
  if (options.delayFirst) await clock.sleep(Math.min(delay, Math.max(0, deadline - clock.now())));
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    const left = deadline - clock.now();
    if (left <= 0) return undefined;
    await clock.sleep(Math.min(delay, left));
    delay = Math.min(delay * options.factor, options.maxDelayMs);
  }
}

/** What `dispatchThenVerify` learned. */
export type Verified<T> = { outcome: "done"; value: T } | { outcome: "verified"; value: T };

/**
 * Sends a change; if its outcome is unknown (the answer or its task was lost), waits up to `timeoutMs` for
 * `verify` to see the change applied on EM. `verify` returns the result when the change is there, undefined
 * when it is not (yet), and throws when what it sees contradicts the request (the caller's ambiguity error).
 * When the change never shows, the original error is rethrown: the caller says the outcome is unknown.
 */
export async function dispatchThenVerify<T>(dispatch: () => Promise<T>, verify: () => Promise<T | undefined>, poll: PollOptions): Promise<Verified<T>> {
  try {
    return { outcome: "done", value: await dispatch() };
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    const value = await pollUntil(verify, poll);
    if (value === undefined) throw err;
    return { outcome: "verified", value };
  }
}
