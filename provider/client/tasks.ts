/**
 * The task seam: waits for an EM task (202 answers) until State is Finished, polling soon at first and then
 * less often. Running and OperationFinished both mean "keep polling" (OperationFinished: the backup server is
 * done, EM has not collected the result yet).
 */
import { ANSWERS, parseTask, ShapeError, type Task } from "./codec";
import { type PollOptions, pollUntil } from "./retry";
import { EmApiError, EmTaskFailedError, EmTaskLostError, EmTaskTimeoutError } from "./errors";
import type { SessionManager } from "./session";

export interface TaskOutcome {
  taskId: string;
  operation: string;
  /** EM's Result Message ("" when it gave none). */
  message: string;
}

export interface PollTiming {
  /** First wait before polling. Default 100 ms. */
  initialDelayMs: number;
  /** Factor by which the wait grows. Default 2. */
  factor: number;
  /** Longest wait between polls. Default 5000 ms. */
  maxDelayMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export const DEFAULT_POLL_TIMING: PollTiming = {
  initialDelayMs: 100,
  factor: 2,
  maxDelayMs: 5000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

export class TaskWaiter {
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
    let lastState = task.state;
    const finished = task.state === "Finished" ? task : await pollUntil(async () => {
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
      return current.state === "Finished" ? current : undefined;
    }, { ...this.poll, delayFirst: true });
    if (!finished) throw new EmTaskTimeoutError(operation, this.timing.now() - started, taskUrl, lastState);
    if (finished.success === false) throw new EmTaskFailedError(operation, finished.message ?? "", taskUrl);
    return { taskId: finished.taskId, operation, message: finished.message ?? "" };
  }
}
