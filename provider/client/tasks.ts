/**
 * The task seam: waits for an EM task (202 answers) until State is Finished, polling first when tasks of its
 * kind usually finish (learned in the run), then often enough to notice completion soon. Running and OperationFinished both mean "keep polling" (OperationFinished: the backup server is
 * done, EM has not collected the result yet).
 */
import { ANSWERS, parseTask, ShapeError, type Task } from "./codec";
import type { PollOptions } from "./retry";
import { EmApiError, EmTaskFailedError, EmTaskLostError, EmTaskTimeoutError } from "./errors";
import type { SessionManager } from "./session";

export interface TaskOutcome {
  taskId: string;
  operation: string;
  /** EM's Result Message ("" when it gave none). */
  message: string;
}

export interface PollTiming {
  /** First wait before polling a kind of task this client has not yet seen finish. Default 100 ms. */
  initialDelayMs: number;
  /** Factor by which the wait grows (waits for an object, not for a task). Default 2. */
  factor: number;
  /** Longest wait between polls. Default 5000 ms. */
  maxDelayMs: number;
  /** Shortest wait between polls of a running task. Default 200 ms. */
  minIntervalMs: number;
  /**
   * Wait between polls as a share of the time the task has run so far: a task still running has run less than
   * its whole duration, so its completion is noticed within this share of it. Default 0.08 (under 10 %, leaving
   * room for the poll's own round trip).
   */
  intervalShare: number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export const DEFAULT_POLL_TIMING: PollTiming = {
  initialDelayMs: 100,
  factor: 2,
  maxDelayMs: 5000,
  minIntervalMs: 200,
  intervalShare: 0.08,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/**
 * When each kind of task (by operation) usually finishes, learned in the run from the polls: the first poll of
 * the next task of that kind is made then. A task that was done at its first poll finished at most that long
 * after it started, so the estimate is lowered a little (probing for faster tasks); one that needed more polls
 * finished between its last two, so the estimate moves to their midpoint.
 */
export class TaskDurations {
  readonly #usualMs = new Map<string, number>();

  /** When to poll a task of this operation first (undefined: not seen yet). */
  firstPollMs(operation: string): number | undefined {
    return this.#usualMs.get(operation);
  }

  /** A task of this operation was seen finished at `finishedBy` ms, and still running at `runningAt` (if polled). */
  record(operation: string, runningAt: number | undefined, finishedBy: number): void {
    const usual = this.#usualMs.get(operation);
    const estimate = runningAt === undefined ? (usual === undefined ? finishedBy : Math.min(usual, finishedBy * 0.95)) : (runningAt + finishedBy) / 2;
    this.#usualMs.set(operation, Math.max(1, estimate));
  }
}

export class TaskWaiter {
  readonly durations = new TaskDurations();

  constructor(
    private readonly session: SessionManager,
    private readonly timeoutMs: number,
    private readonly timing: PollTiming = DEFAULT_POLL_TIMING,
    private readonly onProgress?: (msg: string) => void,
  ) {}

  /** Poll options of the task deadline, for any wait that follows it (e.g. for an object after a lost answer). */
  get poll(): PollOptions {
    return { timeoutMs: this.timeoutMs, initialDelayMs: this.timing.initialDelayMs, factor: this.timing.factor, maxDelayMs: this.timing.maxDelayMs, clock: this.timing };
  }

  /**
   * Waits for `task` (as returned with the 202) to finish. `generation` is the session generation the task was
   * started under: if the session is renewed meanwhile and the task answers 404, the task is lost.
   */
  async wait(task: Task, generation: number, fallbackOperation: string): Promise<TaskOutcome> {
    const operation = task.operation || fallbackOperation;
    const taskUrl = task.href;
    const started = this.timing.now();
    const elapsed = () => this.timing.now() - started;
    let lastState = task.state;
    /** When the task was last seen running (ms after it started), if polled. */
    let runningAt: number | undefined;
    const poll = async (): Promise<Task | undefined> => {
      const sentAt = elapsed();
      let res;
      try {
        res = await this.session.request({ method: "GET", ...(taskUrl ? { href: taskUrl } : { path: `/tasks/${encodeURIComponent(task.taskId)}` }), expect: [200], answer: ANSWERS.Task });
      } catch (err) {
        if (err instanceof EmApiError && err.status === 404 && this.session.generation !== generation) throw new EmTaskLostError(operation, taskUrl);
        throw err;
      }
      let current: Task;
      try {
        current = parseTask(res.body?.body);
      } catch (err) {
        if (!(err instanceof ShapeError)) throw err;
        throw new EmApiError({ kind: "parse", method: "GET", path: taskUrl, status: res.status, emMessage: `the answer is not a Task (${err.message})` });
      }
      if (current.state !== lastState) this.onProgress?.(`EM task ${current.taskId} (${operation}): ${current.state}`);
      lastState = current.state;
      if (current.state !== "Finished") {
        runningAt = sentAt;
        return undefined;
      }
      this.durations.record(operation, runningAt, sentAt);
      return current;
    };
    const finished = task.state === "Finished" ? task : await this.pollTimed(poll, this.durations.firstPollMs(operation) ?? this.timing.initialDelayMs, elapsed);
    if (!finished) throw new EmTaskTimeoutError(operation, this.timing.now() - started, taskUrl, lastState);
    if (finished.success === false) throw new EmTaskFailedError(operation, finished.message ?? "", taskUrl);
    return { taskId: finished.taskId, operation, message: finished.message ?? "" };
  }

  /**
   * Polls first after `firstMs`, then every `intervalShare` of the time the task has run (at least
   * `minIntervalMs`, at most `maxDelayMs`), until the task deadline.
   */
  private async pollTimed(poll: () => Promise<Task | undefined>, firstMs: number, elapsed: () => number): Promise<Task | undefined> {
    const t = this.timing;
    let wait = firstMs;
    for (;;) {
      const left = this.timeoutMs - elapsed();
      await t.sleep(Math.max(0, Math.min(wait, left)));
      const found = await poll();
      if (found) return found;
      if (elapsed() >= this.timeoutMs) return undefined;
      wait = Math.min(t.maxDelayMs, Math.max(t.minIntervalMs, t.intervalShare * elapsed()));
    }
  }
}
