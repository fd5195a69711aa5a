/**
 * The task seam: waits for EM tasks (202 answers) until State is Finished. Running and OperationFinished both mean
 * "keep polling" (OperationFinished: the backup server is done, EM has not collected the result yet).
 *
 * Timing: the first poll comes when tasks of that kind usually finish (learned in the run); a first poll that misses
 * is followed soon (a small share of the usual duration), then polls come often enough to notice completion within
 * max(250 ms, 10 % of the task's duration).
 *
 * Sharing: with several tasks of the session outstanding, the poll that falls due asks for all of them (but those
 * not yet halfway to their first poll) at once with
 * `GET /query?type=Task&format=Entities&filter=TaskId=="…",TaskId=="…"` (`get_query_task`: the tasks "within the
 * currently existing logon session", filter field TaskId; "," is OR, `filter.html`). What that answer shows is
 * taken for every task in it; a task it does not show is asked for alone (`GET /tasks/{id}`), so only EM's own 404
 * there can make a task lost, never an absence from a list.
 */
import { ANSWERS, type Link, parseTask, ShapeError, type Task } from "./codec";
import { type Clock, type PollOptions, REAL_CLOCK } from "./retry";
import { EmApiError, EmTaskFailedError, EmTaskLostError, EmTaskTimeoutError, refusedForGood } from "./errors";
import { Query, QUERY_ENTITIES, QueryRunner, where } from "./query";
import type { SessionManager } from "./session";

export interface TaskOutcome {
  taskId: string;
  operation: string;
  /** EM's Result Message ("" when it gave none). */
  message: string;
  /** A finished create's link to the object it made (EM's Rel="Related"), when EM gives one. */
  related?: Link;
}

/** How tasks are polled; its sleep and now are the client's clock unless a test gives the task waits their own. */
export interface PollTiming extends Clock {
  /** First wait before polling a kind of task this client has not yet seen finish. Default 100 ms. */
  initialDelayMs: number;
  /** Factor by which the wait grows (waits for an object, not for a task). Default 2. */
  factor: number;
  /** Longest wait between polls. Default 5000 ms. */
  maxDelayMs: number;
  /** Shortest wait between polls of a running task (past its quick re-polls). Default 200 ms. */
  minIntervalMs: number;
  /**
   * Wait between polls as a share of the time the task has run so far: a task still running has run less than
   * its whole duration, so its completion is noticed within this share of it. Default 0.08 (under 10 %, leaving
   * room for the poll's own round trip).
   */
  intervalShare: number;
  /**
   * After a first poll that found a task of a known kind still running: the next poll comes after this share of
   * the usual duration (at least `minRetryMs`), as the task is most likely about to finish (first polls are set to
   * land just after it); each further one after twice the wait before, until the regular interval. Default 0.01.
   */
  retryShare: number;
  /** Shortest quick re-poll. Default 2 ms. */
  minRetryMs: number;
}

export const DEFAULT_POLL_TIMING: PollTiming = {
  initialDelayMs: 100,
  factor: 2,
  maxDelayMs: 5000,
  minIntervalMs: 200,
  intervalShare: 0.08,
  retryShare: 0.01,
  minRetryMs: 2,
  sleep: REAL_CLOCK.sleep,
  now: REAL_CLOCK.now,
};

/** The first quick re-poll after a first poll that missed: a share of the usual duration, at least minRetryMs. */
function quickRetryMs(timing: Pick<PollTiming, "retryShare" | "minRetryMs">, usualMs: number): number {
  return Math.max(timing.minRetryMs, timing.retryShare * usualMs);
}

/** The most one task raises a kind's usual time, as a factor. */
const MAX_RISE = 1.25;
/** How much of the way to a slower task's middle one such task moves the usual time (one slow task is no new usual). */
const RISE_GAIN = 0.25;
/**
 * How far the usual time is lowered after a first poll that found the task done (probing for faster tasks): a
 * quarter of a percent, so a kind whose tasks take the same time has its first polls land just after they end.
 */
const PROBE_SHARE = 0.0025;
/** First polls that hit in a row after which the probe step doubles (the kind got faster), and the most doublings. */
const HITS_PER_DOUBLING = 8;
const MAX_PROBE_DOUBLINGS = 6;
/** How long a first poll may wait for other tasks' first polls falling due just after it, as a share of the usual time. */
const JOIN_SHARE = 0.05;
/** Most tasks one shared poll asks for (its filter stays about 1.5 KB of URL). */
export const MAX_TASKS_PER_POLL = 50;
/** Shared polls that may fail in a row (each then asked alone) before sharing is turned off for the client. */
const MAX_SHARED_FAILURES = 3;

