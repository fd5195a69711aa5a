/**
 * Settling changes whose outcome is unknown (the answer or the task was lost), under two named presets, one per
 * kind of operation (as bpg/terraform-provider-proxmox's `proxmox/retry` names task operations, API calls and
 * polls):
 *
 * - `sendUntilApplied`: a change that is safe to repeat (an edit of the whole object, a delete). After an unknown
 *   outcome, EM is looked at; the change is done when EM shows it, else it is sent again, at most
 *   UNKNOWN_OUTCOME_SENDS times in all.
 * - `TaskCreates.createByTask`: a create that starts a task. Only proof settles it (create-proof.ts): EM's answer and
 *   task, or else the session's task list. Never an object of the same name.
 *
 * The single requests under both are retried by retry.ts's policies; this module decides what a lost answer meant.
 */
import { ANSWERS, items, parseTask, type Task } from "./codec";
import { type CreateVerdict, judgeOwnTask, judgeStrangers, UnidentifiedPosts } from "./create-proof";
import { EmApiError, EmNameTakenError, EmOutcomeUnknownError, EmTaskFailedError, EmTaskLostError, EmTaskTimeoutError, outcomeUnknown, readAnswer, type Redactor } from "./errors";
import type { TransportRequest } from "./request";
import { pollUntil } from "./retry";
import type { SessionManager } from "./session";
import type { TaskWaiter } from "./tasks";

/** How often a change that is safe to repeat is sent when each time its outcome is unknown and EM does not show it. */
export const UNKNOWN_OUTCOME_SENDS = 3;

/** EM's name clash (a task's message, or an account POST's 400/409); EM compares names without case. */
export const NAME_TAKEN = /already (has|have|contains) a subtenant|already exists|name is (already )?(taken|in use)/i;

/**
 * Sends a change that is safe to repeat (an edit of the whole object, a delete). When its outcome is unknown,
 * `applied` looks at EM: the change is there (done), or it is not (sent again). Bounded: after
 * UNKNOWN_OUTCOME_SENDS sends the last unknown outcome is reported.
 */
export async function sendUntilApplied<T>(send: () => Promise<T>, applied: () => Promise<T | undefined>, onProgress?: (msg: string) => void): Promise<T> {
  for (let sends = 1; ; sends++) {
    try {
      return await send();
    } catch (err) {
      if (!outcomeUnknown(err)) throw err;
      const value = await applied();
      if (value !== undefined) return value;
      if (sends >= UNKNOWN_OUTCOME_SENDS) throw err;
      onProgress?.(`The outcome of a change was unknown and EM does not show it applied; sending it again (${(err as Error).message})`);
    }
  }
}

/** A task's key: EM numbers tasks per logon session (task-1, task-2, …), so an id alone may come back in the next. */
function taskKey(generation: number, taskId: string): string {
  return `${generation}/${taskId}`;
}

/** What the create preset works with: the client's session, task waiter and redactor. */
export interface TaskCreatesDeps {
  session: SessionManager;
  tasks: TaskWaiter;
  /** Masks what requests carried (passwords) in EM's words before they reach an error. */
  redactor: Redactor;
  /** The task deadline, named in an unknown outcome's message. */
  taskTimeoutMs: number;
  onProgress?: (msg: string) => void;
}

/** Creates that start a task, settled by proof; one per client, since it counts the client's own tasks and POSTs. */
export class TaskCreates {
  /** Tasks this client identified as its requests' (from a 202, or claimed after a lost answer), by taskKey. */
  readonly #knownTasks = new Set<string>();
  /** POSTs of this client that start a task and whose task it has not identified: the only sources of other tasks of its session. */
  readonly #unidentified = new UnidentifiedPosts();

  constructor(private readonly deps: TaskCreatesDeps) {}

  /** A task EM named in its answer to one of this client's requests: never a stranger of a lost POST. */
  know(generation: number, taskId: string): void {
    this.#knownTasks.add(taskKey(generation, taskId));
  }

  /**
   * Sends a create that starts a task until EM proves what became of it (create-proof.ts), and returns its finished
   * task. EM's refusal of the name is an EmNameTakenError, another failure an EmTaskFailedError; a POST EM did not
   * take is sent once more; an outcome nothing proves is an EmOutcomeUnknownError. Never binds an object by name.
   */
  async createByTask(req: TransportRequest, operation: string, kind: string, name: string, mine?: (task: Task) => boolean): Promise<Task> {
    /** The first POST, when EM showed no task for it: it stays a possible source of a task that appears late. */
    let earlier: { generation: number; cause: unknown } | undefined;
    for (let sends = 1; ; sends++) {
      const v = await this.sendCreate(req, operation, mine);
      switch (v.verdict) {
        case "succeeded":
          return v.task;
        case "failed": {
          // EM's words, which may quote what the request carried (a password).
          const messages = v.messages.map((m) => this.deps.redactor.apply(m));
          if (messages.every((m) => NAME_TAKEN.test(m))) {
            // The name is taken: by the first POST, if EM took it late after all (its task shows now), or by
            // someone else. The session's tasks tell which; nothing else does.
            const late = earlier && (await this.lookForLostTask(operation, earlier.generation, undefined, earlier.cause, mine));
            if (late?.verdict === "succeeded") return late.task;
            if (late?.verdict === "unknown") throw new EmOutcomeUnknownError(kind, name, `EM refused the create sent again because the name is taken, and ${late.why}`, { cause: late.cause });
            throw new EmNameTakenError(kind, name, messages[0]);
          }
          throw new EmTaskFailedError(operation, messages.join("; "), v.task.href);
        }
        case "notTaken":
          if (sends >= 2) throw v.cause;
          earlier = { generation: v.generation ?? -1, cause: v.cause };
          this.deps.onProgress?.(`The answer to creating ${kind} '${name}' was lost and EM did not take it; sending it again`);
          break;
        case "unknown":
          throw new EmOutcomeUnknownError(kind, name, v.why, { cause: v.cause });
      }
    }
  }

