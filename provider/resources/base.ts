import type * as pulumi from "@pulumi/pulumi";
import type { EmClient } from "../client";
import { ClientPool, connectionSettings, type ConfigSource } from "./connection";

/** Shared by every provider in a process unless a test hands in its own: one logon per run. */
export const sharedClientPool = new ClientPool();

export interface ProviderOptions {
  /** How long to look for an object whose create answer was lost before giving up; 2 minutes by default. */
  lostAnswerWaitMs?: number;
  /** Where clients come from; the process-wide pool by default. */
  pool?: ClientPool;
  /** Environment for the fallbacks of the connection settings; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Connection handling common to the providers: configuration from `configure`, else from the environment. */
export abstract class ProviderBase {
  private config?: ConfigSource;
  protected readonly pool: ClientPool;
  private readonly env: NodeJS.ProcessEnv;
  protected readonly lostAnswerWaitMs: number;

  constructor(options: ProviderOptions = {}) {
    this.pool = options.pool ?? sharedClientPool;
    this.env = options.env ?? process.env;
    this.lostAnswerWaitMs = options.lostAnswerWaitMs ?? 120_000;
  }

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.useConfig(request.config);
  }

  /** Stack configuration for the connection (namespace `veeam-em`); the environment fills what it lacks. */
  useConfig(config: ConfigSource): void {
    this.config = config;
  }

  /** The client for the configured connection; settings are read when first needed, so preview needs none. */
  protected client(): EmClient {
    return this.pool.get(connectionSettings(this.config, this.env));
  }
}

/** Outputs must be plain JSON for the engine: no undefined values anywhere. */
export function plain<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Looks for something until it appears or the time is up, soon at first and then less often. Used after a lost
 * answer: EM may still be running the task that creates the object.
 */
export async function eventually<T>(find: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
    const found = await find().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() + delay > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The declared arguments among `inputs`: what a refresh may hand back as inputs (the engine keeps no others). */
export function declaredArgs(inputs: object, argNames: readonly string[]): string[] {
  return argNames.filter((name) => (inputs as Record<string, unknown>)[name] !== undefined);
}

/** Only the named keys of a record, for inputs rebuilt from outputs on refresh. */
export function pick<T extends object>(record: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(record).filter(([k]) => keys.includes(k))) as T;
}