/**
 * When each kind of task (by operation) usually finishes, learned in the run: the time after its 202 from which a
 * poll finds it done. Each finished task says something of that time:
 * - seen running shortly before it was seen done: it finished in between, so the later poll is the time;
 * - seen done by its first poll (no sighting of it running at the usual time): it finished at most then, so the
 *   time is lowered a little, probing for faster tasks (a bit more after many such tasks in a row);
 * - seen running at or after the usual time and done long after: slower than usual, so the time moves a quarter of
 *   the way to the middle of the two sightings.
 * The first poll then lands just after most tasks of a kind end; one that misses is followed by a quick re-poll.
 */
export class TaskDurations {
  readonly #kinds = new Map<string, { usualMs: number; hitsInARow: number }>();

  constructor(private readonly retryMs: (usualMs: number) => number = (usual) => quickRetryMs(DEFAULT_POLL_TIMING, usual)) {}

  /** When to poll a task of this operation first (undefined: not seen yet). */
  firstPollMs(operation: string): number | undefined {
    return this.#kinds.get(operation)?.usualMs;
  }

  /** A task of this operation was seen finished by a poll sent at `finishedBy` ms, and running by one at `runningAt`. */
  record(operation: string, runningAt: number | undefined, finishedBy: number): void {
    const known = this.#kinds.get(operation);
    const usual = known?.usualMs;
    let estimate: number;
    let hitsInARow = 0;
    if (runningAt !== undefined && finishedBy - runningAt <= 2 * this.retryMs(finishedBy)) estimate = finishedBy;
    else if (runningAt !== undefined && (usual === undefined || usual <= runningAt)) {
      const middle = (runningAt + finishedBy) / 2;
      estimate = usual === undefined ? middle : usual + RISE_GAIN * (middle - usual);
    } else {
      hitsInARow = (known?.hitsInARow ?? 0) + 1;
      const probe = PROBE_SHARE * 2 ** Math.min(MAX_PROBE_DOUBLINGS, Math.floor(hitsInARow / HITS_PER_DOUBLING));
      // Never below a sighting of the task still running (EM's OperationFinished stretch).
      estimate = Math.max(runningAt ?? 0, Math.min(usual ?? finishedBy, finishedBy) * (1 - probe));
    }
    // One slow task raises the usual time by a quarter at most: the first poll comes at the usual time, and a kind
    // whose tasks vary must not wait for its slowest one every time.
    if (usual !== undefined) estimate = Math.min(estimate, usual * MAX_RISE);
    this.#kinds.set(operation, { usualMs: Math.max(1, estimate), hitsInARow });
  }
}

/** One task being waited for. Times are in ms after its 202 arrived. */
interface Watch {
  readonly task: Task;
  readonly operation: string;
  readonly generation: number;
  readonly started: number;
  lastState: string;
  /** When a poll last showed it not finished, and when any poll last showed it at all. */
  runningAt?: number;
  seenAt?: number;
  /** When its own next poll is due. */
  dueAt: number;
  finished?: Task;
  /** Ends its current sleep (it was seen finished by another task's poll). */
  wake?: () => void;
}

export class TaskWaiter {
  readonly durations: TaskDurations;
  readonly #watched = new Map<string, Watch>();
  /** The shared poll in flight, if any, and the tasks it asks for. */
  #inFlight?: { ids: Set<string>; done: Promise<void> };
  /** Off once EM refused the Task query (an EM without it): every task is then polled alone. */
  #shared = true;
  /** Shared polls failed in a row. */
  #sharedFailures = 0;
  readonly #query: QueryRunner;

  constructor(
    private readonly session: SessionManager,
    private readonly timeoutMs: number,
    private readonly timing: PollTiming = DEFAULT_POLL_TIMING,
    private readonly onProgress?: (msg: string) => void,
  ) {
    this.durations = new TaskDurations((usual) => this.retryMs(usual));
    this.#query = new QueryRunner(session);
  }

  /** Poll options of the task deadline, for any wait that follows it (e.g. for an object after a lost answer). */
  get poll(): PollOptions {
    return { timeoutMs: this.timeoutMs, initialDelayMs: this.timing.initialDelayMs, factor: this.timing.factor, maxDelayMs: this.timing.maxDelayMs, clock: this.timing };
  }

  private retryMs(usualMs: number): number {
    return quickRetryMs(this.timing, usualMs);
  }

