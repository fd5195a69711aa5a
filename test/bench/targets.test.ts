/** The benchmark's check of issue 11's targets, on figures made up for the purpose (no benchmark is run here). */
import { expect } from "chai";
import type { PhaseFigures, Results } from "../../bench/report";
import { checkTargets, renderTargets } from "../../bench/targets";
import type { Kind, Operation } from "../../bench/workload";

function phase(provider: string, kind: Kind, operation: Operation, requests: number, wallMs = 1000, unbounded = false): PhaseFigures {
  return { provider: provider as PhaseFigures["provider"], size: 500, kind, operation, concurrency: unbounded ? "unbounded" : 10, taskMs: 200, wallMs, failures: 0, traffic: { requests, byKind: {}, bytesRead: 0, connections: 0 } };
}

function results(project: { create: number; wallMs: number; rssMb: number; accountReads: number; late: number }): Results {
  const lifecycle: PhaseFigures[] = [];
  for (const [provider, create, wallMs] of [["project", project.create, project.wallMs, project.accountReads], ["naive", 2000, 50_000, 1000]] as const) {
    lifecycle.push(phase(provider, "subtenant", "create", create, wallMs), phase(provider, "subtenant", "update", 1000), phase(provider, "subtenant", "delete", 1000), phase(provider, "account", "create", 1000));
    // Tenants: 50 of them (TENANTS_MAX) at the run's largest N.
    const tenants = (operation: Operation, requests: number) => ({ ...phase(provider, "tenant", operation, requests), count: 50 });
    lifecycle.push(tenants("create", provider === "project" ? 140 : 300), tenants("update", provider === "project" ? 70 : 200), tenants("delete", provider === "project" ? 65 : 150));
  }
  const latency = (provider: string, late: number) => ({ provider: provider as PhaseFigures["provider"], taskMs: 1000, samples: 4, taskDurationsMs: [1000, 1000, 1000, 1000], failures: 0, latenciesMs: [50, 60, 70, late], requestsPerCreate: 3, traffic: { requests: 0, byKind: {}, bytesRead: 0, connections: 0 } });
  return {
    startedAt: "", node: "", cpus: 2,
    options: { sizes: [10, 500], taskMs: 200, parallel: 10, latency: [{ taskMs: 1000, samples: 4 }], tls: true },
    lifecycle, latency: [latency("project", project.late), latency("naive", 900)],
    memory: { 500: { project: (100 + project.rssMb) * 1024 * 1024, naive: 200 * 1024 * 1024 } }, connections: {},
    sdkPeakRssBytes: 100 * 1024 * 1024, providerBytes: { project: { subtenant: 1, account: 1 }, naive: { subtenant: 1, account: 1 } },
  };
}

const status = (r: Results, target: RegExp) => checkTargets(r).find((c) => target.test(c.target))?.met;

describe("bench: issue 11's targets", () => {
  it("says met where the figures reach the targets, at the run's largest N", () => {
    const r = results({ create: 1500, wallMs: 11_000, rssMb: 55, accountReads: 500, late: 90 });
    for (const c of checkTargets(r)) expect(c.met, c.target).to.equal(true);
    expect(checkTargets(r)[0].target).to.contain("N = 500");
  });

  it("counts tenant requests per tenant operated on (at most 50), not per N", () => {
    const r = results({ create: 1500, wallMs: 11_000, rssMb: 55, accountReads: 500, late: 90 });
    const tenantCreate = checkTargets(r).find((c) => /per tenant create/.test(c.target))!;
    expect(tenantCreate).to.include({ target: "requests per tenant create, N = 50 (mean) ≤ 3", measured: "2.80", naive: "6.00", met: true });
    const over = { ...r, lifecycle: r.lifecycle.map((p) => (p.kind === "tenant" && p.operation === "update" && p.provider === "project" ? { ...p, traffic: { ...p.traffic, requests: 101 } } : p)) };
    expect(status(over, /per tenant update/)).to.equal(false);
  });

  it("says not met for each figure past its target", () => {
    const r = results({ create: 1520, wallMs: 11_600, rssMb: 61, accountReads: 1000, late: 260 });
    expect(status(r, /subtenant create/)).to.equal(false);
    expect(status(r, /× ideal/)).to.equal(false);
    expect(status(r, /peak RSS/)).to.equal(false);
    expect(status(r, /completion noticed/)).to.equal(false);
    expect(status(r, /subtenant update/)).to.equal(true);
    expect(renderTargets(r)).to.match(/\| 75 % in time \| 75 % in time \| \*\*not met\*\* \|/);
  });
});
