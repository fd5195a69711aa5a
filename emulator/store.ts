import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { EmState, Session, Task } from "./model";
import { emProfile, type EmProfile } from "./versions";
import type { TaskBehaviour } from "./faults";

export const DEFAULT_SEED_PATH = path.join(__dirname, "..", "..", "emulator", "seed.json");

export interface SeedFile extends Partial<EmState> {
  sessions?: Array<{ id: string; token: string; userName: string; kind: "admin" | "tenant"; tenantId?: string }>;
}

export function readSeedFile(file: string): SeedFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`Cannot read the seed file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as SeedFile;
  } catch (err) {
    throw new Error(`The seed file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** What a task does when its time comes: the change it applies and the outcome it reports. */
export type TaskEffect = () => { success: boolean; message: string; related?: Task["related"] };

interface PendingTask {
  task: Task;
  /** When the backup server is done (OperationFinished) and when EM has the result (Finished). */
  operationFinishedAt: number;
  finishAt: number;
  effect: TaskEffect;
}

/**
 * All mutable emulator state. Time is read through `now()` (the emulator's clock, so a test can move it), and
 * tasks finish lazily: every request first calls `advance()`, which applies the effects of tasks whose time has
 * come, in the order they were started. No timers, so nothing keeps the process alive and results do not race.
 */
export class Store {
  state: EmState;
  /** Live sessions by their header token. */
  readonly sessions = new Map<string, Session>();
  readonly tasks = new Map<string, Task>();
  private readonly pending: PendingTask[] = [];
  private taskCounter = 0;

  constructor(
    seed: SeedFile,
    readonly settings: { taskDurationMs: number; sessionIdleTimeoutMs: number },
    readonly now: () => number,
    profile: EmProfile = emProfile(),
  ) {
    // A deep copy, so a seed object handed in by a test is never changed behind its back.
    const copy = structuredClone(seed);
    this.state = {
      backupServers: copy.backupServers ?? [],
      repositories: copy.repositories ?? [],
      tenants: (copy.tenants ?? []).map((t) => ({ ...t, resources: t.resources ?? [], maxConcurrentTasks: t.maxConcurrentTasks ?? 1 })),
      subtenants: copy.subtenants ?? [],
      // EM's built-in roles come with the EM version; a seed may list its own.
      roles: copy.roles ?? profile.roles,
      accounts: (copy.accounts ?? []).map((a) => ({ ...a, scope: a.scope ?? [], roleIds: a.roleIds ?? [] })),
      cloudFailoverPlans: (copy.cloudFailoverPlans ?? []).map((p) => ({ ...p, failedOver: p.failedOver ?? false })),
    };
    for (const s of copy.sessions ?? []) {
      this.sessions.set(s.token, { ...s, lastUsedAt: this.now(), pinned: true });
    }
  }

  createSession(userName: string, kind: "admin" | "tenant", tenantId?: string): Session {
    const token = randomBytes(16).toString("base64");
    const session: Session = { id: randomUUID(), token, userName, kind, tenantId, lastUsedAt: this.now(), pinned: false };
    this.sessions.set(token, session);
    return session;
  }

  sessionById(id: string): Session | undefined {
    for (const session of this.sessions.values()) if (session.id.toLowerCase() === id.toLowerCase()) return session;
    return undefined;
  }

  endSession(session: Session): void {
    this.sessions.delete(session.token);
  }

  /** The live session for a header token, refreshing its idle timer; expired sessions are removed. */
  touchSession(token: string): Session | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    if (!session.pinned && this.now() - session.lastUsedAt > this.settings.sessionIdleTimeoutMs) {
      this.sessions.delete(token);
      return undefined;
    }
    session.lastUsedAt = this.now();
    return session;
  }

  /** Starts an asynchronous operation: a Running task whose effect is applied once its duration has passed. */
  startTask(operation: string, sessionId: string, effect: TaskEffect, behaviour: TaskBehaviour = "normal"): Task {
    this.taskCounter += 1;
    const task: Task = { id: `task-${this.taskCounter}`, operation, state: "Running", sessionId };
    this.tasks.set(task.id, task);
    if (behaviour === "hang") return task;
    const failing: TaskEffect = () => ({ success: false, message: "The operation failed (fault injected by the emulator)" });
    const duration = typeof behaviour === "object" ? behaviour.slowMs : this.settings.taskDurationMs;
    const finishAt = this.now() + duration;
    // The last fifth of a task's time is spent in OperationFinished, as EM collects the result from the backup server.
    const entry = { task, operationFinishedAt: finishAt - duration / 5, finishAt, effect: behaviour === "fail" ? failing : effect };
    // Kept in finishing order, so effects apply in that order even if the task duration is changed at run time.
    const at = this.pending.findIndex((p) => p.finishAt > entry.finishAt);
    this.pending.splice(at < 0 ? this.pending.length : at, 0, entry);
    return task;
  }

  /** Finishes every task whose time has come, applying its effect. */
  advance(): void {
    const now = this.now();
    for (const p of this.pending) {
      if (p.operationFinishedAt <= now && p.finishAt > now) p.task.state = "OperationFinished";
    }
    while (this.pending.length > 0 && this.pending[0].finishAt <= now) {
      const { task, effect } = this.pending.shift() as PendingTask;
      let outcome: ReturnType<TaskEffect>;
      try {
        outcome = effect();
      } catch (err) {
        outcome = { success: false, message: (err as Error).message };
      }
      task.state = "Finished";
      task.success = outcome.success;
      task.message = outcome.message;
      if (outcome.related) task.related = outcome.related;
    }
  }

  /** Stops a task: one still running never applies its change and finishes as failed. */
  cancelTask(taskId: string): void {
    const index = this.pending.findIndex((p) => p.task.id === taskId);
    if (index >= 0) {
      const [{ task }] = this.pending.splice(index, 1);
      Object.assign(task, { state: "Finished", success: false, message: "The task was cancelled" });
    }
    this.tasks.delete(taskId);
  }

  /** Lets a test finish all running tasks at once, whatever their duration. */
  finishAllTasks(): void {
    for (const p of this.pending) p.finishAt = p.operationFinishedAt = 0;
    this.advance();
  }
}
