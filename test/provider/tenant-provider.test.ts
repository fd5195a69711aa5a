import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Emulator } from "../../emulator/server";
import { CloudTenantProvider } from "../../provider/resources/tenant/provider";
import type { CloudTenantInputs, CloudTenantOutputs } from "../../provider/resources/tenant/inputs";
import { EM_RUNS, emulatorFor, writes } from "./support";

const SILVER = "Silver Repository";
const REPO_03_UID = "urn:veeam:Repository:5236d23a-c8a9-4bbf-9e4a-26b4c63e339d";
const FOX = "9d35e68b-3c54-4e85-8a77-c0a2d8b069ed";

const declared = (overrides: Partial<CloudTenantInputs> = {}): CloudTenantInputs => ({
  name: "Acme Corp",
  password: "Tenant-Pass-1",
  description: "Acme's backups",
  enabled: true,
  backupServer: "172.24.31.67",
  leaseExpiration: "2030-06-30T00:00:00Z",
  maxConcurrentTasks: 2,
  throttling: { enabled: true, speedLimit: 10, unit: "MBps" },
  backupResources: [{ repository: SILVER, quotaMb: 4096, name: "Acme quota" }],
  deleteBackupsOnDestroy: false,
  allowBackupResourceDataLoss: false,
  ...overrides,
});

