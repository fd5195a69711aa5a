/**
 * The time limits of a connection to EM, in one place: the request timeout, the task timeout and the retry budget
 * (defaults and bounds), and the retry's own counts and waits. The client checks its settings against these
 * (settings.ts); the stack config and a declared connection, given in seconds, against the same bounds.
 * Upper bounds: Node's timers cannot wait longer than 2^31-1 ms (about 24.8 days), and a longer wait is a mistake
 * anyway. Every time setting is at least 1 ms (a retry's waits may be 0).
 */

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const MAX_REQUEST_TIMEOUT_MS = 3_600_000;

export const DEFAULT_TASK_TIMEOUT_MS = 600_000;
export const MAX_TASK_TIMEOUT_MS = 86_400_000;

/** The retry budget when none is set: twice the request timeout. */
export function defaultRetryBudgetMs(requestTimeoutMs: number): number {
  return 2 * requestTimeoutMs;
}
export const MAX_RETRY_BUDGET_MS = 86_400_000;

/** Retries of one request, and the waits between them, when not set. */
export const DEFAULT_RETRY = { retries: 4, minDelayMs: 250, maxDelayMs: 5000, maxRetryAfterMs: 30_000 } as const;
export const MAX_RETRIES = 20;
/** The longest wait between retries, or Retry-After honoured, that may be set. */
export const MAX_RETRY_WAIT_MS = 86_400_000;

/** The largest value, in seconds, of each time setting as the stack config and a declared connection name it. */
export const MAX_SECONDS = {
  requestTimeoutSeconds: MAX_REQUEST_TIMEOUT_MS / 1000,
  taskTimeoutSeconds: MAX_TASK_TIMEOUT_MS / 1000,
  retryBudgetSeconds: MAX_RETRY_BUDGET_MS / 1000,
} as const;
