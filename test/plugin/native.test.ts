import { expect } from "chai";
import { isSecret, secret } from "../../tools/engine/secrets";
import { schemaText } from "../../provider/plugin/schema";
import { ROLE, SECRETS, SUBTENANT_PASSWORD, SUBTENANT_PASSWORD_2, TENANT, leakedSecrets } from "../engine/support";
import { EM_RUNS } from "../provider/support";
import { native, expectRejection, useNativeStack, writesSince, type NativeStack } from "./support";

const TENANT_PASSWORD = "Ten4nt-P4ss-S3cret-6120";
const ALL_SECRETS = [...SECRETS, TENANT_PASSWORD];

const subtenant = (overrides: Record<string, unknown> = {}) => ({
  tenantName: TENANT.name,
  name: "sub-native",
  password: secret(SUBTENANT_PASSWORD),
  description: "through the veeam-em plugin",
  tenantResourceId: TENANT.resourceId,
  quotaMb: 2048,
  ...overrides,
});
const account = (overrides: Record<string, unknown> = {}) => ({ accountType: "User", accountName: "TECH\\native", roles: [ROLE.portalUser.name], ...overrides });
const cloudTenant = (overrides: Record<string, unknown> = {}) => ({
  name: "Native Co",
  password: secret(TENANT_PASSWORD),
  backupServer: "172.24.31.67",
  backupResources: [{ repository: "Silver Repository", quotaMb: 4096, name: "Native quota" }],
  ...overrides,
});

function noSecretLeaks(stack: NativeStack): void {
  expect(leakedSecrets(stack.engine.stateDump(), ALL_SECRETS), "state").to.deep.equal([]);
  expect(leakedSecrets(stack.plugin.output(), ALL_SECRETS), "plugin output").to.deep.equal([]);
}

// The whole create / update / replace / refresh / destroy path against every EM version in both formats; the
// rest of the protocol on the default EM in both formats (what differs between versions is the client's, tested
// per version in test/provider).
for (const { version, format, title } of EM_RUNS) {
  describe(`veeam-em plugin over gRPC ${title}`, function () {
    this.timeout(30_000);
    const stack = useNativeStack(format, version);

    it("Subtenant: create, no-change up, update in place with a detailed diff, replace on a new name, refresh, destroy", async () => {
      const type = native("Subtenant");
      const first = await stack.engine.up(type, "sub", subtenant());
      expect(first.op).to.equal("create");
      expect(writesSince(stack)).to.deep.equal(["POST /api/cloud/tenants/{id}/subtenants"]);
      // The plugin marks the password secret itself, in inputs and outputs.
      expect(isSecret(first.state.outputs.password)).to.equal(true);
      expect(isSecret(first.state.inputs.password)).to.equal(true);
      expect(first.state.outputs).to.include({ name: "sub-native", quotaMb: 2048, tenantId: TENANT.id, subtenantId: first.state.id });

      stack.mark = stack.em.requests.length;
      expect((await stack.engine.up(type, "sub", subtenant())).op).to.equal("same");
      expect(writesSince(stack)).to.deep.equal([]);

      const edited = await stack.engine.up(type, "sub", subtenant({ description: "edited", password: secret(SUBTENANT_PASSWORD_2) }));
      expect(edited.op).to.equal("update");
      expect(edited.diff!.detailedDiff).to.deep.equal({ description: "UPDATE", password: "UPDATE" });
      expect(stack.em.store.state.subtenants.find((s) => s.id === first.state.id)?.description).to.equal("edited");

      const renamed = await stack.engine.up(type, "sub", subtenant({ name: "sub-native-2", description: "edited", password: secret(SUBTENANT_PASSWORD_2) }));
      expect(renamed.op).to.equal("replace");
      expect(renamed.diff!.replaces).to.deep.equal(["name"]);
      expect(renamed.diff!.detailedDiff).to.deep.equal({ name: "UPDATE_REPLACE" });
      expect(stack.em.store.state.subtenants.some((s) => s.id === first.state.id)).to.equal(false);

      stack.em.store.state.subtenants.find((s) => s.id === renamed.state.id)!.description = "changed in the console";
      const refreshed = await stack.engine.refresh(renamed.state.urn);
      expect(refreshed.state!.inputs).to.include({ description: "changed in the console" });
      expect(isSecret(refreshed.state!.outputs.password)).to.equal(true);

      await stack.engine.destroy(renamed.state.urn);
      expect(stack.em.store.state.subtenants.some((s) => s.id === renamed.state.id)).to.equal(false);
      noSecretLeaks(stack);
    });
  });
}

