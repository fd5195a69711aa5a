/**
 * The refresh cases: `pulumi refresh` at the CLI's parallelism (4, its default 16, and unbounded) and `pulumi up`
 * with nothing changed, at N = 10, 500 and (with --scale) 5,000 subtenants spread over 10 tenants. Each run is a
 * fresh provider process handed the stack's state, as the engine starts a plugin for each command, so its peak
 * memory is the run's own. Their figures, table and targets.
 */
import type { TrafficSnapshot } from "./proxy";
import type { ProviderName } from "./worker";
import type { Kind } from "./workload";

/** Parallelism of the refresh runs; "unbounded" as `--parallel` with no limit. */
export const REFRESH_PARALLELISM: Array<number | "unbounded"> = [4, 16, "unbounded"];
/** The CLI's default parallelism, at which `pulumi up` with nothing changed is measured. */
export const CLI_PARALLEL = 16;
/** EM's page: the most objects one answer of a query may hold. */
export const EM_PAGE_SIZE = 100;

export interface RefreshFigures {
  provider: ProviderName;
  size: number;
  tenants: number;
  kind: Kind;
  /** "refresh", or "unchanged" for `pulumi up` with nothing changed. */
  run: "refresh" | "unchanged";
  concurrency: number | "unbounded";
  wallMs: number;
  failures: number;
  firstFailure?: string;
  traffic: TrafficSnapshot;
  /** Peak RSS of the run's provider process, and its RSS once the state was handed over. */
  peakRssBytes: number;
  startRssBytes: number;
}

/** Subtenants are spread over 10 tenants from N = 5,000, as the largest service providers hold them. */
export const tenantsFor = (size: number) => (size >= 5000 ? 10 : 1);

const writes = (t: TrafficSnapshot) => Object.entries(t.byKind).filter(([kind]) => !kind.startsWith("GET") && kind !== "logon" && !kind.includes("logonSessions")).reduce((sum, [, n]) => sum + n, 0);
const queries = (t: TrafficSnapshot) => Object.entries(t.byKind).filter(([kind]) => kind.startsWith("GET query")).reduce((sum, [, n]) => sum + n, 0);
/** The largest page a query asked for (Infinity: a query without a page size). */
const largestPage = (t: TrafficSnapshot) => Math.max(0, ...Object.keys(t.pageSizes ?? {}).map((s) => (s === "none" ? Infinity : Number(s))));
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}

export function renderRefreshCases(cases: RefreshFigures[], sdkPeakRssBytes: number): string {
  if (cases.length === 0) return "";
  const find = (provider: ProviderName, c: RefreshFigures) => cases.find((x) => x.provider === provider && x.size === c.size && x.kind === c.kind && x.run === c.run && x.concurrency === c.concurrency);
  const pair = (c: RefreshFigures, f: (x: RefreshFigures) => number, show: (v: number) => string) => {
    const naive = find("naive", c);
    return naive ? `${show(f(c))} / ${show(f(naive))}` : show(f(c));
  };
  const rows = cases
    .filter((c) => c.provider === "project")
    .map((c) => [
      `${c.run === "refresh" ? "refresh" : "up, no change"} ${c.kind}s`,
      `${c.size}${c.tenants > 1 ? ` (${c.tenants} tenants)` : ""}`,
      String(c.concurrency),
      pair(c, (x) => x.traffic.requests, (v) => v.toFixed(0)),
      pair(c, (x) => queries(x.traffic), (v) => v.toFixed(0)),
      pair(c, (x) => writes(x.traffic), (v) => v.toFixed(0)),
      pair(c, (x) => x.wallMs, (v) => `${(v / 1000).toFixed(2)} s`),
      pair(c, (x) => x.peakRssBytes - sdkPeakRssBytes, mb),
    ]);
  let out = "\nRefresh and `up` with no change, each a fresh provider process handed the state (this project / naive):\n\n";
  out += table(["run", "N", "parallel", "requests", "queries", "writes", "wall time", "peak RSS above the SDK's"], rows);
  for (const c of cases.filter((x) => x.failures > 0)) out += `\n${c.provider}: ${c.failures} of ${c.size} failed in ${c.run} ${c.kind}s at parallel ${c.concurrency}, e.g. ${c.firstFailure}`;
  return out + renderRefreshTargets(cases, sdkPeakRssBytes);
}

export interface RefreshTarget {
  target: string;
  measured: string;
  met: boolean;
}

export function checkRefreshTargets(cases: RefreshFigures[], sdkPeakRssBytes: number): RefreshTarget[] {
  const mine = cases.filter((c) => c.provider === "project");
  const out: RefreshTarget[] = [];
  for (const c of mine.filter((x) => x.run === "refresh")) {
    if (c.kind === "subtenant" && c.size === 500) out.push({ target: `refresh 500 subtenants at parallel ${c.concurrency} ≤ 8 requests`, measured: String(c.traffic.requests), met: c.traffic.requests <= 8 });
    if (c.kind === "account") out.push({ target: `refresh ${c.size} accounts at parallel ${c.concurrency} ≤ N + 2 = ${c.size + 2} requests`, measured: String(c.traffic.requests), met: c.traffic.requests <= c.size + 2 });
    if (c.kind === "subtenant") out.push({ target: `refresh ${c.size} subtenants at parallel ${c.concurrency}: no query page above EM's ${EM_PAGE_SIZE}`, measured: String(largestPage(c.traffic)), met: largestPage(c.traffic) <= EM_PAGE_SIZE });
  }
  for (const c of mine.filter((x) => x.run === "unchanged")) {
    out.push({ target: `up with no change, ${c.size} ${c.kind}s: no write, ≤ ${Math.floor(c.size / 100)} queries`, measured: `${writes(c.traffic)} writes, ${queries(c.traffic)} queries`, met: writes(c.traffic) === 0 && queries(c.traffic) <= Math.floor(c.size / 100) });
  }
  // Linear growth from N = 500 to the largest N: wall time and peak memory above the SDK's, per parallelism.
  const largest = Math.max(...mine.map((c) => c.size));
  if (largest > 500) {
    for (const c of mine.filter((x) => x.size === largest && x.kind === "subtenant" && x.run === "refresh")) {
      const base = mine.find((x) => x.size === 500 && x.kind === "subtenant" && x.run === "refresh" && x.concurrency === c.concurrency);
      if (!base) continue;
      const scale = largest / 500;
      const time = c.wallMs / base.wallMs;
      const memory = (c.peakRssBytes - sdkPeakRssBytes) / Math.max(1, base.peakRssBytes - sdkPeakRssBytes);
      out.push({ target: `refresh at parallel ${c.concurrency}, N = ${largest} / N = 500: wall time ≤ ${scale}×`, measured: `${time.toFixed(2)}×`, met: time <= scale });
      out.push({ target: `refresh at parallel ${c.concurrency}, N = ${largest} / N = 500: peak RSS above the SDK's ≤ ${scale}×`, measured: `${memory.toFixed(2)}×`, met: memory <= scale });
    }
  }
  return out;
}

function renderRefreshTargets(cases: RefreshFigures[], sdkPeakRssBytes: number): string {
  const checks = checkRefreshTargets(cases, sdkPeakRssBytes);
  return "\n" + table(["target", "this project", "status"], checks.map((c) => [c.target, c.measured, c.met ? "met" : "**not met**"]));
}
