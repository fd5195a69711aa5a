/**
 * A backup resource whose used space EM leaves out (EM's own examples of the tenant entity have no UsedQuota): the
 * provider reads the resource itself, and where that says nothing either, treats it as holding backups.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import type { TenantResource } from "../../emulator/model";
import { CloudTenantProvider } from "../../provider/resources/tenant/provider";
import type { CloudTenantInputs, CloudTenantOutputs } from "../../provider/resources/tenant/inputs";
import { emulatorFor, writes } from "./support";

const SILVER = "Silver Repository";
const REPO_03 = "Cloud Repository 03";

const declared = (overrides: Partial<CloudTenantInputs> = {}): CloudTenantInputs => ({
  name: "Quota Co",
  password: "Tenant-Pass-1",
  description: "",
  enabled: true,
  backupServer: "172.24.31.67",
  maxConcurrentTasks: 1,
  backupResources: [
    { repository: SILVER, quotaMb: 4096, name: "Main" },
    { repository: REPO_03, quotaMb: 2048, name: "Extra" },
  ],
  deleteBackupsOnDestroy: false,
  allowBackupResourceDataLoss: false,
  ...overrides,
});
const mainOnly = (overrides: Partial<CloudTenantInputs> = {}) => declared({ backupResources: [{ repository: SILVER, quotaMb: 4096, name: "Main" }], ...overrides });

for (const format of ["xml", "json"] as const) {
  describe(`CloudTenant: a backup resource whose UsedQuota EM does not report (${format.toUpperCase()})`, () => {
    let em: Emulator;
    let provider: CloudTenantProvider;
    beforeEach(async () => {
      const started = await emulatorFor(format);
      em = started.em;
      provider = new CloudTenantProvider({ env: started.env, pool: started.pool });
    });
    afterEach(() => em.stop());

    async function created(): Promise<{ id: string; outs: CloudTenantOutputs; extra: TenantResource }> {
      const { id, outs } = await provider.create(declared());
      const extra = em.store.state.tenants.find((t) => t.id === id)!.resources.find((r) => r.displayName === "Extra")!;
      return { id, outs: outs as CloudTenantOutputs, extra };
    }
    const deletes = () => writes(em).filter((w) => w.method === "DELETE" && w.url.includes("/cloud/tenants/"));

    it("the tenant entity leaves it out: the resource's own GET tells, and a resource holding backups is kept", async () => {
      const { id, outs, extra } = await created();
      Object.assign(extra, { usedQuotaMb: 3000, usedQuotaHidden: "inTenant" });
      const refused = await provider.update(id, outs, mainOnly()).catch((e: Error) => e);
      expect((refused as Error).message).to.match(/'Extra' \(3000 MB of backups on .*Nothing was changed.*allowBackupResourceDataLoss: true/s);
      expect(deletes()).to.deep.equal([]);
      expect(em.requests.some((r) => r.method === "GET" && r.url.endsWith(`/resources/${extra.id}`))).to.equal(true);
    });

    it("the resource's own GET leaves it out too: unknown counts as may hold backups, the message says EM did not report it", async () => {
      const { id, outs, extra } = await created();
      extra.usedQuotaHidden = "everywhere";
      const refused = await provider.update(id, outs, mainOnly()).catch((e: Error) => e);
      expect((refused as Error).message).to.match(/'Extra' \(on urn:veeam:Repository:[^;]+; EM did not report the space it uses, so it may hold backups\).*allowBackupResourceDataLoss: true/s);
      expect(deletes()).to.deep.equal([]);

      const read = await provider.read(id, outs);
      const shown = (read.props as CloudTenantOutputs).backupResources.find((r) => r.name === "Extra");
      expect(shown, "the outputs show the used space as unknown (absent), not as 0").to.not.have.property("usedQuotaMb");

      await provider.update(id, outs, mainOnly({ allowBackupResourceDataLoss: true }));
      expect(deletes().map((w) => w.url)).to.deep.equal([`/api/cloud/tenants/${id}/resources/${extra.id}`]);
    });

    it("a reported 0 is no data: the resource is removed without asking further", async () => {
      const { id, outs, extra } = await created();
      await provider.update(id, outs, mainOnly());
      expect(deletes().map((w) => w.url)).to.deep.equal([`/api/cloud/tenants/${id}/resources/${extra.id}`]);
      expect(em.requests.some((r) => r.method === "GET" && r.url.endsWith(`/resources/${extra.id}`))).to.equal(false);
    });
  });
}
