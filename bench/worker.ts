/**
 * One provider in a process of its own, as Pulumi's dynamic-provider plugin runs it, so that its peak memory can
 * be read. The parent sends batches of operations over IPC; the worker keeps the outputs between them as the
 * engine keeps state.
 *
 * argv[2]: "project" (this package, through the same entry point its serialized shim loads), "naive" (bench/naive),
 * "before" (the same entry point of an earlier build, in BENCH_BEFORE_DIR) or "sdk" (only the Pulumi SDK loaded:
 * the memory every dynamic provider process starts with).
 * Environment: BENCH_EM_URL, BENCH_EM_USER, BENCH_EM_PASSWORD, BENCH_EM_CA (the proxy's CA file, if TLS).
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { accountDeclaration, inParallel, subtenantDeclaration, tenantDeclaration, type Kind, type Operation } from "./workload";

/** "before": this project as built from an earlier commit (run.ts --before DIR), to compare in one run. */
export type ProviderName = "project" | "naive" | "sdk" | "before";

export interface BatchRequest {
  kind: Kind;
  operation: Operation;
  /** Names are `${prefix}-${index}`. */
  prefix: string;
  count: number;
  concurrency: number;
  /** Subtenants are spread over this many tenants (benchTenant); 1 unless given. */
  tenants?: number;
}

/** Memory of the worker over one batch. */
export interface BatchMemory {
  /** The process's peak RSS since it started, read after the batch: where it rose, this batch set the peak. */
  peakRssAfterBytes: number;
  /** RSS when the batch started. */
  rssBeforeBytes: number;
  /** The highest of each figure among samples taken every SAMPLE_MS during the batch. */
  sampled: { rssBytes: number; heapUsedBytes: number; externalBytes: number; arrayBuffersBytes: number };
}

export interface BatchResult {
  wallMs: number;
  memory?: BatchMemory;
  /** Per resource, when its operation returned, in ms after the batch started. */
  doneAtMs: number[];
  failures: number;
  firstFailure?: string;
}

/** "state": the state held, to hand to a fresh worker with "load" (as the engine hands state to a new plugin process). */
export type WorkerMessage = { type: "batch"; id: number; request: BatchRequest } | { type: "memory"; id: number } | { type: "state"; id: number } | { type: "load"; id: number; state: Array<[string, Held]> };
export type WorkerAnswer = { id: number; result?: BatchResult; memory?: { peakRssBytes: number; rssBytes: number }; state?: Array<[string, Held]>; error?: string };

type Methods = Required<Pick<pulumi.dynamic.ResourceProvider, "create" | "read" | "update" | "delete">> & Pick<pulumi.dynamic.ResourceProvider, "check" | "diff">;

function providers(name: ProviderName): Record<Kind, Methods> | undefined {
  const env = process.env;
  if (name === "sdk") return undefined;
  if (name === "naive") {
    const { NaiveAccountProvider, NaiveSubtenantProvider, NaiveTenantProvider } = require("./naive/provider") as typeof import("./naive/provider");
    const connection = { url: env.BENCH_EM_URL as string, username: env.BENCH_EM_USER as string, password: env.BENCH_EM_PASSWORD as string };
    const account = new NaiveAccountProvider(connection);
    return { subtenant: new NaiveSubtenantProvider(connection), account: { ...bind(account), update: () => Promise.reject(new Error("not measured")) }, tenant: new NaiveTenantProvider(connection) };
  }
  const runtime = name === "before" ? path.join(env.BENCH_BEFORE_DIR as string, "dist", "provider", "resources", "runtime") : "../provider/resources/runtime";
  const { providerFor } = require(runtime) as typeof import("../provider/resources/runtime");
  const config: Record<string, string | undefined> = {
    "veeam-em:url": env.BENCH_EM_URL,
    "veeam-em:username": env.BENCH_EM_USER,
    "veeam-em:password": env.BENCH_EM_PASSWORD,
    "veeam-em:caCertPath": env.BENCH_EM_CA,
  };
  // What the shim's configure hands over in the plugin: the stack config, read through get.
  const request = { config: { get: (key: string) => config[key] } } as unknown as pulumi.dynamic.ConfigureRequest;
  return { subtenant: providerFor("Subtenant", request), account: providerFor("EnterpriseAccount", request), tenant: providerFor("CloudTenant", request) };
}

function bind(provider: object): Methods {
  const p = provider as Methods;
  return { create: p.create.bind(p), read: p.read.bind(p), update: p.update?.bind(p), delete: p.delete.bind(p) } as Methods;
}

export interface Held {
  id: string;
  outs: Record<string, unknown>;
}

