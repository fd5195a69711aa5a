/** The parent's handle on a worker process (bench/worker.ts). */
import { fork, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { BatchRequest, BatchResult, Held, ProviderName, WorkerAnswer, WorkerMessage } from "./worker";

export class WorkerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: WorkerAnswer) => void>();

  private constructor(
    readonly provider: ProviderName,
    private readonly child: ChildProcess,
  ) {
    child.on("message", (answer: WorkerAnswer) => {
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
    child.on("exit", (code) => {
      for (const resolve of this.waiting.values()) resolve({ id: -1, error: `the ${provider} worker exited with code ${code}` });
      this.waiting.clear();
    });
  }

  /** Starts a worker; its stderr (the provider's progress lines) goes to `logFd`. */
  static start(provider: ProviderName, env: NodeJS.ProcessEnv, logFd: number): Promise<WorkerProcess> {
    const child = fork(path.join(__dirname, "worker.js"), [provider], { env: { ...process.env, ...env }, stdio: ["ignore", logFd, logFd, "ipc"] });
    const worker = new WorkerProcess(provider, child);
    return new Promise((resolve, reject) => {
      worker.waiting.set(0, (answer) => (answer.error ? reject(new Error(answer.error)) : resolve(worker)));
    });
  }

  private ask(message: Omit<WorkerMessage, "id">): Promise<WorkerAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...message, id });
    });
  }

  async batch(request: BatchRequest): Promise<BatchResult> {
    const answer = await this.ask({ type: "batch", request } as WorkerMessage);
    if (!answer.result) throw new Error(answer.error ?? "no result");
    return answer.result;
  }

  async memory(): Promise<{ peakRssBytes: number; rssBytes: number }> {
    const answer = await this.ask({ type: "memory" } as WorkerMessage);
    if (!answer.memory) throw new Error(answer.error ?? "no memory figures");
    return answer.memory;
  }

  /** The state the worker holds (its resources' ids and outputs, by key). */
  async state(): Promise<Array<[string, Held]>> {
    const answer = await this.ask({ type: "state" } as WorkerMessage);
    if (!answer.state) throw new Error(answer.error ?? "no state");
    return answer.state;
  }

  /** Hands the worker state to hold, as the engine hands a new plugin process the stack's state. */
  async load(state: Array<[string, Held]>): Promise<void> {
    const answer = await this.ask({ type: "load", state } as WorkerMessage);
    if (answer.error) throw new Error(answer.error);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}