  /**
   * Waits for `task` (as returned with the 202) to finish. `generation` is the session generation the task was
   * started under: if the session is renewed meanwhile, the task is out of view and lost.
   */
  async wait(task: Task, generation: number, fallbackOperation: string): Promise<TaskOutcome> {
    const operation = task.operation || fallbackOperation;
    const started = this.timing.now();
    const usual = this.durations.firstPollMs(operation);
    const w: Watch = { task, operation, generation, started, lastState: task.state, dueAt: usual ?? this.timing.initialDelayMs };
    if (task.state === "Finished") w.finished = task;
    // A task id EM reuses in another session must not be confused with this one: watched by id and generation.
    const key = `${generation}/${task.taskId}`;
    this.#watched.set(key, w);
    try {
      const finished = w.finished ?? (await this.pollTimed(w, usual));
      if (!finished) throw new EmTaskTimeoutError(operation, this.timing.now() - started, task.href, w.lastState);
      if (finished.success === false) throw new EmTaskFailedError(operation, finished.message ?? "", task.href);
      return { taskId: finished.taskId, operation, message: finished.message ?? "", ...(finished.related && { related: finished.related }) };
    } finally {
      this.#watched.delete(key);
    }
  }

  /**
   * Polls first at `dueAt`; after a miss, quickly again when the kind is known (`usual`; doubling waits), then every
   * `intervalShare` of the time the task has run (at least `minIntervalMs`, at most `maxDelayMs`), until the
   * deadline. A poll made for other tasks that showed this one running counts as this one's when it is as recent as
   * this one's own would be: when the next step planned from it still lies ahead.
   */
  private async pollTimed(w: Watch, usual: number | undefined): Promise<Task | undefined> {
    const t = this.timing;
    const elapsed = () => t.now() - w.started;
    /** The next quick re-poll step (doubling), while below the regular interval; 0 once regular. */
    let quick = usual === undefined ? 0 : this.retryMs(usual);
    /** Whether the next step after a sighting at `base` is still a quick re-poll (below the regular interval). */
    const stillQuick = (base: number) => quick > 0 && quick < this.regularInterval(base);
    const step = (base: number) => (stillQuick(base) ? quick : this.regularInterval(base));
    /** Plans the next poll after one that showed the task running at `base`. */
    const planFrom = (base: number) => {
      w.dueAt = base + step(base);
      quick = stillQuick(base) ? quick * 2 : 0;
    };
    /** The observation the current due time was planned from. */
    let plannedFrom = w.seenAt;
    for (;;) {
      await this.sleep(w, Math.max(0, Math.min(w.dueAt, this.timeoutMs) - elapsed()));
      if (w.finished) return w.finished;
      if (w.seenAt !== undefined && w.seenAt !== plannedFrom && w.seenAt + step(w.seenAt) > elapsed() && elapsed() < this.timeoutMs) {
        // Another task's poll showed this one running since: it stands for this poll.
        plannedFrom = w.seenAt;
        planFrom(w.seenAt);
        continue;
      }
      if (w.seenAt === undefined && usual !== undefined) {
        // A first poll waits for the first polls of other tasks due just after it: one poll (then one look-up)
        // serves them all, and creates that finish together start, and so finish, together again.
        const joinAt = this.joinableFirstPoll(w, usual);
        if (joinAt !== undefined) await this.sleep(w, joinAt - t.now());
        if (w.finished) return w.finished;
      }
      await this.pollFor(w);
      if (w.finished) return w.finished;
      if (elapsed() >= this.timeoutMs) return undefined;
      plannedFrom = w.seenAt;
      planFrom(w.seenAt ?? elapsed());
    }
  }

  /**
   * The latest first poll of the session's other tasks not yet polled that falls due within a small share of the
   * usual time from now (when this task's first poll is due), if any.
   */
  private joinableFirstPoll(w: Watch, usual: number): number | undefined {
    const now = this.timing.now();
    const limit = now + JOIN_SHARE * usual;
    let latest: number | undefined;
    for (const o of this.#watched.values()) {
      if (o === w || o.finished || o.seenAt !== undefined || o.generation !== w.generation) continue;
      const due = o.started + o.dueAt;
      if (due > now && due <= limit) latest = Math.max(latest ?? due, due);
    }
    return latest;
  }

  private regularInterval(elapsedMs: number): number {
    const t = this.timing;
    return Math.min(t.maxDelayMs, Math.max(t.minIntervalMs, t.intervalShare * elapsedMs));
  }

  /** Sleeps `ms`, or less when the task is seen finished meanwhile (the clock's sleep ends on the abort). */
  private async sleep(w: Watch, ms: number): Promise<void> {
    if (w.finished) return;
    const woken = new AbortController();
    w.wake = () => woken.abort();
    try {
      await this.timing.sleep(ms, woken.signal);
    } finally {
      w.wake = undefined;
    }
  }

