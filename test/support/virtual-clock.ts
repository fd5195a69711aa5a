/**
 * A clock for tests that never waits on the real one. Time moves only when somebody waits:
 *
 * - `sleep(ms)` is a wait (a poll interval, a retry's backoff, a fault's delay): time jumps to its end at once, and
 *   every timer whose end has come is woken too. A wait whose signal aborts before the jump ends without moving time.
 * - `sleep(ms, signal, { timer: true })` is a timer (a deadline, a connection's age): it never moves time; it ends
 *   when a wait or `advance` carries time past it, or when its signal aborts.
 *
 * So a deadline fires only when the test (or a wait the code under test makes) lets that much time pass, and a 60 s
 * task finishes as soon as the client waits 60 s. Give one instance to the emulator and the client: both read it.
 */
export class VirtualClock {
  #now: number;
  readonly #timers = new Set<{ at: number; wake: () => void }>();
  /** Every wait asked for (not timers), in order: what a test asserts instead of elapsed real time. */
  readonly waits: number[] = [];

  constructor(start = Date.UTC(2026, 11, 6, 12)) {
    this.#now = start;
  }

  now = (): number => this.#now;

  sleep = (ms: number, signal?: AbortSignal, options?: { timer?: boolean }): Promise<void> => {
    const at = this.#now + Math.max(0, ms);
    if (signal?.aborted) return Promise.resolve();
    if (options?.timer) return this.#timer(at, signal);
    this.waits.push(ms);
    // The jump comes on a later turn of the event loop, so the caller is waiting before time moves.
    return new Promise((resolve) => {
      const jump = setImmediate(() => (signal?.removeEventListener("abort", woken), this.#moveTo(at), resolve()));
      const woken = () => (clearImmediate(jump), resolve());
      signal?.addEventListener("abort", woken, { once: true });
    });
  };

  /** Lets `ms` pass, waking the timers it carries time past. */
  advance(ms: number): void {
    this.#moveTo(this.#now + ms);
  }

  /** Timers not yet ended (a test checks that none outlives its work). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  #timer(at: number, signal?: AbortSignal): Promise<void> {
    if (at <= this.#now) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const entry = {
        at,
        wake: () => {
          this.#timers.delete(entry);
          signal?.removeEventListener("abort", entry.wake);
          resolve();
        },
      };
      this.#timers.add(entry);
      signal?.addEventListener("abort", entry.wake, { once: true });
    });
  }

  #moveTo(at: number): void {
    if (at > this.#now) this.#now = at;
    for (const t of [...this.#timers]) if (t.at <= this.#now) t.wake();
  }
}

/** The virtual clock a test started `em` (an emulator) on: the one clock of the test, for its clients and waits. */
export function clockOf(em: { readonly clock: unknown }): VirtualClock {
  if (!(em.clock instanceof VirtualClock)) throw new Error("this emulator runs on the real clock: start it on a VirtualClock");
  return em.clock;
}
