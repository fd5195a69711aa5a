/**
 * The task seam: waits for an EM task (202 answers) until State is Finished, polling soon at first and then
 * less often. Running and OperationFinished both mean "keep polling" (OperationFinished: the backup server is
 * done, EM has not collected the result yet).
 */
import { parseTask, ShapeError, type Task } from "./codec";
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

  /**
   * Waits for `task` (as returned with the 202) to finish. `generation` is the session generation the task was
   * started under: if the session is renewed meanwhile and the task answers 404, the task is lost.
   */
  async wait(task: Task, generation: number, fallbackOperation: string): Promise<TaskOutcome> {
    const operation = task.operation || fallbackOperation;
    const taskUrl = task.href;
    const started = this.timing.now();
    let delay = this.timing.initialDelayMs;
    let current = task;
    let lastState = current.state;
    while (current.state !== "Finished") {
      const waited = this.timing.now() - started;
      if (waited >= this.timeoutMs) throw new EmTaskTimeoutError(operation, waited, taskUrl, lastState);
      await this.timing.sleep(Math.min(delay, Math.max(0, this.timeoutMs - waited)));
      delay = Math.min(delay * this.timing.factor, this.timing.maxDelayMs);
      let res;
      try {
        res = await this.session.request({ method: "GET", ...(taskUrl ? { href: taskUrl } : { path: `/tasks/${encodeURIComponent(task.taskId)}` }), expect: [200] });
      } catch (err) {
        if (err instanceof EmApiError && err.status === 404 && this.session.generation !== generation) throw new EmTaskLostError(operation, taskUrl);
        throw err;
      }
      try {
        current = parseTask(res.body?.body);
      } catch (err) {
        if (!(err instanceof ShapeError)) throw err;
        throw new EmApiError({ kind: "parse", method: "GET", path: taskUrl, status: res.status, emMessage: `the answer is not a Task (${err.message})` });
      }
      if (current.state !== lastState) this.onProgress?.(`EM task ${current.taskId} (${operation}): ${current.state}`);
      lastState = current.state;
    }
    if (current.success === false) throw new EmTaskFailedError(operation, current.message ?? "", taskUrl);
    return { taskId: current.taskId, operation, message: current.message ?? "" };
  }
}