  /** One POST that starts a task, and what is proven of it: EM's answer and task, or else the session's task list. */
  private async sendCreate(req: TransportRequest, operation: string, mine?: (task: Task) => boolean): Promise<CreateVerdict> {
    const { session, tasks } = this.deps;
    const generation = (await session.ensure()).generation;
    this.#unidentified.add(generation, operation);
    let res;
    try {
      res = await session.request({ ...req, answer: ANSWERS.Task });
    } catch (err) {
      if (!outcomeUnknown(err)) {
        this.#unidentified.remove(generation, operation);
        throw err;
      }
      return this.lookForLostTask(operation, generation, undefined, err, mine);
    }
    this.#unidentified.remove(generation, operation);
    const task = readAnswer(req.method, req.path ?? "", () => parseTask(res.body?.body));
    this.know(res.generation, task.taskId);
    this.deps.onProgress?.(`EM accepted ${operation} as ${task.taskId}; waiting for it`);
    try {
      const done = await tasks.wait(task, res.generation, operation);
      return { verdict: "succeeded", task: { ...task, state: "Finished", success: true, message: done.message, ...(done.related && { related: done.related }) } };
    } catch (err) {
      if (err instanceof EmTaskFailedError) return { verdict: "failed", task, messages: [err.emMessage] };
      if (err instanceof EmTaskTimeoutError || err instanceof EmTaskLostError) return { verdict: "unknown", why: err.message, cause: err };
      // The polls kept failing: EM's list of the session's tasks may still show how the task ended.
      if (err instanceof EmApiError) return this.lookForLostTask(operation, res.generation, task.taskId, err);
      throw err;
    }
  }

  /**
   * After a lost answer (`ownTaskId` undefined) or a task whose polls kept failing: looks at the session's task
   * list (`GET /tasks`) until the task deadline for a verdict (create-proof.ts). A verdict drawn from the lost POSTs'
   * tasks claims one of them at once, so that two lost POSTs never both count the same task as theirs.
   */
  private async lookForLostTask(operation: string, generation: number, ownTaskId: string | undefined, cause: unknown, mine?: (task: Task) => boolean): Promise<CreateVerdict> {
    const lost = `${(cause as Error).message}`;
    const look = async (): Promise<CreateVerdict | undefined> => {
      let res;
      try {
        res = await this.deps.session.request({ method: "GET", path: "/tasks", expect: [200], answer: ANSWERS.Tasks });
      } catch (err) {
        if (!(err instanceof EmApiError)) throw err;
        return { verdict: "unknown", why: `${lost}; EM's task list, which would show whether EM took it, could not be read (${err.message})`, cause };
      }
      if (res.generation !== generation) {
        return { verdict: "unknown", why: `${lost}; the logon session that sent it was renewed since, and EM shows tasks only to their own session`, cause };
      }
      const tasks = readAnswer("GET", "/tasks", () => items(res.body?.body, "Task", "Tasks", "TaskList").map((n) => parseTask(n))).filter((t) => t.operation === operation);
      if (ownTaskId !== undefined) return judgeOwnTask(tasks.find((t) => t.taskId === ownTaskId));
      const verdict = judgeStrangers(tasks.filter((t) => !this.#knownTasks.has(taskKey(generation, t.taskId))), this.#unidentified.count(generation, operation), mine);
      if (verdict?.verdict === "succeeded" || verdict?.verdict === "failed") {
        this.#unidentified.remove(generation, operation);
        this.know(generation, verdict.task.taskId);
      }
      // A POST EM shows no task for stays unidentified: EM may still take it late, and its task must then count.
      return verdict?.verdict === "notTaken" ? { ...verdict, cause, generation } : verdict;
    };
    return (
      (await pollUntil(look, this.deps.tasks.poll)) ?? {
        verdict: "unknown",
        why: `${lost}; EM's tasks did not show within the task deadline (${this.deps.taskTimeoutMs} ms) whether this request was taken and how it ended`,
        cause,
      }
    );
  }
}