describe("CloudTenantProvider", () => {
  describe("check", () => {
    const provider = new CloudTenantProvider({ env: {} });
    const failures = async (news: Record<string, unknown>) => (await provider.check({} as CloudTenantInputs, news as unknown as CloudTenantInputs)).failures ?? [];
    const base = { name: "T", password: "p", backupServer: "bs" };

    it("fills the defaults: backups kept on destroy, data-holding resources protected", async () => {
      const result = await provider.check({} as CloudTenantInputs, base as unknown as CloudTenantInputs);
      expect(result.failures).to.deep.equal([]);
      expect(result.inputs).to.include({ enabled: true, description: "", maxConcurrentTasks: 1, deleteBackupsOnDestroy: false, allowBackupResourceDataLoss: false, passwordPolicy: "always" });
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["a name with a forbidden character", { ...base, name: "a/b" }, "name", /must not contain/],
      ["a name ending with a period", { ...base, name: "Acme." }, "name", /period/],
      ["no backup server", { ...base, backupServer: undefined }, "backupServer", /required/],
      ["a quota under 1 GB", { ...base, backupResources: [{ repository: "r", quotaMb: 10, name: "q" }] }, "backupResources[0].quotaMb", /at least 1024/],
      ["a resource without a name", { ...base, backupResources: [{ repository: "r", quotaMb: 2048 }] }, "backupResources[0].name", /required/],
      ["two quotas on one repository", { ...base, backupResources: [{ repository: "r", quotaMb: 2048, name: "a" }, { repository: "R", quotaMb: 2048, name: "b" }] }, "backupResources[1].repository", /one quota per repository/],
      ["a lease that is not a date", { ...base, leaseExpiration: "next year" }, "leaseExpiration", /ISO 8601/],
      ["an unknown throttling unit", { ...base, throttling: { enabled: true, unit: "Gbps" } }, "throttling.unit", /Mbps, KBps, MBps/],
    ];
    for (const [what, news, property, reason] of cases) {
      it(`names the field for ${what}`, async () => {
        const found = (await failures(news)).find((f) => f.property === property);
        expect(found, JSON.stringify(await failures(news))).to.not.equal(undefined);
        expect(found?.reason).to.match(reason);
      });
    }
  });

  for (const run of EM_RUNS) {
    describe(run.title, () => {
      let em: Emulator;
      let provider: CloudTenantProvider;
      beforeEach(async () => {
        const started = await emulatorFor(run.format, { emVersion: run.version });
        em = started.em;
        provider = new CloudTenantProvider({ env: started.env, pool: started.pool });
      });
      afterEach(() => em.stop());

      const inEm = (id: string) => em.store.state.tenants.find((t) => t.id === id);

      it("creates with its backup resource in one request, updates each field in place, adds and removes a resource, destroys keeping backups", async () => {
        const inputs = declared();
        const created = await provider.create(inputs);
        expect(writes(em).map((w) => `${w.method} ${w.url}`)).to.deep.equal(["POST /api/cloud/tenants"]);
        const outs = created.outs as CloudTenantOutputs;
        expect(() => Struct.fromJavaScript(outs as never)).to.not.throw();
        const tenant = inEm(created.id);
        expect(tenant).to.include({ name: "Acme Corp", description: "Acme's backups", enabled: true, maxConcurrentTasks: 2, password: "Tenant-Pass-1", leaseExpiration: "2030-06-30T00:00:00Z" });
        expect(outs.backupResources).to.have.length(1);
        expect(outs.backupResources[0]).to.deep.include({ repository: SILVER, quotaMb: 4096, name: "Acme quota", id: tenant?.resources[0].id, usedQuotaMb: 0 });
        expect(outs).to.include({ tenantId: created.id, backupServerId: "ca19249e-e638-421a-ab22-68cb89b9009a" });

        // Each field changes in place: no replacement.
        const changed = declared({
          password: "Tenant-Pass-2",
          description: "changed",
          enabled: false,
          leaseExpiration: undefined,
          maxConcurrentTasks: 6,
          throttling: { enabled: false, speedLimit: 10, unit: "MBps" },
          backupResources: [{ repository: SILVER, quotaMb: 8192, name: "Acme quota renamed" }, { repository: REPO_03_UID, quotaMb: 1024, name: "Second" }],
        });
        const diff = await provider.diff(created.id, outs, changed);
        expect(diff).to.include({ changes: true });
        expect(diff.replaces).to.deep.equal([]);
        const before = writes(em).length;
        const updated = (await provider.update(created.id, outs, changed)).outs as CloudTenantOutputs;
        expect(writes(em).slice(before).map((w) => w.method)).to.deep.equal(["PUT", "POST"]);
        expect(tenant).to.include({ description: "changed", enabled: false, maxConcurrentTasks: 6, password: "Tenant-Pass-2" });
        expect(tenant?.leaseExpiration).to.equal(undefined);
        expect(tenant?.throttling).to.deep.include({ enabled: false });
        expect(tenant?.resources.map((r) => [r.displayName, r.quotaMb])).to.deep.equal([["Acme quota renamed", 8192], ["Second", 1024]]);
        const second = updated.backupResources.find((r) => r.name === "Second");
        expect(second?.id, "a Subtenant can take tenantResourceId from the outputs").to.equal(tenant?.resources[1].id);
        expect((await provider.diff(created.id, updated, changed)).changes).to.equal(false);
        const byUid = await provider.diff(created.id, updated, { ...changed, backupServer: "urn:veeam:BackupServer:ca19249e-e638-421a-ab22-68cb89b9009a" });
        expect(byUid.changes, "the same backup server by UID is no change").to.equal(false);
        expect((await provider.diff(created.id, updated, { ...changed, backupServer: "172.24.31.68" })).replaces).to.deep.equal(["backupServer"]);

        // Removing the second resource DELETEs it; the first, holding data, is protected.
        const fewer = declared({ ...changed, backupResources: [changed.backupResources![0]] });
        await provider.update(created.id, updated, fewer);
        expect(tenant?.resources.map((r) => r.displayName)).to.deep.equal(["Acme quota renamed"]);
        tenant!.resources[0].usedQuotaMb = 3000;
        const none = declared({ ...changed, backupResources: [] });
        const refused = await provider.update(created.id, updated, none).catch((e: Error) => e);
        expect((refused as Error).message).to.match(/3000 MB of backups.*Nothing was changed.*allowBackupResourceDataLoss: true/s);
        expect(tenant?.resources).to.have.length(1);

        await provider.delete(created.id, updated);
        expect(inEm(created.id)).to.equal(undefined);
        expect(em.requests.some((r) => r.url.includes("includeBackups"))).to.equal(false);
        expect(em.store.state.repositories.find((r) => r.name === SILVER)?.retainedBackups).to.deep.equal([{ tenantName: "Acme Corp", usedMb: 3000 }]);
      });

      it("refreshes drift from EM as inputs, and reports a deleted tenant as gone", async () => {
        const created = await provider.create(declared());
        const outs = created.outs as CloudTenantOutputs;
        const tenant = inEm(created.id)!;
        Object.assign(tenant, { description: "edited in the console", maxConcurrentTasks: 9 });
        tenant.resources[0].quotaMb = 5120;
        const read = await provider.read(created.id, outs);
        expect(read.inputs).to.deep.include({ description: "edited in the console", maxConcurrentTasks: 9, backupServer: "172.24.31.67" });
        expect((read.inputs as CloudTenantInputs).backupResources).to.deep.equal([{ repository: SILVER, quotaMb: 5120, name: "Acme quota" }]);
        expect((await provider.diff(created.id, read.props as CloudTenantOutputs, declared())).changes).to.equal(true);
        em.store.state.tenants = em.store.state.tenants.filter((t) => t.id !== created.id);
        expect(await provider.read(created.id, outs)).to.deep.equal({});
      });

      it("adopts an existing tenant by name, making it match the declaration; destroy with deleteBackupsOnDestroy deletes its backups", async () => {
        // The seed's AD tenant, made a standalone tenant of a name the rules allow, with 4096 MB of backups.
        const fox = inEm(FOX)!;
        fox.type = "Standalone";
        const inputs = declared({ name: "william-fox", adopt: true, backupResources: [{ repository: REPO_03_UID, quotaMb: 10240, name: "Cloud repository 1" }], deleteBackupsOnDestroy: true });
        fox.name = inputs.name;
        const emPassword = (fox.password = "Fox-Own-Pass-9");
        const created = await provider.create(inputs);
        expect(created.id).to.equal(FOX);
        expect(writes(em).map((w) => w.method)).to.deep.equal(["PUT"]);
        // Adopting keeps EM's password: the declared one is recorded as sent, and goes to EM when it changes.
        expect(fox).to.include({ description: "Acme's backups", maxConcurrentTasks: 2, password: emPassword });
        expect((created.outs as CloudTenantOutputs).password).to.equal("Tenant-Pass-1");
        // Adopted again as it now is: not one write.
        const mark = em.requests.length;
        const again = await provider.create(inputs);
        expect(again.id).to.equal(FOX);
        expect(em.requests.slice(mark).filter((r) => r.method !== "GET" && !/sessionMngr|logonSessions/i.test(r.url))).to.deep.equal([]);
        // A later change of the declared password is sent.
        await provider.update(FOX, created.outs as CloudTenantOutputs, { ...inputs, password: "Tenant-Pass-2" });
        expect(fox.password).to.equal("Tenant-Pass-2");
        await provider.delete(FOX, created.outs as CloudTenantOutputs);
        expect(em.requests.filter((r) => r.method === "DELETE").map((r) => r.url)).to.deep.equal([`/api/cloud/tenants/${FOX}?includeBackups=true`]);
        expect(em.store.state.repositories.every((r) => r.retainedBackups === undefined)).to.equal(true);
      });

      it("adopt takes only a tenant of the declared backup server whose name is surely the declared one", async () => {
        const other = await provider.create(declared({ name: "ACME CORP" }));
        const before = writes(em).length;
        const err = await provider.create(declared({ adopt: true })).catch((e: Error) => e);
        expect((err as Error).message).to.match(/named 'ACME CORP', which EM may count as the same name as 'Acme Corp'/);
        expect(writes(em).slice(before)).to.deep.equal([]);
        expect(inEm(other.id)).to.include({ name: "ACME CORP", description: "Acme's backups" });
      });

      it("refuses a taken name with a message that asks for adopt, and a repository of another backup server by name", async () => {
        await provider.create(declared());
        const err = await provider.create(declared()).catch((e: Error) => e);
        expect((err as Error).message).to.match(/already has a tenant named 'Acme Corp'.*adopt: true/);
        const remote = await provider.create(declared({ name: "Remote", backupResources: [{ repository: "Remote Cloud Repository", quotaMb: 2048, name: "q" }] })).catch((e: Error) => e);
        expect((remote as Error).message).to.contain("is a repository of backup server '172.24.31.68'");
      });
    });
  }
});