  /** One poll for `w`: shared with the other watched tasks when there are any, else its own GET. */
  private async pollFor(w: Watch): Promise<void> {
    const inFlight = this.#inFlight;
    if (inFlight?.ids.has(w.task.taskId)) {
      // A shared poll already on its way asks for this task: its answer is as fresh as another request's.
      const before = w.seenAt;
      await inFlight.done;
      if (w.finished || w.seenAt !== before) return;
    } else if (this.#shared && this.#watched.size > 1) {
      const seen = await this.pollShared(w);
      if (seen) return;
    }
    await this.pollOwn(w);
  }

  /** GET /tasks/{id}: the only poll that can make a task lost (any answer once the session changed, EM's 404 included). */
  private async pollOwn(w: Watch): Promise<void> {
    const sentAt = this.timing.now() - w.started;
    const taskUrl = w.task.href;
    let res;
    try {
      res = await this.session.request({ method: "GET", ...(taskUrl ? { href: taskUrl } : { path: `/tasks/${encodeURIComponent(w.task.taskId)}` }), expect: [200], answer: ANSWERS.Task });
    } catch (err) {
      if (err instanceof EmApiError && err.status === 404 && this.session.generation !== w.generation) throw new EmTaskLostError(w.operation, taskUrl);
      throw err;
    }
    // EM shows a task only to the session that started it: after a new logon, whatever answers is not this task.
    if (res.generation !== w.generation) throw new EmTaskLostError(w.operation, taskUrl);
    let current: Task;
    try {
      current = parseTask(res.body?.body);
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      throw new EmApiError({ kind: "parse", method: "GET", path: taskUrl, status: res.status, emMessage: `the answer is not a Task (${err.message})` });
    }
    this.observe(w, current, sentAt);
  }

  /**
   * One `GET /query?type=Task` for `w` and the other watched tasks of its session. Returns whether it showed `w`;
   * a failed shared poll shows nothing (each task is then asked for alone), and one that cannot succeed later
   * turns sharing off.
   */
  private async pollShared(w: Watch): Promise<boolean> {
    const now = this.timing.now();
    // A task not yet halfway to its first poll is still running: asking for it would only cost answer bytes.
    const ripe = (o: Watch) => now - o.started >= o.dueAt / 2;
    const others = [...this.#watched.values()].filter((o) => o !== w && o.generation === w.generation && !o.finished && ripe(o)).sort((a, b) => a.started + a.dueAt - (b.started + b.dueAt));
    if (others.length === 0) return false;
    const asked = [w, ...others.slice(0, MAX_TASKS_PER_POLL - 1)];
    const ids = new Set(asked.map((o) => o.task.taskId));
    const query = Query.type("Task").format("Entities").pageSize(asked.length).filter(where.or(...asked.map((o) => where.eq("TaskId", o.task.taskId))));
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#inFlight = { ids, done };
    try {
      // Not retried: on any failure each task is asked for alone at once, under the full retry policy.
      const { items: tasks, generation } = await this.#query.entities(query, QUERY_ENTITIES.Task, (n) => parseTask(n), "once");
      this.#sharedFailures = 0;
      if (generation !== w.generation) return false;
      for (const task of tasks) {
        const o = ids.has(task.taskId) ? this.#watched.get(`${generation}/${task.taskId}`) : undefined;
        if (o) this.observe(o, task, now - o.started);
      }
      return tasks.some((task) => task.taskId === w.task.taskId);
    } catch (err) {
      // The shared poll only saves requests: whatever goes wrong with it, each task is asked for alone (its own
      // GET decides). An answer that will not change (a 4xx other than 429, 501, or not a list of tasks, e.g. from
      // a server without the Task query), or failures in a row, turn sharing off for this client.
      this.#sharedFailures += 1;
      if (refusedForGood(err) || this.#sharedFailures >= MAX_SHARED_FAILURES) {
        this.#shared = false;
        const status = err instanceof EmApiError ? err.status : undefined;
        this.onProgress?.(`EM did not answer GET /query?type=Task (${status ?? (err as Error).message}); polling each task alone`);
      }
      return false;
    } finally {
      if (this.#inFlight?.done === done) this.#inFlight = undefined;
      settle();
    }
  }

  /** What a poll sent at `sentAt` (ms after the task's 202) showed of the task. */
  private observe(w: Watch, current: Task, sentAt: number): void {
    if (w.finished) return;
    if (current.state !== w.lastState) this.onProgress?.(`EM task ${current.taskId} (${w.operation}): ${current.state}`);
    w.lastState = current.state;
    w.seenAt = Math.max(w.seenAt ?? 0, sentAt);
    if (current.state !== "Finished") {
      w.runningAt = Math.max(w.runningAt ?? 0, sentAt);
      return;
    }
    w.finished = current;
    this.durations.record(w.operation, w.runningAt, sentAt);
    w.wake?.();
  }
}
