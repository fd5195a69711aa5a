/** The bench's refresh-case targets, on figures made up for the purpose (no benchmark is run here). */
import { expect } from "chai";
import { checkRefreshTargets, type RefreshFigures } from "../../bench/refresh-cases";

const MB = 2 ** 20;
const SDK = 100 * MB;

function run(size: number, kind: RefreshFigures["kind"], concurrency: RefreshFigures["concurrency"], requests: number, extra: Partial<RefreshFigures> = {}): RefreshFigures {
  const byKind: Record<string, number> = kind === "subtenant" ? { "GET query?type=CloudSubtenant": Math.ceil(size / 100) } : { "GET security/accounts": 1 };
  return { provider: "project", size, tenants: size >= 5000 ? 10 : 1, kind, run: "refresh", concurrency, wallMs: size, failures: 0, traffic: { requests, byKind, bytesRead: 0, connections: 0, pageSizes: { "100": 1 } }, peakRssBytes: SDK + (size / 100) * MB, startRssBytes: SDK, ...extra };
}

const met = (cases: RefreshFigures[], target: RegExp) => checkRefreshTargets(cases, SDK).filter((c) => target.test(c.target)).map((c) => c.met);

describe("bench: refresh-case targets", () => {
  it("500 subtenants in at most 8 requests, N accounts in N + 2, at each parallelism", () => {
    const cases = [run(500, "subtenant", 4, 8), run(500, "subtenant", 16, 9), run(500, "account", 16, 502), run(500, "account", 4, 503)];
    expect(met(cases, /refresh 500 subtenants at parallel 4 ≤ 8/)).to.deep.equal([true]);
    expect(met(cases, /refresh 500 subtenants at parallel 16 ≤ 8/)).to.deep.equal([false]);
    expect(met(cases, /refresh 500 accounts at parallel 16/)).to.deep.equal([true]);
    expect(met(cases, /refresh 500 accounts at parallel 4/)).to.deep.equal([false]);
  });

  it("no page above EM's, linear growth to N = 5,000, and no write in an up with no change", () => {
    const cases = [
      run(500, "subtenant", 16, 6),
      run(5000, "subtenant", 16, 55, { wallMs: 5000 }),
      run(500, "subtenant", 4, 6),
      run(5000, "subtenant", 4, 55, { wallMs: 5001, traffic: { requests: 55, byKind: {}, bytesRead: 0, connections: 0, pageSizes: { none: 1 } } }),
      run(5000, "subtenant", 16, 0, { run: "unchanged", traffic: { requests: 1, byKind: { "PUT cloud/tenants/{id}/subtenants/{id}": 1 }, bytesRead: 0, connections: 0 } }),
    ];
    expect(met(cases, /parallel 16, N = 5000 \/ N = 500: wall time/)).to.deep.equal([true]);
    expect(met(cases, /parallel 4, N = 5000 \/ N = 500: wall time/)).to.deep.equal([false]);
    expect(met(cases, /parallel 16, N = 5000 \/ N = 500: peak RSS/)).to.deep.equal([true]);
    expect(met(cases, /refresh 5000 subtenants at parallel 4: no query page/)).to.deep.equal([false]);
    expect(met(cases, /up with no change, 5000/)).to.deep.equal([false]);
  });
});
