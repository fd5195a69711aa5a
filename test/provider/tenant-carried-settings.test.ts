/**
 * A tenant edit carries back what the stack does not manage. put_tenants_id does not say EM keeps an element the body
 * leaves out; the emulator takes the pessimistic reading (an edit without BackupProtectionEnabled switches it off).
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { parseCloudTenant, type Node } from "../../provider/client/codec";
import { CloudTenantProvider } from "../../provider/resources/tenant/provider";
import type { CloudTenantInputs, CloudTenantOutputs } from "../../provider/resources/tenant/inputs";
import { emulatorFor, writes } from "./support";

const declared = (overrides: Partial<CloudTenantInputs> = {}): CloudTenantInputs => ({
  name: "Protected Co",
  password: "Tenant-Pass-1",
  description: "first",
  enabled: true,
  backupServer: "172.24.31.67",
  maxConcurrentTasks: 1,
  backupResources: [{ repository: "Silver Repository", quotaMb: 4096, name: "Main" }],
  deleteBackupsOnDestroy: false,
  allowBackupResourceDataLoss: false,
  ...overrides,
});

for (const format of ["xml", "json"] as const) {
  describe(`CloudTenant: an edit keeps the settings the stack does not manage (${format.toUpperCase()})`, () => {
    let em: Emulator;
    let provider: CloudTenantProvider;
    beforeEach(async () => {
      const started = await emulatorFor(format);
      em = started.em;
      provider = new CloudTenantProvider({ env: started.env, pool: started.pool });
    });
    afterEach(() => em.stop());

    it("backup protection set in EM (5 days) survives an edit of the description and of a quota", async () => {
      const { id, outs } = await provider.create(declared());
      const tenant = em.store.state.tenants.find((t) => t.id === id)!;
      tenant.backupProtectionDays = 5;
      const before = writes(em).length;
      await provider.update(id, outs as CloudTenantOutputs, declared({ description: "second", backupResources: [{ repository: "Silver Repository", quotaMb: 8192, name: "Main" }] }));
      expect(writes(em).slice(before).map((w) => w.method)).to.deep.equal(["PUT"]);
      expect(tenant).to.include({ description: "second", backupProtectionDays: 5 });
      expect(tenant.resources[0].quotaMb).to.equal(8192);
    });
  });
}

describe("CloudTenant codec: settings an edit cannot carry back", () => {
  const entity = (extra: Record<string, unknown>) => ({ UID: "urn:veeam:CloudTenant:28ddf9b9-12fa-431a-a34c-a327f05c3920", Name: "T", ...extra }) as Node;
  it("names non-empty replication resources and gateway pools, not empty wrappers", () => {
    expect(parseCloudTenant(entity({ ComputeResources: { CloudTenantComputeResources: [] }, CloudGatewayPools: "" })).unmanaged.notCarried).to.deep.equal([]);
    const busy = parseCloudTenant(entity({ ComputeResources: { CloudTenantComputeResources: [{ CloudHardwarePlanUid: "urn:veeam:CloudHardwarePlan:1" }] }, CloudGatewayPools: { CloudGatewayPool: { Name: "pool" } } }));
    expect(busy.unmanaged.notCarried).to.deep.equal(["ComputeResources", "CloudGatewayPools"]);
  });
  it("reads backup protection and the gateway failover flag (either spelling) to send them back", () => {
    expect(parseCloudTenant(entity({ BackupProtectionEnabled: true, BackupProtectionPeriod: 5, FailoverToOthersGatewaysIfFail: true })).unmanaged).to.deep.equal({
      notCarried: [],
      backupProtectionEnabled: true,
      backupProtectionPeriod: 5,
      failoverToOtherGatewaysIfFail: true,
    });
  });
});
