import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Emulator } from "../../emulator/server";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs } from "../../provider/resources/account/inputs";
import { EM_RUNS, emulatorFor } from "./support";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const RESTORE_OPERATOR_UID = "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6";
const declared = (overrides: Partial<EnterpriseAccountInputs> = {}): EnterpriseAccountInputs => ({
  accountType: "User",
  accountName: "TECH\\alice",
  roles: ["Portal User"],
  allowRestoreAllVms: true,
  ...overrides,
});

describe("EnterpriseAccountProvider", () => {
  describe("check", () => {
    const provider = new EnterpriseAccountProvider({ env: {} });
    const failures = async (news: object) => (await provider.check({} as EnterpriseAccountInputs, news as unknown as EnterpriseAccountInputs)).failures ?? [];

    it("accepts a complete declaration and defaults allowRestoreAllVms to true", async () => {
      const result = await provider.check({} as EnterpriseAccountInputs, { accountType: "Group", accountName: "TECH\\ops", roles: ["Portal User"] } as unknown as EnterpriseAccountInputs);
      expect(result.failures).to.deep.equal([]);
      expect(result.inputs).to.include({ allowRestoreAllVms: true });
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["an unknown account type", { accountType: "Robot" }, "accountType", /one of User, Group, ExternalUser, ExternalGroup; got 'Robot'/],
      ["a user name without a domain", { accountName: "alice" }, "accountName", /Domain\\Name format/],
      ["an external user without a suffix", { accountType: "ExternalUser", accountName: "TECH\\alice" }, "accountName", /Username@Suffix/],
      ["no roles", { roles: undefined }, "roles", /required/],
      ["an empty role list", { roles: [] }, "roles", /non-empty list/],
      ["an empty role", { roles: ["Portal User", ""] }, "roles[1]", /role name or UID/],
      ["a restricted scope without objects", { allowRestoreAllVms: false }, "hierarchyScopeObjects", /required when allowRestoreAllVms is false/],
      ["a scope item without a name", { allowRestoreAllVms: false, hierarchyScopeObjects: [{ hierarchyObjRef: "urn:VMware:Vm:x.vm-1" }] }, "hierarchyScopeObjects[0].objectName", /objectName is required .*by name only/],
      ["in-place-only FLR without extensions", { flrSettings: { inplaceOnly: true } }, "flrSettings.extensionRestrictions", /required when flrSettings.inplaceOnly is true/],
      ["a non-boolean SQL setting", { sqlSettings: { denyInPlaceRestore: "yes" } }, "sqlSettings.denyInPlaceRestore", /true or false/],
    ];
    for (const [what, change, property, reason] of cases) {
      it(`names the field for ${what}`, async () => {
        const found = (await failures({ ...declared(), ...change })).find((f) => f.property === property);
        expect(found, JSON.stringify(await failures({ ...declared(), ...change }))).to.not.equal(undefined);
        expect(found?.reason).to.match(reason);
      });
    }

    it("accepts free-form ExternalGroup names and lets unknown preview values pass", async () => {
      expect(await failures(declared({ accountType: "ExternalGroup", accountName: "Restore desk (EU)" }))).to.deep.equal([]);
      expect(await failures({ accountType: UNKNOWN, accountName: UNKNOWN, roles: [UNKNOWN], allowRestoreAllVms: UNKNOWN, hierarchyScopeObjects: UNKNOWN })).to.deep.equal([]);
    });
  });

  describe("diff", () => {
    const provider = new EnterpriseAccountProvider({ env: {} });
    const olds: EnterpriseAccountOutputs = { ...declared(), accountId: "a1", accountUid: "urn:veeam:EnterpriseAccount:a1", roleUids: [], roleNames: ["Portal User"], declaredArgs: ["accountType", "accountName", "roles", "allowRestoreAllVms"] };
    const diff = (news: Partial<EnterpriseAccountInputs>) => provider.diff("a1", olds, declared(news));

    it("reports no change for the same declaration, whatever the case of role and account names", async () => {
      expect(await diff({})).to.include({ changes: false });
      expect(await diff({ roles: ["portal user"] })).to.include({ changes: false });
      // EM may report a name in its own case; that must not replace the account on every run.
      expect(await diff({ accountName: "tech\\ALICE" })).to.include({ changes: false });
    });

    it("deletes the old account first when a replacement keeps its name (EM refuses duplicates)", async () => {
      expect(await diff({ sqlSettings: { denyInPlaceRestore: true } })).to.include({ deleteBeforeReplace: true });
      expect(await diff({ accountName: "TECH\\bob" })).to.include({ deleteBeforeReplace: false });
    });

    it("reports a change, without failing, when lists are not known yet during a preview", async () => {
      expect(await diff({ roles: UNKNOWN as unknown as string[] })).to.include({ changes: true });
      expect(await diff({ roles: [UNKNOWN] })).to.include({ changes: true });
      expect(await diff({ hierarchyScopeObjects: UNKNOWN as unknown as [] })).to.include({ changes: true });
      expect((await diff({ accountName: UNKNOWN })).replaces).to.deep.equal(["accountName"]);
    });

    const replacing: Array<[string, Partial<EnterpriseAccountInputs>]> = [
      ["accountType", { accountType: "Group" }],
      ["accountName", { accountName: "TECH\\bob" }],
      ["flrSettings", { flrSettings: { inplaceOnly: true, extensionRestrictions: "doc" } }],
      ["sqlSettings", { sqlSettings: { denyInPlaceRestore: true } }],
    ];
    for (const [field, change] of replacing) {
      it(`replaces the account when ${field} changes (EM cannot edit it)`, async () => {
        const result = await diff(change);
        expect(result.changes).to.equal(true);
        expect(result.replaces).to.deep.equal([field]);
      });
    }

    const inPlace: Array<[string, Partial<EnterpriseAccountInputs>]> = [
      ["roles", { roles: ["Portal User", "File Restore Operator"] }],
      ["allowRestoreAllVms", { allowRestoreAllVms: false, hierarchyScopeObjects: [{ objectName: "VM01" }] }],
      ["hierarchyScopeObjects", { hierarchyScopeObjects: [{ objectName: "VM02" }] }],
    ];
    for (const [field, change] of inPlace) {
      it(`updates in place when ${field} changes`, async () => {
        const result = await diff(change);
        expect(result.changes).to.equal(true);
        expect(result.replaces).to.deep.equal([]);
      });
    }
  });

  for (const { version, format, title } of EM_RUNS) {
    describe(title, () => {
      let em: Emulator;
      let provider: EnterpriseAccountProvider;
      beforeEach(async () => {
        const setup = await emulatorFor(format, { emVersion: version });
        em = setup.em;
        provider = new EnterpriseAccountProvider({ env: setup.env, pool: setup.pool });
      });
      afterEach(() => em.stop());
      const inEm = (name = "TECH\\alice") => em.store.state.accounts.find((a) => a.name === name);

      it("creates an account with roles by name and UID, then updates roles, scope and AllowRestoreAllVms in place", async () => {
        const inputs = declared({ roles: ["Portal User", RESTORE_OPERATOR_UID] });
        const created = await provider.create(inputs);
        const outs = created.outs as EnterpriseAccountOutputs;
        expect(() => Struct.fromJavaScript(outs as never)).not.to.throw();
        expect(outs).to.deep.include({ accountId: created.id, accountUid: `urn:veeam:EnterpriseAccount:${created.id}`, roleNames: ["Portal User", "File Restore Operator"] });
        expect(inEm()?.roleIds).to.deep.equal(["d19a3d33-cb77-4ffe-94e6-001432483a4e", "f84a8b62-49b8-4d0c-b25b-92321b52bab6"]);

        const news = declared({ roles: ["VM Restore Operator"], allowRestoreAllVms: false, hierarchyScopeObjects: [{ hierarchyObjRef: "urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-7870", objectName: "VM01" }] });
        const updated = (await provider.update(created.id, outs, news)).outs as EnterpriseAccountOutputs;
        expect(updated.accountId).to.equal(created.id);
        expect(updated.roleNames).to.deep.equal(["VM Restore Operator"]);
        expect(inEm()).to.deep.include({ allowRestoreAllVms: false });
        expect(inEm()?.scope.map((s) => s.objectName)).to.deep.equal(["VM01"]);
        expect(em.store.state.accounts.filter((a) => a.name === "TECH\\alice")).to.have.length(1);

        const back = await provider.update(created.id, updated, declared());
        expect((back.outs as EnterpriseAccountOutputs).allowRestoreAllVms).to.equal(true);
        expect(inEm()?.scope).to.deep.equal([]);

        await provider.delete(created.id);
        expect(inEm()).to.equal(undefined);
        await provider.delete(created.id); // already gone: done
      });

      it("names EM's roles when a declared role does not exist, and creates nothing", async () => {
        let error: Error | undefined;
        await provider.create(declared({ roles: ["Galactic Emperor"] })).catch((e) => (error = e));
        expect(error?.message).to.contain("EM has no role 'Galactic Emperor'");
        expect(error?.message).to.contain("Portal User");
        expect(inEm()).to.equal(undefined);
      });

      it("shows out-of-band changes on refresh as drift, and drops an account deleted out of band", async () => {
        const inputs = declared();
        const created = await provider.create(inputs);
        const account = inEm();
        account!.roleIds.push("c11c0c38-ba8b-49c7-bf70-fc2058fff1e2");
        account!.allowRestoreAllVms = false;
        const read = await provider.read(created.id, created.outs as EnterpriseAccountOutputs);
        expect(read.inputs).to.deep.include({ roles: ["Portal User", "VM Restore Operator"], allowRestoreAllVms: false });
        expect(await provider.diff(created.id, read.props as EnterpriseAccountOutputs, inputs)).to.include({ changes: true });
        em.store.state.accounts = em.store.state.accounts.filter((a) => a !== account);
        expect(await provider.read(created.id, read.props as EnterpriseAccountOutputs)).to.deep.equal({});
      });

      it("adopts an existing account only when asked, converging its roles", async () => {
        await provider.create(declared({ roles: ["File Restore Operator"] }));
        let error: Error | undefined;
        await provider.create(declared()).catch((e) => (error = e));
        expect(error?.message).to.match(/already has an account named 'TECH\\alice'.*adopt: true/);
        const adopted = await provider.create(declared({ adopt: true }));
        expect((adopted.outs as EnterpriseAccountOutputs).roleNames).to.deep.equal(["Portal User"]);
        expect(em.store.state.accounts.filter((a) => a.name === "TECH\\alice")).to.have.length(1);
        let typeError: Error | undefined;
        await provider.create(declared({ adopt: true, accountType: "Group" })).catch((e) => (typeError = e));
        expect(typeError?.message).to.contain("it is a User account, but the stack declares Group");
      });

      it("creates FLR and SQL restrictions and reports them", async () => {
        const created = await provider.create(declared({ flrSettings: { inplaceOnly: true, extensionRestrictions: "doc,pdf" }, sqlSettings: { denyInPlaceRestore: true } }));
        expect(inEm()).to.deep.include({ flr: { inplaceOnly: true, extensions: "doc,pdf" }, sql: { denyInPlaceRestore: true } });
        const read = await provider.read(created.id, created.outs as EnterpriseAccountOutputs);
        expect(read.inputs).to.deep.include({ flrSettings: { inplaceOnly: true, extensionRestrictions: "doc,pdf" }, sqlSettings: { denyInPlaceRestore: true } });
      });
    });
  }
});
