/** The benchmark report's memory-by-phase table: which phase set the peak, from the worker's figures. */
import { expect } from "chai";
import { type PhaseFigures, renderReport, type Results } from "../../bench/report";
import type { BatchMemory } from "../../bench/worker";

const MB = 1024 * 1024;
const traffic = { requests: 10, bytesRead: 1000, connections: 1, byKind: {} } as unknown as PhaseFigures["traffic"];

function phase(provider: "project" | "naive", operation: "create" | "read", memory?: BatchMemory): PhaseFigures {
  return { provider, size: 500, kind: "account", operation, concurrency: 10, taskMs: 200, wallMs: 1000, failures: 0, traffic, memory };
}

function memory(peakMb: number, beforeMb: number, rssMb: number): BatchMemory {
  return { peakRssAfterBytes: peakMb * MB, rssBeforeBytes: beforeMb * MB, sampled: { rssBytes: rssMb * MB, heapUsedBytes: 60 * MB, externalBytes: 4 * MB, arrayBuffersBytes: MB } };
}

function results(lifecycle: PhaseFigures[]): Results {
  return {
    startedAt: "2026-11-27T00:00:00.000Z",
    node: "v22.0.0",
    cpus: 2,
    options: { sizes: [500], taskMs: 200, parallel: 10, latency: [], tls: true },
    lifecycle,
    memory: { 500: { project: 200 * MB, naive: 220 * MB } },
    connections: { 500: { project: 20, naive: 1000 } },
    latency: [],
    sdkPeakRssBytes: 120 * MB,
    providerBytes: { project: { subtenant: 1, account: 1 }, naive: { subtenant: 1, account: 1 } },
  };
}

describe("bench report: memory by phase", () => {
  it("shows, per phase, the peak so far above the SDK's and the rise within the phase, for both providers", () => {
    const report = renderReport(
      results([phase("project", "create", memory(150, 130, 150)), phase("project", "read", memory(200, 150, 200)), phase("naive", "create", memory(140, 125, 140)), phase("naive", "read", memory(220, 140, 220))]),
    );
    expect(report).to.contain("Memory by phase at N = 500");
    expect(report).to.contain("| account create (parallel 10) | 30 MB / 20 MB (1.50×) | 20 MB / 15 MB (1.33×) |");
    expect(report).to.contain("| account refresh (parallel 10) | 80 MB / 100 MB (0.80×) | 50 MB / 80 MB (0.63×) |");
  });

  it("leaves the table out when the workers sent no memory figures", () => {
    expect(renderReport(results([phase("project", "create"), phase("naive", "create")]))).not.to.contain("Memory by phase");
  });
});
