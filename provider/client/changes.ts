/**
 * Changes a client made, counted as they end. Reads answered from a list held for a short while (batch.ts,
 * account-reads.ts) are answered only while no change of the client ended since the list was asked for, so a
 * read never hides a change the same run made.
 *
 * A change ends when EM answered its request (EM applies an account write before it answers), or when the wait
 * for its task ended (a subtenant or tenant write), whatever the outcome: a failed or unknown outcome counts too.
 */
import { SessionManager, type SessionRequestResult } from "./session";
import { TaskWaiter, type TaskOutcome } from "./tasks";
import type { Task } from "./codec";
import type { TransportRequest } from "./request";
import { type Clock, REAL_CLOCK } from "./retry";

export class ChangeLog {
  #ended = 0;

  /** How many changes have ended so far: a list asked for at one count is current while the count holds. */
  get ended(): number {
    return this.#ended;
  }

  noteEnded(): void {
    this.#ended += 1;
  }
}

/** The session, noting every request that is not a read (the logon and logoff do not pass here). */
export class ChangeNotingSession extends SessionManager {
  constructor(
    private readonly changes: ChangeLog,
    ...args: ConstructorParameters<typeof SessionManager>
  ) {
    super(...args);
  }

  override async request(req: TransportRequest): Promise<SessionRequestResult> {
    if (req.method === "GET") return super.request(req);
    try {
      return await super.request(req);
    } finally {
      this.changes.noteEnded();
    }
  }
}

/** The task waiter, noting the end of every wait for a task (every task EM runs is a change). */
export class ChangeNotingTasks extends TaskWaiter {
  constructor(
    private readonly changes: ChangeLog,
    ...args: ConstructorParameters<typeof TaskWaiter>
  ) {
    super(...args);
  }

  override async wait(task: Task, generation: number, fallbackOperation: string): Promise<TaskOutcome> {
    try {
      return await super.wait(task, generation, fallbackOperation);
    } finally {
      this.changes.noteEnded();
    }
  }
}

/**
 * How long a list read from EM may answer the reads that follow it: a refresh asks for its objects within seconds
 * (the engine hands reads over as fast as earlier ones return), and a read is never answered from a list older
 * than this. After it, the next read asks EM again.
 */
export const HELD_FOR_MS = 30_000;

/** When a held list was asked for; it answers reads while younger than `heldForMs` and no change ended since. */
export class HeldSince {
  readonly #startedAt: number;
  readonly #changesAt: number;

  constructor(
    private readonly client: { readonly changesEnded: number },
    private readonly clock: { now(): number },
    private readonly heldForMs = HELD_FOR_MS,
  ) {
    this.#startedAt = clock.now();
    this.#changesAt = client.changesEnded;
  }

  get current(): boolean {
    const age = this.clock.now() - this.#startedAt;
    // A clock set back makes the age negative: not trusted either.
    return this.client.changesEnded === this.#changesAt && age >= 0 && age <= this.heldForMs;
  }
}

/** How long reads are gathered before they are answered together; the engine starts a refresh's reads within a few ms. */
export const BATCH_WINDOW_MS = 15;

/** How reads answered from a held list are gathered and held; tests inject the clock. */
export interface HeldReadsOptions {
  windowMs?: number;
  heldForMs?: number;
  /** The window is a wait on it, and the held lists age on it. */
  clock?: Clock;
}

/**
 * Reads gathered for one window, then answered together: the first read opens the window, and its end hands over
 * every read that came meanwhile. The window is a wait on the client's clock, which nothing cancels (reads wait for it).
 */
export class ReadWindow<T> {
  #gathered: T[] = [];
  #open = false;

  constructor(
    private readonly settings: Pick<Required<HeldReadsOptions>, "clock" | "windowMs">,
    private readonly answer: (reads: T[]) => void,
  ) {}

  add(read: T): void {
    this.#gathered.push(read);
    if (this.#open) return;
    this.#open = true;
    void this.settings.clock.sleep(this.settings.windowMs).then(() => {
      this.#open = false;
      const reads = this.#gathered;
      this.#gathered = [];
      this.answer(reads);
    });
  }
}

export function heldReadsSettings(options: HeldReadsOptions): Required<HeldReadsOptions> {
  return { windowMs: options.windowMs ?? BATCH_WINDOW_MS, heldForMs: options.heldForMs ?? HELD_FOR_MS, clock: options.clock ?? REAL_CLOCK };
}
