/**
 * Proof that a create made an object. An object is this request's only with proof: EM's own answer (the id in a
 * 201's Location, or the 202's task, which this client then watches), or, when that answer was lost, a task of
 * this request that EM still reports. An object that merely has the right name and fields is never proof: another
 * stack may have made it at the same moment, and binding it would let this stack change and later delete it.
 *
 * After a lost answer to a POST that starts a task, the session's task list (`GET /tasks`: a session's own tasks,
 * `get_tasks`) holds the lost request's task if EM took it. Tasks of that operation this client was never told
 * about ("strangers") come only from this client's POSTs whose task it has not identified ("unidentified"): each
 * such POST makes at most one task, so
 * - no stranger at all: EM did not take this POST, and sending it again is safe;
 * - as many finished strangers as unidentified POSTs, all with the same result: every one of those POSTs, this
 *   one included, had that result;
 * - anything else (some still running, fewer tasks than POSTs, mixed results) cannot be attributed yet.
 * A finished task that names what this request made (its Related link, as a tenant create's does) is this
 * request's whatever the others show: only this client's POSTs make tasks in its session, and it never sends two
 * creates of one name at once.
 */
import type { Task } from "./codec";

/** What is known of a create whose answer was lost. */
export type CreateVerdict =
  | { verdict: "succeeded"; task: Task }
  | { verdict: "failed"; task: Task; messages: string[] }
  /** `cause`: why the answer was lost; `generation`: the session the POST was sent in. */
  | { verdict: "notTaken"; cause?: unknown; generation?: number }
  | { verdict: "unknown"; why: string; cause?: unknown };

/** POSTs that start a task and whose task this client has not identified, per session generation and operation. */
export class UnidentifiedPosts {
  readonly #counts = new Map<string, number>();

  add(generation: number, operation: string): void {
    const key = `${generation}/${operation}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** The POST's task was identified, or EM shows that it made none. */
  remove(generation: number, operation: string): void {
    const key = `${generation}/${operation}`;
    const left = (this.#counts.get(key) ?? 0) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
  }

  count(generation: number, operation: string): number {
    return this.#counts.get(`${generation}/${operation}`) ?? 0;
  }
}

/**
 * The verdict the strangers allow for one of `unidentified` lost POSTs, or undefined while it cannot be told
 * (wait and look again).
 */
export function judgeStrangers(strangers: readonly Task[], unidentified: number, mine?: (task: Task) => boolean): CreateVerdict | undefined {
  if (strangers.length === 0) return { verdict: "notTaken" };
  // A task that names what this request made (a Related link to an object of this name) is this request's.
  const named = mine ? strangers.filter(mine) : [];
  if (named.length === 1) return judgeOwnTask(named[0]);
  if (strangers.length !== unidentified || strangers.some((t) => t.state !== "Finished")) return undefined;
  if (strangers.every((t) => t.success !== false)) {
    const task = mine ? named[0] : strangers[0];
    return task ? { verdict: "succeeded", task } : undefined;
  }
  if (strangers.every((t) => t.success === false)) return { verdict: "failed", task: strangers[0], messages: [...new Set(strangers.map((t) => t.message ?? ""))] };
  return undefined;
}

/** The verdict EM's own report of this request's task gives, or undefined while it runs. */
export function judgeOwnTask(task: Task | undefined): CreateVerdict | undefined {
  if (!task || task.state !== "Finished") return undefined;
  return task.success === false ? { verdict: "failed", task, messages: [task.message ?? ""] } : { verdict: "succeeded", task };
}
