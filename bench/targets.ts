/**
 * Issue 11's targets, checked against a run's figures: one table, each target with the figure measured at the
 * largest N of the run (and the naive provider's, for scale), and whether it is met. Requests are counted at the
 * proxy with logons included, so per-operation figures carry the amortized logon.
 */
import { type PhaseFigures, type Results, shareInTime, timesIdeal } from "./report";
import type { Kind, Operation } from "./workload";

export interface TargetCheck {
  target: string;
  /** The figure measured for this project, as shown. */
  measured: string;
  naive: string;
  /** true: met; false: not met; undefined: the run did not measure it. */
  met: boolean | undefined;
  note?: string;
}

const MB = 1024 * 1024;

export function checkTargets(r: Results): TargetCheck[] {
  const size = Math.max(...r.options.sizes);
  const phase = (provider: string, kind: Kind, operation: Operation, unbounded = false): PhaseFigures | undefined =>
    r.lifecycle.find((p) => p.provider === provider && p.size === size && p.kind === kind && p.operation === operation && (p.concurrency === "unbounded") === unbounded);
  const checks: TargetCheck[] = [];
  const add = (target: string, get: (provider: string) => number | undefined, limit: number, show: (v: number) => string, note?: string) => {
    const mine = get("project");
    const naive = get("naive");
    checks.push({ target, measured: mine === undefined ? "—" : show(mine), naive: naive === undefined ? "—" : show(naive), met: mine === undefined || Number.isNaN(mine) ? undefined : mine <= limit + 1e-9, note });
  };
  const perOp = (kind: Kind, operation: Operation) => (provider: string) => {
    const p = phase(provider, kind, operation);
    return p && p.traffic.requests / (p.count ?? p.size);
  };
  const fixed = (digits: number) => (v: number) => v.toFixed(digits);
  // Means, not medians: one shared task poll answers for several operations, so requests cannot be told apart
  // by operation; the mean is what EM sees per operation.
  add(`requests per subtenant create, N = ${size} (mean) ≤ 3`, perOp("subtenant", "create"), 3, fixed(2));
  add(`requests per subtenant update, N = ${size} (mean) ≤ 2`, perOp("subtenant", "update"), 2, fixed(2));
  add(`requests per subtenant delete, N = ${size} (mean) ≤ 2`, perOp("subtenant", "delete"), 2, fixed(2));
  add(`requests per account create, N = ${size} (mean) ≤ 2`, perOp("account", "create"), 2, fixed(2));
  const tenants = phase("project", "tenant", "create")?.count ?? size;
  add(`requests per tenant create, N = ${tenants} (mean) ≤ 3`, perOp("tenant", "create"), 3, fixed(2));
  add(`requests per tenant update, N = ${tenants} (mean) ≤ 2`, perOp("tenant", "update"), 2, fixed(2));
  add(`requests per tenant delete, N = ${tenants} (mean) ≤ 2`, perOp("tenant", "delete"), 2, fixed(2));
  // Refresh targets: refresh-cases.ts (each refresh a fresh process).
  const ideal = (provider: string) => {
    const p = phase(provider, "subtenant", "create");
    return p && timesIdeal(p, r.options.parallel);
  };
  add(`${size} creates at parallelism ${r.options.parallel}, ${r.options.taskMs} ms task, × ideal wall time ≤ 1.15`, ideal, 1.15, fixed(2));
  add(`peak RSS above the SDK's own at N = ${size} ≤ 60 MB`, (p) => (r.memory[size]?.[p] === undefined ? undefined : (r.memory[size][p] - r.sdkPeakRssBytes) / MB), 60, (v) => `${v.toFixed(0)} MB`);
  for (const { taskMs } of r.options.latency) {
    const share = (provider: string) => {
      const l = r.latency.find((x) => x.provider === provider && x.taskMs === taskMs);
      return l && shareInTime(l);
    };
    // Met when every sample was noticed in time: the share's shortfall is what is compared with 0.
    add(`${taskMs} ms tasks: completion noticed within max(250 ms, 10 %), every sample`, (p) => (share(p) === undefined ? undefined : 1 - (share(p) as number)), 0, (v) => `${((1 - v) * 100).toFixed(0)} % in time`);
  }
  return checks;
}

export function renderTargets(r: Results): string {
  const checks = checkTargets(r);
  const mark = (met: boolean | undefined) => (met === undefined ? "not measured" : met ? "met" : "**not met**");
  const rows = checks.map((c) => `| ${c.target} | ${c.measured} | ${c.naive} | ${mark(c.met)}${c.note ? ` (${c.note})` : ""} |`);
  return ["| target | this project | naive | status |", "| --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}
