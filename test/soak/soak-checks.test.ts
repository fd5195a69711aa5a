/**
 * The soak's own checks: without faults it passes every assertion (no false alarm), and its checker, error
 * classification and secret scanner find what they claim to find.
 */
import { expect } from "chai";
import type { EmState, Subtenant } from "../../emulator/model";
import type { ResourceState } from "../../tools/engine/engine";
import { PluginCallError } from "../../tools/engine/plugin";
import { declareStacks, soakSeed, soakTenants, type StackDecl, type SubtenantDecl } from "../../tools/soak/declarations";
import { checkEm, lostBackups } from "../../tools/soak/em-check";
import { errorKind, givesAdvice, SecretScanner } from "../../tools/soak/errors";
import { formatReport } from "../../tools/soak/report";
import { FULL_SOAK, PHASES, runSoak } from "../../tools/soak/soak";

describe("fault soak: its own checks", function () {
  describe("without faults", function () {
    this.timeout(90_000);

    it("passes every assertion with both formats, each phase in one run", async () => {
      const result = await runSoak({ ...FULL_SOAK, seed: 1, tenants: 2, subtenants: 6, accounts: 4, formats: ["xml", "json"], faults: {}, budgetMs: 60_000 });
      expect(result.failures, formatReport(result, "no faults")).to.deep.equal([]);
      expect(result.phases.map((p) => [p.phase, p.runs, p.converged])).to.deep.equal(PHASES.map((p) => [p, 1, true]));
      expect(Object.keys(result.injected)).to.deep.equal([]);
      // Every account type and both ways of naming the tenant were exercised.
      expect(result.steps.filter((s) => s.phase === "create" && s.op === "create")).to.have.length(12);
      // The tenants got backups after create, and the destroy kept them on their repositories.
      expect(result.phases.find((p) => p.phase === "destroy")!.lostBackups).to.deep.equal([]);
    });
  });

  describe("checker", () => {
    const seed = soakSeed();
    const [stack] = declareStacks({ subtenants: 2, accounts: 0, formats: ["xml"], tenants: soakTenants(seed) }) as [StackDecl];
    const [a, b] = stack.resources as SubtenantDecl[];
    const inEm = (d: SubtenantDecl, id: string, overrides: Partial<Subtenant> = {}): Subtenant => ({
      id,
      tenantId: d.tenant.id,
      name: d.name,
      description: d.description,
      password: d.password,
      enabled: d.enabled,
      quota: { unlimited: false, displayName: d.name, tenantResourceId: d.tenant.resourceId, quotaMb: d.quotaMb, usedQuotaMb: 0, quotaId: "q" },
      ...overrides,
    });
    const held = (d: SubtenantDecl, id: string): ResourceState => ({ urn: `urn::${d.key}`, type: "t", name: d.key, id, inputs: {}, outputs: {}, secretKeys: ["password"] });
    const em = (subtenants: Subtenant[]): EmState => ({ backupServers: [], repositories: [], tenants: [], subtenants, roles: [], accounts: [], cloudFailoverPlans: [] });

    it("finds nothing when EM holds exactly what the state holds and the stack declares", () => {
      const findings = checkEm(em([inEm(a, "id-a"), inEm(b, "id-b")]), [{ decl: stack, state: [held(a, "id-a"), held(b, "id-b")] }], { compareDeclarations: true });
      expect(findings).to.deep.equal({ duplicates: [], orphans: [], ghosts: [], mismatches: [] });
    });

    it("finds an orphan, a duplicate (names differing in case), a gone object and a field that differs, without printing a password", () => {
      const findings = checkEm(
        em([inEm(a, "id-a", { description: "edited", password: "not-the-declared-one" }), inEm(a, "id-a2", { name: a.name.toUpperCase() }), inEm(b, "id-b-orphan")]),
        [{ decl: stack, state: [held(a, "id-a"), held(b, "id-b-gone")] }],
        { compareDeclarations: true },
      );
      expect(findings.duplicates).to.have.length(1);
      expect(findings.duplicates[0]).to.include("id-a").and.include("id-a2");
      expect(findings.orphans.map((o) => o.match(/\((id-[^)]+)\)/)?.[1])).to.deep.equal(["id-a2", "id-b-orphan"]);
      expect(findings.orphans[1]).to.include(`declared as soak-xml/${b.key}`);
      expect(findings.ghosts).to.deep.equal([`soak-xml/${b.key} holds id id-b-gone, which EM does not have`]);
      expect(findings.mismatches).to.have.length(1);
      expect(findings.mismatches[0]).to.include(`description: EM "edited", declared "${a.description}"`).and.include("password: EM holds another password");
      expect(findings.mismatches.join()).to.not.include("not-the-declared-one").and.not.include(a.password);
    });

    it("finds a destroyed tenant whose backups are gone, and not one whose backups its repository kept", () => {
      const state = em([]);
      state.repositories = [{ id: "r1", name: "Repo 1", backupServerId: "s", retainedBackups: [{ tenantName: "soak-tenant-000", usedMb: 512 }] }, { id: "r2", name: "Repo 2", backupServerId: "s" }];
      const written = [
        { tenantName: "soak-tenant-000", repositoryUid: "urn:veeam:Repository:r1" },
        { tenantName: "soak-tenant-001", repositoryUid: "urn:veeam:Repository:r2" },
      ];
      expect(lostBackups(state, written)).to.deep.equal(["tenant 'soak-tenant-001': its 512 MB of backups are gone from Repo 2"]);
    });

    it("reports a declared resource that no state holds", () => {
      const findings = checkEm(em([inEm(a, "id-a")]), [{ decl: stack, state: [held(a, "id-a")] }], { compareDeclarations: true });
      expect(findings.mismatches).to.deep.equal([`soak-xml/${b.key}: declared but in no state`]);
    });
  });

  describe("errors and secrets", () => {
    it("names the kind of an error, a step past its deadline as a hang", () => {
      expect(errorKind(new PluginCallError("create", 4, "Deadline exceeded after 30 s"))).to.match(/^hang/);
      expect(errorKind(new Error("Tenant 'A' already has a subtenant named 'x'. Set adopt: true …"))).to.match(/adopt/);
      expect(errorKind(new Error("EM API GET /api/tasks/task-4 failed: HTTP 500: Internal server error"))).to.equal("server error (5xx)");
      expect(errorKind(new Error("HTTP 429: Too many requests"))).to.equal("throttled (429)");
      expect(errorKind(new Error("something nobody foresaw"))).to.equal("other");
    });

    it("counts a message as advice only when it tells the user what to do", () => {
      expect(givesAdvice("EM is busy; try again later")).to.equal(true);
      expect(givesAdvice("Set adopt: true to manage it")).to.equal(true);
      expect(givesAdvice("EM API GET /api/query failed: HTTP 500: Internal server error")).to.equal(false);
    });

    it("finds a secret in any text by value, reports it by label and redacts it", () => {
      const scanner = new SecretScanner();
      scanner.add("SoakSecretSub-abc123", "password of soak-xml/sub-001");
      scanner.scan("nothing here", "error of soak-xml/sub-000");
      scanner.scan("failed with body <Password>SoakSecretSub-abc123</Password>", "plugin output");
      expect(scanner.leaks).to.deep.equal([{ where: "plugin output", which: "password of soak-xml/sub-001" }]);
      expect(scanner.redact("x SoakSecretSub-abc123 y")).to.equal("x <password of soak-xml/sub-001> y");
    });
  });
});