for (const format of ["xml", "json"] as const) {
  describe(`veeam-em plugin over gRPC (${format.toUpperCase()})`, function () {
    this.timeout(30_000);
    const stack = useNativeStack(format);

    it("answers GetPluginInfo with the package's version and GetSchema with schema.json", async () => {
      expect(await stack.plugin.getPluginInfo()).to.equal(require("../../../package.json").version);
      expect(await stack.plugin.getSchema()).to.equal(schemaText());
    });

    it("EnterpriseAccount and CloudTenant: create, roles and quotas in place, destroy", async () => {
      const acc = await stack.engine.up(native("EnterpriseAccount"), "acc", account());
      expect(acc.op).to.equal("create");
      const roles = await stack.engine.up(native("EnterpriseAccount"), "acc", account({ roles: [ROLE.portalUser.name, ROLE.restoreOperator.name] }));
      expect(roles.op).to.equal("update");
      expect(roles.diff!.detailedDiff).to.deep.equal({ roles: "UPDATE" });
      expect(roles.state.outputs.roleNames).to.have.members([ROLE.portalUser.name, ROLE.restoreOperator.name]);
      const retyped = await stack.engine.preview(native("EnterpriseAccount"), "acc", account({ accountType: "Group", accountName: "TECH\\native" }));
      expect(retyped).to.deep.include({ op: "replace" });
      expect(retyped.diff!.deleteBeforeReplace).to.equal(true);

      const ten = await stack.engine.up(native("CloudTenant"), "ten", cloudTenant());
      expect(ten.op).to.equal("create");
      expect(isSecret(ten.state.outputs.password)).to.equal(true);
      const more = await stack.engine.up(native("CloudTenant"), "ten", cloudTenant({ backupResources: [{ repository: "Silver Repository", quotaMb: 8192, name: "Native quota" }] }));
      expect(more.op).to.equal("update");
      expect(more.diff!.detailedDiff).to.deep.equal({ backupResources: "UPDATE" });
      expect(stack.em.store.state.tenants.find((t) => t.id === ten.state.id)?.resources.map((r) => r.quotaMb)).to.deep.equal([8192]);

      await stack.engine.destroy(ten.state.urn);
      await stack.engine.destroy(acc.state.urn);
      expect(stack.em.store.state.tenants.some((t) => t.id === ten.state.id)).to.equal(false);
      expect(stack.em.store.state.accounts.some((a) => a.id === acc.state.id)).to.equal(false);
      noSecretLeaks(stack);
    });

    it("pulumi import with only an id: Read finds the object and returns its inputs (never a password); the import option with the program's inputs is no change", async () => {
      const made = await stack.engine.up(native("Subtenant"), "made", subtenant());
      const acc = await stack.engine.up(native("EnterpriseAccount"), "acc", account({ roles: [ROLE.restoreOperator.name] }));
      const ten = await stack.engine.up(native("CloudTenant"), "ten", cloudTenant());
      stack.mark = stack.em.requests.length;

      const fresh = new (stack.engine.constructor as typeof import("../../tools/engine/native-engine").NativeEngine)(stack.plugin, "other-project");
      const imported = await fresh.import(native("Subtenant"), "imported", made.state.id);
      expect(imported.inputs).to.include({ tenantId: TENANT.id, name: "sub-native", description: "through the veeam-em plugin", tenantResourceId: TENANT.resourceId, quotaMb: 2048, enabled: true, unlimitedQuota: false });
      expect(imported.inputs).to.not.have.property("password");
      const importedAccount = await fresh.import(native("EnterpriseAccount"), "acc", acc.state.id);
      expect(importedAccount.inputs).to.deep.include({ accountType: "User", accountName: "TECH\\native", roles: [ROLE.restoreOperator.name], allowRestoreAllVms: true });
      const importedTenant = await fresh.import(native("CloudTenant"), "ten", ten.state.id);
      expect(importedTenant.inputs).to.deep.include({ name: "Native Co", backupServer: "172.24.31.67" });
      expect((importedTenant.inputs.backupResources as Array<Record<string, unknown>>)[0]).to.include({ quotaMb: 4096, name: "Native quota" });

      // The import option: the program declares the object, password included; it matches what EM has.
      const planned = new (stack.engine.constructor as typeof import("../../tools/engine/native-engine").NativeEngine)(stack.plugin, "third-project");
      await planned.import(native("Subtenant"), "sub", made.state.id, subtenant({ tenantName: undefined, tenantId: TENANT.id }));
      expect((await planned.up(native("Subtenant"), "sub", subtenant({ tenantName: undefined, tenantId: TENANT.id }))).op).to.equal("same");
      await planned.import(native("EnterpriseAccount"), "acc", acc.state.id, account({ roles: [ROLE.restoreOperator.name] }));
      expect(writesSince(stack)).to.deep.equal([]);

      await expectRejection(fresh.import(native("Subtenant"), "none", "00000000-0000-0000-0000-000000000000"), /no object with id/);
    });

    it("functions: the look-ups by name; bad arguments come back as failures naming the argument", async () => {
      const tenant = await stack.plugin.invoke(native("getCloudTenant"), { name: TENANT.name });
      expect(tenant.failures).to.deep.equal([]);
      expect(tenant.result).to.include({ id: TENANT.id, name: TENANT.name });
      expect((tenant.result.resources as Array<Record<string, unknown>>).map((r) => r.id)).to.include(TENANT.resourceId);
      const role = await stack.plugin.invoke(native("getRole"), { name: "portal user" });
      expect(role.result).to.include({ id: ROLE.portalUser.id, name: ROLE.portalUser.name });
      const quota = await stack.plugin.invoke(native("getTenantQuota"), { tenantName: TENANT.name, repositoryUid: (tenant.result.resources as Array<{ repositoryUid: string }>)[0].repositoryUid });
      expect(quota.result).to.include({ tenantId: TENANT.id });
      const bad = await stack.plugin.invoke(native("getRole"), {});
      expect(bad.failures.map((f) => f.property)).to.deep.equal(["name"]);
      await expectRejection(stack.plugin.invoke(native("getRole"), { name: "No Such Role" }), /EM has no role named 'No Such Role'; its roles are: .*Portal User/);
    });

    it("check refuses a per-resource connection (the provider instance is the connection) and names bad fields", async () => {
      const urn = stack.engine.urn(native("Subtenant"), "x");
      const checked = await stack.plugin.check(urn, {}, { ...subtenant(), quotaMb: 10, connection: { url: "https://em2.example.com:9398/api/", username: "a", password: secret("b") } });
      expect(checked.failures.map((f) => f.property)).to.have.members(["connection", "quotaMb"]);
    });
  });
}
