/**
 * `npm run bench`: this project's providers and a naive baseline (bench/naive) against the same emulator, in the
 * same run, at several scales. Prints a table and writes the figures as JSON to bench/results/.
 *
 *   npm run bench                  full run (N = 10, 100, 500; about 10 minutes on 2 cores)
 *   npm run bench -- --quick       short run (N = 10, 50; short tasks only)
 *   npm run bench -- --sizes 10,100 --task-ms 200 --parallel 10 --latency 50:10,1000:5 --plain-http
 *
 * The emulator runs in its own process; every request passes a counting proxy (bench/proxy.ts) that speaks TLS to
 * the providers as EM does; each provider runs in a worker process of its own (bench/worker.ts). The machines are
 * shared and noisy: compare the two providers within one run (the ratio column), not runs with each other.
 */
import { mkdirSync, openSync, closeSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulatorProcess, type EmulatorProcess } from "./emulator-process";
import { difference, startCountingProxy, type CountingProxy, type TrafficSnapshot } from "./proxy";
import { renderReport, type LatencyFigures, type PhaseFigures, type Results } from "./report";
import { renderTargets } from "./targets";
import { CLI_PARALLEL, REFRESH_PARALLELISM, renderRefreshCases, tenantsFor, type RefreshFigures } from "./refresh-cases";
import type { ProviderName } from "./worker";
import { WorkerProcess } from "./worker-process";
import { ADMIN_PASSWORD, ADMIN_USER, latencySpreadMs, type Kind, type Operation } from "./workload";

interface Options {
  sizes: number[];
  /** Task duration of the lifecycle runs (create, refresh, update, delete). */
  taskMs: number;
  parallel: number;
  /** Nominal task durations of the completion-latency runs, each with its number of concurrent creates. */
  latency: Array<{ taskMs: number; samples: number }>;
  tls: boolean;
  /** A checkout of an earlier commit, built (its dist/), measured beside this one: before and after in one run. */
  before?: string;
  /** Sizes of the refresh cases (parallelism 4, 16 and unbounded; `up` with no change). */
  refreshSizes: number[];
}

let PROVIDERS: ProviderName[] = ["project", "naive"];
const RESULTS_DIR = path.join(__dirname, "..", "..", "bench", "results");

