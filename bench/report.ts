/** The figures of a run, and the table made from them: this project against the naive provider, as ratios. */
import type { TrafficSnapshot } from "./proxy";
import type { RefreshFigures } from "./refresh-cases";
import type { BatchMemory, ProviderName } from "./worker";
import { latencySpreadMs, type Kind, type Operation } from "./workload";

export interface PhaseFigures {
  provider: ProviderName;
  size: number;
  /** Resources operated on, where fewer than `size` (tenants: at most TENANTS_MAX). */
  count?: number;
  kind: Kind;
  operation: Operation;
  concurrency: number | "unbounded";
  taskMs: number;
  wallMs: number;
  failures: number;
  firstFailure?: string;
  traffic: TrafficSnapshot;
  /** The worker's memory over this phase. */
  memory?: BatchMemory;
}

export interface LatencyFigures {
  provider: ProviderName;
  taskMs: number;
  samples: number;
  /** The duration of each sample's task (spread around taskMs), in the order of latenciesMs. */
  taskDurationsMs: number[];
  failures: number;
  /** Per task: ms between the task finishing in EM and the provider first getting an answer that says so. */
  latenciesMs: number[];
  requestsPerCreate: number;
  traffic: TrafficSnapshot;
}

export interface Results {
  startedAt: string;
  durationMs?: number;
  node: string;
  cpus: number;
  options: { sizes: number[]; taskMs: number; parallel: number; latency: Array<{ taskMs: number; samples: number }>; tls: boolean };
  lifecycle: PhaseFigures[];
  /** Peak RSS of each provider's process over its whole run at each size, in bytes. */
  memory: Record<number, Record<string, number>>;
  /** TCP connections each provider opened over its whole run at each size. */
  connections: Record<number, Record<string, number>>;
  latency: LatencyFigures[];
  /** Peak RSS of a process that loaded only the Pulumi SDK. */
  sdkPeakRssBytes: number;
  /** Length of the serialized `__provider`. */
  providerBytes: Record<"project" | "naive", Record<"subtenant" | "account", number>>;
  /** The refresh cases (refresh-cases.ts); absent in results written before they were measured. */
  refresh?: RefreshFigures[];
}

type Pair = { project?: number; naive?: number };

const fixed = (digits: number) => (v: number) => v.toFixed(digits);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function cell({ project, naive }: Pair, show: (v: number) => string): string {
  if (project === undefined || naive === undefined) return "—";
  const ratio = naive === 0 ? "" : ` (${(project / naive).toFixed(2)}×)`;
  return `${show(project)} / ${show(naive)}${ratio}`;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}

/** A phase's wall time as a multiple of the ideal: N / parallelism rounds of one task each. */
export function timesIdeal(p: PhaseFigures, parallel: number): number {
  return p.wallMs / ((p.size / parallel) * p.taskMs);
}

/** The share of latency samples noticed within the bound, max(250 ms, 10 % of the task's duration). */
export function shareInTime(l: LatencyFigures): number {
  return l.latenciesMs.filter((v, i) => v <= Math.max(250, 0.1 * l.taskDurationsMs[i])).length / l.latenciesMs.length;
}