/** The engine's part: check before create and update, diff before update; state kept by name. */
async function operate(methods: Methods, held: Map<string, Held>, request: BatchRequest, index: number): Promise<void> {
  const declared = (updated: boolean) =>
    (request.kind === "subtenant"
      ? subtenantDeclaration(request.prefix, index, updated, request.tenants)
      : request.kind === "tenant"
        ? tenantDeclaration(request.prefix, index, updated)
        : accountDeclaration(request.prefix, index)) as unknown as Record<string, unknown>;
  const key = `${request.kind}/${request.prefix}/${index}`;
  const checked = async (news: Record<string, unknown>, olds: Record<string, unknown>) => {
    if (!methods.check) return news;
    const result = await methods.check(olds, news);
    if (result.failures && result.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
    return result.inputs as Record<string, unknown>;
  };
  const current = () => {
    const state = held.get(key);
    if (!state) throw new Error(`${key} was not created`);
    return state;
  };
  switch (request.operation) {
    case "create": {
      const created = await methods.create(await checked(declared(false), {}));
      held.set(key, { id: created.id, outs: created.outs });
      return;
    }
    case "read": {
      const { id, outs } = current();
      const read = await methods.read(id, outs);
      if (!read.id) throw new Error(`${key} is gone on refresh`);
      held.set(key, { id, outs: read.props as Record<string, unknown> });
      return;
    }
    case "update": {
      const { id, outs } = current();
      const news = await checked(declared(true), outs);
      if (methods.diff) {
        const diff = await methods.diff(id, outs, news);
        if (!diff.changes || (diff.replaces ?? []).length > 0) throw new Error(`${key}: expected an update in place, got ${JSON.stringify(diff)}`);
      }
      const updated = await methods.update(id, outs, news);
      held.set(key, { id, outs: updated.outs as Record<string, unknown> });
      return;
    }
    case "unchanged": {
      // The engine checks the program's declaration against the state's inputs, then diffs: no change, no write.
      const { id, outs } = current();
      const news = await checked(declared(false), outs);
      const diff = methods.diff ? await methods.diff(id, outs, news) : { changes: false };
      if (diff.changes) throw new Error(`${key}: expected no change, got ${JSON.stringify(diff)}`);
      return;
    }
    case "delete": {
      const { id, outs } = current();
      await methods.delete(id, outs);
      held.delete(key);
      return;
    }
  }
}

/** How often memory is sampled during a batch: often enough to catch a peak of a phase that lasts 100 ms. */
const SAMPLE_MS = 10;

/** Samples memory until the returned function is called, which answers the batch's figures. */
function sampleMemory(): () => BatchMemory {
  const rssBeforeBytes = process.memoryUsage().rss;
  const sampled = { rssBytes: rssBeforeBytes, heapUsedBytes: 0, externalBytes: 0, arrayBuffersBytes: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    sampled.rssBytes = Math.max(sampled.rssBytes, m.rss);
    sampled.heapUsedBytes = Math.max(sampled.heapUsedBytes, m.heapUsed);
    sampled.externalBytes = Math.max(sampled.externalBytes, m.external);
    sampled.arrayBuffersBytes = Math.max(sampled.arrayBuffersBytes, m.arrayBuffers);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
    return { peakRssAfterBytes: process.resourceUsage().maxRSS * 1024, rssBeforeBytes, sampled };
  };
}

async function main(): Promise<void> {
  const name = process.argv[2] as ProviderName;
  // The plugin process always has the SDK loaded; so does every worker, the "sdk" one alone.
  require("@pulumi/pulumi");
  const all = providers(name);
  const held = new Map<string, Held>();

  process.on("message", async (message: WorkerMessage) => {
    const answer = (a: WorkerAnswer) => process.send?.(a);
    if (message.type === "memory") {
      return answer({ id: message.id, memory: { peakRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss } });
    }
    if (message.type === "state") return answer({ id: message.id, state: [...held] });
    if (message.type === "load") {
      for (const [key, value] of message.state) held.set(key, value);
      return answer({ id: message.id });
    }
    if (!all) return answer({ id: message.id, error: `the ${name} worker has no provider` });
    const request = message.request;
    const methods = all[request.kind];
    const doneAtMs: number[] = new Array(request.count).fill(0);
    let failures = 0;
    let firstFailure: string | undefined;
    const memory = sampleMemory();
    const started = performance.now();
    await inParallel(request.count, request.concurrency, async (index) => {
      try {
        await operate(methods, held, request, index);
      } catch (err) {
        failures += 1;
        firstFailure ??= (err as Error).message;
      }
      doneAtMs[index] = performance.now() - started;
    });
    const wallMs = performance.now() - started;
    answer({ id: message.id, result: { wallMs, memory: memory(), doneAtMs, failures, firstFailure } });
  });
  process.send?.({ id: 0 });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker: ${(err as Error).stack}\n`);
  process.exit(1);
});