const USAGE = `Usage: npm run bench [-- options]

This project's providers against the naive baseline (bench/naive), on the emulator, in one run.

  --quick              N = 10, 50 and short latency samples (about 1 minute)
  --sizes LIST         numbers of resources, e.g. 10,100,500 (the default)
  --task-ms MS         task duration of the create/refresh/update/delete runs (default 200)
  --parallel P         operations at a time, as pulumi up --parallel (default 10; refresh also runs unbounded)
  --latency LIST       task ms : samples of the completion-latency runs (default 50:10,1000:10,10000:5)
  --plain-http         no TLS between the providers and the proxy
  --refresh-sizes LIST sizes of the refresh cases (default 10,500)
  --scale              adds N = 5,000 subtenants over 10 tenants to the refresh cases (about 10 more minutes)
  --no-refresh-cases   leaves the refresh cases out
  --before DIR         also measure the build in DIR/dist (a checkout of an earlier commit, built with
                       npx tsc), and print a second table: this build / that one
  --help               show this help
`;

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean" },
      sizes: { type: "string" },
      "task-ms": { type: "string" },
      parallel: { type: "string" },
      latency: { type: "string" },
      "plain-http": { type: "boolean" },
      before: { type: "string" },
      "refresh-sizes": { type: "string" },
      scale: { type: "boolean" },
      "no-refresh-cases": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const numbers = (flag: string, raw: string) =>
    raw.split(",").map((part) => {
      const n = Number(part);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} needs positive whole numbers separated by commas, got '${raw}'`);
      return n;
    });
  const latency = (values.latency ?? (values.quick ? "50:6,1000:6" : "50:10,1000:10,10000:5")).split(",").map((pair) => {
    const [taskMs, samples] = numbers("latency", pair.replace(":", ","));
    if (samples === undefined) throw new Error(`--latency needs taskMs:samples pairs, e.g. 50:10,1000:5; got '${pair}'`);
    return { taskMs, samples };
  });
  return {
    sizes: numbers("sizes", values.sizes ?? (values.quick ? "10,50" : "10,100,500")),
    taskMs: numbers("task-ms", values["task-ms"] ?? "200")[0],
    parallel: numbers("parallel", values.parallel ?? "10")[0],
    latency,
    tls: !values["plain-http"],
    before: values.before === undefined ? undefined : path.resolve(values.before),
    refreshSizes: values["no-refresh-cases"] ? [] : [...numbers("refresh-sizes", values["refresh-sizes"] ?? (values.quick ? "10" : "10,500")), ...(values.scale ? [5000] : [])],
  };
}

/**
 * Creates, updates and deletes, one provider process for all of them. Refresh is measured apart (refresh-cases.ts),
 * each run in a fresh process as `pulumi refresh` is: here, one refresh after another would be answered from the
 * list the first one read.
 */
const LIFECYCLE: Array<{ kind: Kind; operation: Operation; unbounded?: boolean }> = [
  { kind: "subtenant", operation: "create" },
  { kind: "subtenant", operation: "update" },
  { kind: "subtenant", operation: "delete" },
  { kind: "account", operation: "create" },
  { kind: "account", operation: "delete" },
  { kind: "tenant", operation: "create" },
  { kind: "tenant", operation: "update" },
  { kind: "tenant", operation: "delete" },
];

/** Tenants per lifecycle run: a stack holds tens of tenants, not hundreds (and the naive provider's 1 s polls add up). */
const TENANTS_MAX = 50;

class Bench {
  private emulator?: EmulatorProcess;
  private proxy?: CountingProxy;
  private readonly log: number;

  constructor(private readonly opts: Options) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    this.log = openSync(path.join(RESULTS_DIR, "workers.log"), "w");
  }

  private say(line: string): void {
    process.stderr.write(`bench: ${line}\n`);
  }

  /** A fresh emulator whose tasks take these durations in turn, behind the (one) proxy. */
  private async emulatorWith(durationsMs: number[], tenants = 1): Promise<{ proxy: CountingProxy; emulator: EmulatorProcess }> {
    await this.emulator?.stop();
    const emulator = await startEmulatorProcess({ durationsMs, adminPassword: ADMIN_PASSWORD, tenants });
    this.emulator = emulator;
    if (this.proxy) this.proxy.retarget(emulator.url);
    else this.proxy = await startCountingProxy(emulator.url, { tls: this.opts.tls });
    return { proxy: this.proxy, emulator };
  }

  private worker(provider: ProviderName, proxy: CountingProxy): Promise<WorkerProcess> {
    const env: NodeJS.ProcessEnv = { BENCH_EM_URL: proxy.url, BENCH_EM_USER: ADMIN_USER, BENCH_EM_PASSWORD: ADMIN_PASSWORD, BENCH_EM_CA: proxy.caPath ?? "", BENCH_BEFORE_DIR: this.opts.before ?? "" };
    // The naive provider trusts the CA the way its user would: through Node's extra CA file.
    if (provider === "naive" && proxy.caPath) env.NODE_EXTRA_CA_CERTS = proxy.caPath;
    return WorkerProcess.start(provider, env, this.log);
  }

  async lifecycle(size: number): Promise<{ phases: PhaseFigures[]; memory: Record<string, number>; connections: Record<string, number> }> {
    const { proxy } = await this.emulatorWith([this.opts.taskMs]);
    const phases: PhaseFigures[] = [];
    const memory: Record<string, number> = {};
    const connections: Record<string, number> = {};
    for (const provider of PROVIDERS) {
      const worker = await this.worker(provider, proxy);
      const start = proxy.snapshot();
      try {
        for (const step of LIFECYCLE) {
          const count = step.kind === "tenant" ? Math.min(size, TENANTS_MAX) : size;
          const concurrency = step.unbounded ? count : this.opts.parallel;
          const before = proxy.snapshot();
          const result = await worker.batch({ kind: step.kind, operation: step.operation, prefix: `${provider}-${size}`, count, concurrency });
          const traffic = difference(before, proxy.snapshot());
          if (result.failures > 0) this.say(`${provider} ${step.kind} ${step.operation} x${size}: ${result.failures} failed, e.g. ${result.firstFailure}`);
          phases.push({ provider, size, ...(count !== size && { count }), kind: step.kind, operation: step.operation, concurrency: step.unbounded ? "unbounded" : concurrency, wallMs: result.wallMs, memory: result.memory, failures: result.failures, firstFailure: result.firstFailure, traffic, taskMs: this.opts.taskMs });
          this.say(`${provider} N=${count} ${step.kind} ${step.operation} (${step.unbounded ? "unbounded" : `parallel ${concurrency}`}): ${(result.wallMs / 1000).toFixed(2)} s, ${traffic.requests} requests`);
        }
        memory[provider] = (await worker.memory()).peakRssBytes;
        connections[provider] = difference(start, proxy.snapshot()).connections;
      } finally {
        await worker.stop();
      }
    }
    return { phases, memory, connections };
  }

  /**
   * How long after each create's task finished the provider noticed, from the task answers the proxy saw. Real
   * tasks vary, and a fixed duration would flatter (or wrong) a provider whose poll period happens to divide it
   * (the naive one polls each second): the samples' tasks take durations spread evenly over taskMs ± spread.
   */
  async latency(taskMs: number, samples: number): Promise<LatencyFigures[]> {
    const spread = latencySpreadMs(taskMs);
    const durations = Array.from({ length: samples }, (_, j) => Math.round(taskMs - spread + (2 * spread * (j + 0.5)) / samples));
    const { proxy, emulator } = await this.emulatorWith(durations);
    const figures: LatencyFigures[] = [];
    for (const provider of PROVIDERS) {
      const worker = await this.worker(provider, proxy);
      try {
        proxy.tasks.clear();
        const before: TrafficSnapshot = proxy.snapshot();
        const result = await worker.batch({ kind: "subtenant", operation: "create", prefix: `latency-${provider}-${taskMs}`, count: samples, concurrency: samples });
        const traffic = difference(before, proxy.snapshot());
        const latencies: number[] = [];
        const taskDurationsMs: number[] = [];
        for (const [id, times] of proxy.tasks) {
          const duration = emulator.taskDurations.get(id);
          if (times.noticedAt === undefined || duration === undefined) continue;
          latencies.push(times.noticedAt - times.startedAt - duration);
          taskDurationsMs.push(duration);
        }
        if (latencies.length !== samples) this.say(`${provider}: ${latencies.length} of ${samples} task completions were seen`);
        figures.push({ provider, taskMs, samples, taskDurationsMs, failures: result.failures, latenciesMs: latencies, requestsPerCreate: traffic.requests / samples, traffic });
        this.say(`${provider} latency, ${taskMs} ms tasks: ${latencies.map((l) => Math.round(l)).join(", ")} ms`);
      } finally {
        await worker.stop();
      }
    }
    return figures;
  }

  /**
   * The refresh cases at one size: the stack is made by one provider process (short tasks, many at a time: not
   * measured), then each run is a fresh process handed its state: refresh at each parallelism, and `up` with no
   * change at the CLI's default. Accounts up to N = 500.
   */
  async refreshCases(size: number): Promise<RefreshFigures[]> {
    const tenants = tenantsFor(size);
    const { proxy } = await this.emulatorWith([5], tenants);
    const kinds: Kind[] = size <= 500 ? ["subtenant", "account"] : ["subtenant"];
    const figures: RefreshFigures[] = [];
    for (const provider of PROVIDERS) {
      const prefix = `refresh-${provider}-${size}`;
      const maker = await this.worker(provider, proxy);
      let state;
      try {
        for (const kind of kinds) {
          const made = await maker.batch({ kind, operation: "create", prefix, count: size, concurrency: 100, tenants });
          if (made.failures > 0) throw new Error(`${provider}: making ${size} ${kind}s for the refresh cases: ${made.failures} failed, e.g. ${made.firstFailure}`);
        }
        state = await maker.state();
      } finally {
        await maker.stop();
      }
      const runs: Array<{ kind: Kind; run: RefreshFigures["run"]; concurrency: number | "unbounded" }> = [];
      for (const kind of kinds) {
        for (const concurrency of REFRESH_PARALLELISM) runs.push({ kind, run: "refresh", concurrency });
        runs.push({ kind, run: "unchanged", concurrency: CLI_PARALLEL });
      }
      for (const { kind, run, concurrency } of runs) {
        const worker = await this.worker(provider, proxy);
        try {
          await worker.load(state);
          const startRssBytes = (await worker.memory()).rssBytes;
          const before = proxy.snapshot();
          const result = await worker.batch({ kind, operation: run === "refresh" ? "read" : "unchanged", prefix, count: size, concurrency: concurrency === "unbounded" ? size : concurrency, tenants });
          const traffic = difference(before, proxy.snapshot());
          const peakRssBytes = (await worker.memory()).peakRssBytes;
          if (result.failures > 0) this.say(`${provider} ${run} ${kind} x${size}: ${result.failures} failed, e.g. ${result.firstFailure}`);
          figures.push({ provider, size, tenants, kind, run, concurrency, wallMs: result.wallMs, failures: result.failures, firstFailure: result.firstFailure, traffic, peakRssBytes, startRssBytes });
          this.say(`${provider} N=${size} ${run} ${kind} (parallel ${concurrency}): ${(result.wallMs / 1000).toFixed(2)} s, ${traffic.requests} requests`);
        } finally {
          await worker.stop();
        }
      }
    }
    return figures;
  }

  async sdkMemory(): Promise<number> {
    const { proxy } = await this.emulatorWith([this.opts.taskMs]);
    const worker = await this.worker("sdk", proxy);
    try {
      return (await worker.memory()).peakRssBytes;
    } finally {
      await worker.stop();
    }
  }

  async close(): Promise<void> {
    await this.emulator?.stop();
    await this.proxy?.close();
    closeSync(this.log);
  }
}

/** `__provider` as the SDK serializes it into state, for each provider and kind. */
async function providerBytes(): Promise<Results["providerBytes"]> {
  const { runtime } = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const { providerShim } = require("../provider/resources/shim") as typeof import("../provider/resources/shim");
  const { NaiveAccountProvider, NaiveSubtenantProvider } = require("./naive/provider") as typeof import("./naive/provider");
  const size = async (provider: object) => (await runtime.serializeFunction(() => provider, { allowSecrets: true })).text.length;
  const connection = { url: "https://em.example.com:9398/api/", username: "admin", password: "placeholder" };
  return {
    project: { subtenant: await size(providerShim("Subtenant")), account: await size(providerShim("EnterpriseAccount")) },
    naive: { subtenant: await size(new NaiveSubtenantProvider(connection)), account: await size(new NaiveAccountProvider(connection)) },
  };
}

/** The results with `before` in the place of the naive provider: the report then reads "after / before". */
function beforeAsBaseline(r: Results): Results {
  const swap = <T extends { provider: ProviderName }>(list: T[]) => list.filter((p) => p.provider !== "naive").map((p) => (p.provider === "before" ? { ...p, provider: "naive" as ProviderName } : p));
  const byProvider = (m: Record<number, Record<string, number>>) => Object.fromEntries(Object.entries(m).map(([size, v]) => [size, { project: v.project, naive: v.before }]));
  return { ...r, lifecycle: swap(r.lifecycle), latency: swap(r.latency), memory: byProvider(r.memory), connections: byProvider(r.connections), providerBytes: { project: r.providerBytes.project, naive: r.providerBytes.project } };
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.before) PROVIDERS = ["project", "before", "naive"];
  const started = new Date();
  const bench = new Bench(opts);
  const results: Results = {
    startedAt: started.toISOString(),
    node: process.version,
    cpus: require("node:os").cpus().length,
    options: opts,
    lifecycle: [],
    memory: {},
    connections: {},
    latency: [],
    sdkPeakRssBytes: 0,
    providerBytes: await providerBytes(),
  };
  const refresh: RefreshFigures[] = (results.refresh = []);
  try {
    results.sdkPeakRssBytes = await bench.sdkMemory();
    for (const size of opts.sizes) {
      const { phases, memory, connections } = await bench.lifecycle(size);
      results.lifecycle.push(...phases);
      results.memory[size] = memory;
      results.connections[size] = connections;
    }
    for (const { taskMs, samples } of opts.latency) results.latency.push(...(await bench.latency(taskMs, samples)));
    for (const size of opts.refreshSizes) refresh.push(...(await bench.refreshCases(size)));
  } finally {
    await bench.close();
  }
  results.durationMs = Date.now() - started.getTime();
  let report = renderReport(results) + "\n" + renderTargets(results) + renderRefreshCases(refresh, results.sdkPeakRssBytes);
  if (opts.before) report += `\n## This build / the build in ${opts.before} (before), same run\n\n` + renderReport(beforeAsBaseline(results)).replace("Each cell: this project / naive (ratio project ÷ naive).", "Each cell: this build / before (ratio this ÷ before); `__provider` bytes: this build only.");
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  const file = path.join(RESULTS_DIR, `bench-${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(path.join(RESULTS_DIR, `bench-${stamp}.md`), report);
  process.stdout.write(report);
  process.stdout.write(`\nFigures: ${path.relative(process.cwd(), file)} (table: same name, .md); run took ${(results.durationMs / 1000).toFixed(0)} s\n`);
  // Figures of a run where operations failed do not measure the same work: say so in the exit code.
  // The naive provider's reads of 5,000 at once fail in part (socket hang up): shown in the table, not this run's failure.
  if ([...results.lifecycle, ...results.latency, ...refresh.filter((p) => p.provider !== "naive")].some((p) => p.failures > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
