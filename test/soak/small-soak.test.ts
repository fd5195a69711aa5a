/**
 * The small fault soak: 3 cloud tenants (each with a backup resource that gets backups), 10 subtenants and 6
 * accounts (all four types) in one XML stack, driven through the SDK's
 * plugin with about one EM answer in five faulted, through create, update, refresh and destroy, each converging
 * within 3 runs. It asserts the guarantees of issue 9 one by one, so a failure names the one that broke.
 * Part of `npm test`; `npm run test:soak` runs it alone.
 */
import { expect } from "chai";
import { DEFAULT_SEED } from "../../tools/soak/cli";
import { formatReport } from "../../tools/soak/report";
import { FULL_SOAK, PHASES, runSoak, type SoakResult } from "../../tools/soak/soak";

export const SMALL_SOAK = { ...FULL_SOAK, seed: DEFAULT_SEED, tenants: 3, subtenants: 10, accounts: 6, formats: ["xml" as const], budgetMs: 150_000 };

describe("fault soak (small): 3 tenants, 10 subtenants, 6 accounts, XML, ~20 % of EM's answers faulted", function () {
  // Bounded by the soak's own budget plus one step deadline for the phase under way.
  this.timeout(SMALL_SOAK.budgetMs + SMALL_SOAK.stepDeadlineMs + 30_000);
  let result: SoakResult;

  before(async () => {
    result = await runSoak(SMALL_SOAK);
  });
  after(function () {
    if (result && result.failures.length > 0) process.stdout.write(`\n${formatReport(result, "npm run test:soak")}\n`);
  });

  const all = (pick: (p: SoakResult["phases"][number]) => string[]) => result.phases.flatMap(pick);

  it("runs every phase within its time budget", () => {
    expect(result.phases.map((p) => p.phase)).to.deep.equal(PHASES);
    expect(result.ms).to.be.below(SMALL_SOAK.budgetMs + SMALL_SOAK.stepDeadlineMs);
  });
  it("converges in every phase, adopting only what an unknown outcome's error told the operator to check", () => {
    expect(result.phases.filter((p) => !p.converged).map((p) => `${p.phase} (${p.errors} errors)`)).to.deep.equal([]);
    for (const key of result.phases.flatMap((p) => p.adopted)) {
      const [stack, name] = key.split("/");
      const told = result.steps.filter((s) => s.stack === stack && s.key === name && /outcome of creating .* is unknown|EM created .* for this request/.test(s.error?.message ?? ""));
      expect(told, `${key} was adopted without an error that said to`).to.not.deep.equal([]);
    }
  });
  it("never hangs: every step answers within the step deadline", () => {
    expect(result.steps.filter((s) => s.error?.kind.startsWith("hang")).map((s) => `${s.phase} ${s.run} ${s.key}`)).to.deep.equal([]);
  });
  it("leaves no duplicates in EM", () => {
    expect(all((p) => p.findings.duplicates)).to.deep.equal([]);
  });
  it("leaves no orphans: every soak object in EM is held by the stack", () => {
    expect(all((p) => p.findings.orphans)).to.deep.equal([]);
  });
  it("holds no state entry whose object is gone", () => {
    expect(all((p) => p.findings.ghosts)).to.deep.equal([]);
  });
  it("makes EM equal to the declaration, field by field, after create and after update", () => {
    expect(all((p) => p.findings.mismatches)).to.deep.equal([]);
  });
  it("drops nothing on refresh that exists in EM, and refresh shows EM's values (drift)", () => {
    expect(all((p) => p.drops)).to.deep.equal([]);
    expect(all((p) => p.staleAfterRefresh)).to.deep.equal([]);
  });
  it("loses no tenant's backups: every destroyed tenant's backups stay on their repository", () => {
    const destroy = result.phases.find((p) => p.phase === "destroy")!;
    expect(destroy.lostBackups).to.deep.equal([]);
    // The tenants were really created, given backups and destroyed (the check had something to look at).
    expect(result.steps.filter((s) => s.phase === "destroy" && s.key.startsWith("tenant-") && !s.error)).to.have.length(SMALL_SOAK.tenants);
  });
  it("shows no secret in any error, plugin output, emulator log or state outside secret-marked values", () => {
    expect(result.leaks).to.deep.equal([]);
  });
  it("really faulted EM: about one request in five, with every request fault kind", () => {
    const faulted = ["reset", "serverError", "throttle", "sessionDrop", "lostResponse"].map((k) => result.injected[k] ?? 0);
    expect(faulted.every((n) => n > 0), JSON.stringify(result.injected)).to.equal(true);
    const share = faulted.reduce((a, b) => a + b, 0) / result.requests;
    expect(share).to.be.within(0.1, 0.3);
  });
});
