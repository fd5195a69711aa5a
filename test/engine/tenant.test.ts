import { expect } from "chai";
import { secret } from "../../tools/engine/secrets";
import { mutations, requestsSince, useStack, type Stack } from "./support";

const TENANT_PASSWORD = "Ten4nt-P4ss-S3cret-6120";
const inEm = (stack: Stack, id: string) => stack.em.store.state.tenants.find((t) => t.id === id);
const writesOf = (stack: Stack) => mutations(requestsSince(stack)).filter((r) => !r.url.startsWith("/api/sessionMngr/")).map((r) => `${r.method} ${r.url.replace(/[0-9a-f-]{36}/g, "{id}")}`);

function tenantArgs(stack: Stack, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __provider: stack.texts.CloudTenant,
    name: "Engine Co",
    password: secret(TENANT_PASSWORD),
    description: "through the plugin",
    backupServer: "172.24.31.67",
    maxConcurrentTasks: 2,
    backupResources: [{ repository: "Silver Repository", quotaMb: 4096, name: "Engine quota" }],
    ...overrides,
  };
}

for (const format of ["xml", "json"] as const) {
  describe(`engine protocol: CloudTenant through the SDK's plugin (${format.toUpperCase()})`, function () {
    this.timeout(20_000);
    const stack = useStack(format);
    const up = (overrides: Record<string, unknown> = {}) => stack.engine.register(stack.texts.types.CloudTenant, "engine-co", tenantArgs(stack, overrides));

    it("creates in one POST, keeps the password secret, changes nothing on a second up, updates quotas in place", async () => {
      const first = await up();
      expect(first.op).to.equal("create");
      expect(writesOf(stack)).to.deep.equal(["POST /api/cloud/tenants"]);
      expect(first.state.secretKeys).to.include("password");
      const resources = first.state.outputs.backupResources as Array<Record<string, unknown>>;
      expect(resources[0]).to.include({ repository: "Silver Repository", quotaMb: 4096, name: "Engine quota", id: inEm(stack, first.state.id)?.resources[0].id });

      stack.mark = stack.em.requests.length;
      expect((await up()).op).to.equal("same");
      expect(requestsSince(stack)).to.deep.equal([]);

      const second = await up({ backupResources: [{ repository: "Silver Repository", quotaMb: 8192, name: "Engine quota" }, { repository: "Cloud Repository 03", quotaMb: 1024, name: "More" }] });
      expect(second.op).to.equal("update");
      expect(second.state.id).to.equal(first.state.id);
      expect(inEm(stack, first.state.id)?.resources.map((r) => r.quotaMb)).to.deep.equal([8192, 1024]);
      const third = await up();
      expect(third.op).to.equal("update");
      expect(inEm(stack, first.state.id)?.resources.map((r) => r.displayName)).to.deep.equal(["Engine quota"]);
    });

    it("refresh shows drift, and destroy keeps the tenant's backups unless deleteBackupsOnDestroy", async () => {
      const { state } = await up();
      const tenant = inEm(stack, state.id)!;
      tenant.description = "edited in the console";
      tenant.resources[0].usedQuotaMb = 1234;
      const refreshed = await stack.engine.refresh(state.urn);
      expect(refreshed.state!.inputs).to.include({ description: "edited in the console" });
      await stack.engine.destroy(state.urn);
      expect(inEm(stack, state.id)).to.equal(undefined);
      expect(stack.em.requests.some((r) => r.url.includes("includeBackups"))).to.equal(false);
      expect(stack.em.store.state.repositories.find((r) => r.name === "Silver Repository")?.retainedBackups).to.deep.equal([{ tenantName: "Engine Co", usedMb: 1234 }]);

      const again = await up({ deleteBackupsOnDestroy: true });
      await stack.engine.destroy(again.state.urn);
      expect(stack.em.requests.filter((r) => r.url.includes("includeBackups=true"))).to.have.length(1);
    });

    it("a change of deleteBackupsOnDestroy alone is an update that writes nothing to EM, and destroy follows the new value", async () => {
      const deletes = () => stack.em.requests.filter((r) => r.method === "DELETE" && /\/api\/cloud\/tenants\/[0-9a-f-]{36}(\?|$)/.test(r.url)).map((r) => r.url.includes("includeBackups=true"));
      for (const [from, to] of [[true, false], [false, true]] as const) {
        const first = await up({ deleteBackupsOnDestroy: from });
        stack.mark = stack.em.requests.length;
        const changed = await up({ deleteBackupsOnDestroy: to });
        expect(changed.op).to.equal("update");
        expect(writesOf(stack)).to.deep.equal([]);
        expect(changed.state.outputs.deleteBackupsOnDestroy).to.equal(to);
        const before = deletes().length;
        await stack.engine.destroy(first.state.urn);
        expect(deletes().slice(before)).to.deep.equal([to]);
      }
    });

    it("refuses a replacement that also turns deleteBackupsOnDestroy off (the old tenant would go with its backups)", async () => {
      const first = await up({ deleteBackupsOnDestroy: true });
      stack.mark = stack.em.requests.length;
      let refused: Error | undefined;
      await up({ name: "Engine Co 2", deleteBackupsOnDestroy: false }).catch((err: Error) => (refused = err));
      expect(refused?.message).to.match(/deleteBackupsOnDestroy: false alone first/);
      expect(writesOf(stack)).to.deep.equal([]);
      await up({ deleteBackupsOnDestroy: false });
      const before = stack.em.requests.length;
      await stack.engine.destroy(first.state.urn);
      expect(stack.em.requests.slice(before).some((r) => r.url.includes("includeBackups"))).to.equal(false);
    });

    it("a change of allowBackupResourceDataLoss alone is recorded without a write to EM", async () => {
      const first = await up();
      stack.mark = stack.em.requests.length;
      const changed = await up({ allowBackupResourceDataLoss: true });
      expect(changed.op).to.equal("update");
      expect(writesOf(stack)).to.deep.equal([]);
      expect(changed.state.outputs.allowBackupResourceDataLoss).to.equal(true);
      await stack.engine.destroy(first.state.urn);
    });
  });
}