export function renderReport(r: Results): string {
  const { sizes, taskMs, parallel } = r.options;
  const phase = (provider: ProviderName, size: number, kind: Kind, operation: Operation, unbounded = false) =>
    r.lifecycle.find((p) => p.provider === provider && p.size === size && p.kind === kind && p.operation === operation && (p.concurrency === "unbounded") === unbounded);
  const pair = (get: (p: PhaseFigures) => number, kind: Kind, operation: Operation, unbounded = false) => (size: number): Pair => {
    const of = (provider: ProviderName) => {
      const p = phase(provider, size, kind, operation, unbounded);
      return p ? get(p) : undefined;
    };
    return { project: of("project"), naive: of("naive") };
  };
  const perOp = (p: PhaseFigures) => p.traffic.requests / (p.count ?? p.size);
  const kbPerOp = (p: PhaseFigures) => p.traffic.bytesRead / 1024 / (p.count ?? p.size);
  const wall = (p: PhaseFigures) => p.wallMs;
  const ideal = (p: PhaseFigures) => timesIdeal(p, parallel);

  const rows: Array<[string, (size: number) => Pair, (v: number) => string]> = [
    ["requests per subtenant create", pair(perOp, "subtenant", "create"), fixed(2)],
    ["requests per subtenant update", pair(perOp, "subtenant", "update"), fixed(2)],
    ["requests per subtenant delete", pair(perOp, "subtenant", "delete"), fixed(2)],
    ["requests per account create", pair(perOp, "account", "create"), fixed(2)],
    ["requests per account delete", pair(perOp, "account", "delete"), fixed(2)],
    ["requests per tenant create (N ≤ 50)", pair(perOp, "tenant", "create"), fixed(2)],
    ["requests per tenant update (N ≤ 50)", pair(perOp, "tenant", "update"), fixed(2)],
    ["requests per tenant delete (N ≤ 50)", pair(perOp, "tenant", "delete"), fixed(2)],
    ["KB read per subtenant create", pair(kbPerOp, "subtenant", "create"), fixed(1)],
    ["KB read per account create", pair(kbPerOp, "account", "create"), fixed(1)],
    [`subtenant creates, wall time (parallel ${parallel})`, pair(wall, "subtenant", "create"), seconds],
    [`subtenant creates, × ideal (N/${parallel} × ${taskMs} ms)`, pair(ideal, "subtenant", "create"), fixed(2)],
    [`subtenant updates, wall time (parallel ${parallel})`, pair(wall, "subtenant", "update"), seconds],
    [`subtenant deletes, wall time (parallel ${parallel})`, pair(wall, "subtenant", "delete"), seconds],
    [`account creates, wall time (parallel ${parallel})`, pair(wall, "account", "create"), seconds],
    ["TCP connections, whole run", (size) => ({ project: r.connections[size]?.project, naive: r.connections[size]?.naive }), fixed(0)],
    [
      "requests per TCP connection",
      (size) => {
        const of = (provider: ProviderName) => {
          const requests = r.lifecycle.filter((p) => p.provider === provider && p.size === size).reduce((sum, p) => sum + p.traffic.requests, 0);
          const connections = r.connections[size]?.[provider];
          return connections ? requests / connections : undefined;
        };
        return { project: of("project"), naive: of("naive") };
      },
      fixed(1),
    ],
    ["peak RSS of the provider process", (size) => ({ project: r.memory[size]?.project, naive: r.memory[size]?.naive }), mb],
    ["peak RSS above the SDK's own", (size) => ({ project: (r.memory[size]?.project ?? NaN) - r.sdkPeakRssBytes, naive: (r.memory[size]?.naive ?? NaN) - r.sdkPeakRssBytes }), mb],
  ];

  let out = `Benchmark ${r.startedAt} (Node ${r.node}, ${r.cpus} CPUs; task ${taskMs} ms; ${r.options.tls ? "TLS" : "plain HTTP"}; requests counted at the proxy, logons included)\n`;
  out += "Each cell: this project / naive (ratio project ÷ naive).\n\n";
  out += table(["figure", ...sizes.map((s) => `N = ${s}`)], rows.map(([name, get, show]) => [name, ...sizes.map((s) => cell(get(s), show))]));

  const latency = (provider: ProviderName, ms: number) => r.latency.find((l) => l.provider === provider && l.taskMs === ms);
  const latencyRows: string[][] = [];
  for (const { taskMs: ms, samples } of r.options.latency) {
    const get = (f: (l: LatencyFigures) => number): Pair => ({ project: maybe(latency("project", ms), f), naive: maybe(latency("naive", ms), f) });
    const ms_ = (v: number) => `${v.toFixed(0)} ms`;
    const task = `${ms} ms task (±${((latencySpreadMs(ms) / ms) * 100).toFixed(0)} %)`;
    latencyRows.push([`completion noticed after the task finished, ${task}, median of ${samples}`, cell(get((l) => median(l.latenciesMs)), ms_)]);
    latencyRows.push([`… mean of ${samples}`, cell(get((l) => l.latenciesMs.reduce((a, b) => a + b, 0) / l.latenciesMs.length), ms_)]);
    latencyRows.push([`… worst of ${samples}`, cell(get((l) => Math.max(...l.latenciesMs)), ms_)]);
    latencyRows.push([`… share noticed within max(250 ms, 10 % of the task)`, cell(get(shareInTime), (v) => `${(v * 100).toFixed(0)} %`)]);
    latencyRows.push([`requests per subtenant create, ${task}`, cell(get((l) => l.requestsPerCreate), fixed(2))]);
  }
  const bytes = r.providerBytes;
  latencyRows.push(["`__provider` bytes, Subtenant", cell({ project: bytes.project.subtenant, naive: bytes.naive.subtenant }, fixed(0))]);
  latencyRows.push(["`__provider` bytes, EnterpriseAccount", cell({ project: bytes.project.account, naive: bytes.naive.account }, fixed(0))]);
  out += "\n" + table(["figure", "project / naive"], latencyRows);
  out += `\nPeak RSS of a process with only the Pulumi SDK loaded: ${mb(r.sdkPeakRssBytes)}.\n`;
  out += memoryByPhase(r, phase);
  const failed = [...r.lifecycle, ...r.latency].filter((p) => p.failures > 0);
  if (failed.length > 0) out += `\nFAILURES: ${failed.map((p) => `${p.provider} ${"kind" in p ? `${p.kind} ${p.operation} N=${p.size}` : `latency ${p.taskMs} ms`}: ${p.failures}`).join("; ")}\n`;
  return out;
}

/**
 * Where the memory goes, at the largest size: per lifecycle phase, in the order run, the process's peak RSS so far
 * (above the SDK's own: the phase where it rises set the peak) and the highest samples taken during the phase.
 */
function memoryByPhase(r: Results, phase: (provider: ProviderName, size: number, kind: Kind, operation: Operation, unbounded?: boolean) => PhaseFigures | undefined): string {
  const size = Math.max(...r.options.sizes);
  const steps = r.lifecycle.filter((p) => p.provider === "project" && p.size === size);
  if (!steps.some((p) => p.memory)) return "";
  const rows = steps.map((step) => {
    const unbounded = step.concurrency === "unbounded";
    const get = (f: (m: BatchMemory) => number): Pair => {
      const of = (provider: ProviderName) => {
        const m = phase(provider, size, step.kind, step.operation, unbounded)?.memory;
        return m ? f(m) : undefined;
      };
      return { project: of("project"), naive: of("naive") };
    };
    return [
      `${step.kind} ${step.operation === "read" ? "refresh" : step.operation} (${unbounded ? "unbounded" : `parallel ${step.concurrency}`})`,
      cell(get((m) => m.peakRssAfterBytes - r.sdkPeakRssBytes), mb),
      cell(get((m) => m.sampled.rssBytes - m.rssBeforeBytes), mb),
      cell(get((m) => m.sampled.heapUsedBytes), mb),
      cell(get((m) => m.sampled.externalBytes), mb),
    ];
  });
  return `\nMemory by phase at N = ${size} (project / naive; samples every 10 ms):\n\n` + table(["phase", "peak RSS so far, above the SDK's", "RSS rise in the phase", "heap used, highest", "external, highest"], rows);
}

function maybe<T>(value: T | undefined, f: (v: T) => number): number | undefined {
  return value === undefined ? undefined : f(value);
}
