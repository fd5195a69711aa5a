import { expect } from "chai";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { inspect } from "node:util";
import type { Emulator } from "../../emulator/server";
import { connectionSettings } from "../../provider/resources/connection";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs, SubtenantOutputs } from "../../provider/resources/subtenant/inputs";
import { ABC, EM_RUNS, ABC_RESOURCE, EM_PASSWORD, emulatorFor, writes } from "./support";
import { emProfile } from "../../emulator/versions";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const declared = (overrides: Partial<SubtenantInputs> = {}): SubtenantInputs => ({
  tenantName: "ABC Company",
  name: "laptop-01",
  password: "Subtenant-Pass-1",
  description: "Laptop of user 01",
  enabled: true,
  tenantResourceId: ABC_RESOURCE,
  quotaMb: 2048,
  unlimitedQuota: false,
  ...overrides,
});

describe("SubtenantProvider", () => {
  describe("check", () => {
    const provider = new SubtenantProvider({ env: {} });
    const failures = async (news: Record<string, unknown>) => (await provider.check({} as SubtenantInputs, news as unknown as SubtenantInputs)).failures ?? [];
    const base = { tenantId: ABC, name: "n", password: "p", tenantResourceId: ABC_RESOURCE, quotaMb: 1024 };

    it("accepts a complete declaration and fills the defaults", async () => {
      const result = await provider.check({} as SubtenantInputs, base as unknown as SubtenantInputs);
      expect(result.failures).to.deep.equal([]);
      expect(result.inputs).to.include({ enabled: true, unlimitedQuota: false, description: "" });
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["no tenant", { ...base, tenantId: undefined }, "tenantId", /tenantId .* or tenantName/],
      ["both tenant fields", { ...base, tenantName: "ABC Company" }, "tenantName", /only one/],
      ["no name", { ...base, name: undefined }, "name", /required/],
      ["an empty name", { ...base, name: "  " }, "name", /must not be empty/],
      ["no password", { ...base, password: undefined }, "password", /required/],
      ["an empty password", { ...base, password: "" }, "password", /must not be empty/],
      ["no tenant resource", { ...base, tenantResourceId: undefined }, "tenantResourceId", /required/],
      ["a quota under 1 GB", { ...base, quotaMb: 1023 }, "quotaMb", /at least 1024, got 1023/],
      ["a fractional quota", { ...base, quotaMb: 1500.5 }, "quotaMb", /whole number/],
      ["no quota for a limited subtenant", { ...base, quotaMb: undefined }, "quotaMb", /required unless unlimitedQuota/],
      ["a non-boolean enabled", { ...base, enabled: "yes" }, "enabled", /true or false/],
      ["a non-string description", { ...base, description: 5 }, "description", /must be a string/],
    ];
    for (const [what, news, property, reason] of cases) {
      it(`names the field for ${what}`, async () => {
        const found = (await failures(news)).find((f) => f.property === property);
        expect(found, JSON.stringify(await failures(news))).to.not.equal(undefined);
        expect(found?.reason).to.match(reason);
      });
    }

    it("does not require a quota size for an unlimited quota", async () => {
      expect(await failures({ ...base, quotaMb: undefined, unlimitedQuota: true })).to.deep.equal([]);
    });

    it("lets values that are unknown during a preview pass", async () => {
      expect(await failures({ tenantId: UNKNOWN, name: UNKNOWN, password: UNKNOWN, tenantResourceId: UNKNOWN, quotaMb: UNKNOWN, unlimitedQuota: UNKNOWN, enabled: UNKNOWN })).to.deep.equal([]);
    });
  });

  describe("diff", () => {
    const provider = new SubtenantProvider({ env: {} });
    const olds: SubtenantOutputs = { ...declared(), tenantName: "ABC Company", tenantId: ABC, subtenantId: "s1", quotaName: "laptop-01", quotaMb: 2048, usedQuotaMb: 0, quotaId: "q", declaredArgs: [] };
    const diff = (news: Partial<SubtenantInputs>) => provider.diff("s1", olds, declared(news));

    it("reports no change for the same declaration, whatever the provider code", async () => {
      expect(await diff({})).to.include({ changes: false });
      expect(await provider.diff("s1", { ...olds, __provider: "old code" } as never, { ...declared(), __provider: "new code" } as never)).to.include({ changes: false });
    });

    for (const field of ["name", "tenantName"] as const) {
      it(`replaces the subtenant when ${field} changes`, async () => {
        const result = await diff({ [field]: "other" });
        expect(result.changes).to.equal(true);
        expect(result.replaces).to.deep.equal([field]);
      });
    }

    it("replaces when the tenant id changes", async () => {
      expect((await diff({ tenantName: undefined, tenantId: "00000000-0000-0000-0000-000000000001" })).replaces).to.deep.equal(["tenantId"]);
    });

    it("sees no change when EM reports the name in another case (EM compares names without case)", async () => {
      expect(await diff({ name: "LAPTOP-01" })).to.include({ changes: false });
    });

    const editable: Array<Partial<SubtenantInputs>> = [
      { password: "Another-Pass-2" },
      { description: "changed" },
      { enabled: false },
      { tenantResourceId: "7c5a1a30-6478-4c99-9412-dae65f3b6a5f" },
      { quotaMb: 4096 },
      { quotaName: "Q2" },
      { unlimitedQuota: true },
    ];
    for (const change of editable) {
      it(`updates in place when ${Object.keys(change)[0]} changes`, async () => {
        const result = await diff(change);
        expect(result.changes).to.equal(true);
        expect(result.replaces).to.deep.equal([]);
      });
    }

    it("ignores the quota size EM reports when the stack leaves it to EM (unlimited)", async () => {
      const unlimited = { ...olds, unlimitedQuota: true, quotaMb: 102400 };
      expect(await provider.diff("s1", unlimited, declared({ unlimitedQuota: true, quotaMb: undefined }))).to.include({ changes: false });
    });
  });

  for (const { version, format, title } of EM_RUNS) {
    describe(title, () => {
      let em: Emulator;
      let provider: SubtenantProvider;
      let logon: () => Promise<void>;
      beforeEach(async () => {
        const setup = await emulatorFor(format, { emVersion: version });
        em = setup.em;
        provider = new SubtenantProvider({ env: setup.env, pool: setup.pool });
        logon = () => setup.pool.get(connectionSettings(undefined, setup.env)).logon();
      });
      afterEach(() => em.stop());

      async function created(overrides: Partial<SubtenantInputs> = {}) {
        const checked = (await provider.check({} as SubtenantInputs, declared(overrides))).inputs as SubtenantInputs;
        return { inputs: checked, result: await provider.create(checked) };
      }

      it(`logs on with EM ${version}'s own API version (the apiVersion setting reaches the logon)`, async () => {
        await created();
        const logons = em.requests.filter((r) => r.method === "POST" && r.url.includes("/sessionMngr/"));
        expect(logons.map((r) => r.url)).to.deep.equal([`/api/sessionMngr/?v=${emProfile(version).apiVersions.at(-1)}`]);
      });

      it(`speaks ${format.toUpperCase()} on the wire`, async () => {
        await created();
        const answered = em.requests.filter((r) => typeof r.status === "number");
        expect(answered.length).to.be.greaterThan(3);
        expect(new Set(answered.map((r) => r.responseFormat))).to.deep.equal(new Set([format]));
        expect(new Set(em.requests.filter((r) => r.method === "POST" && !r.url.includes("sessionMngr")).map((r) => r.requestFormat))).to.deep.equal(new Set([format]));
      });

      it("creates, reads, updates and deletes a subtenant, with complete plain-JSON outputs", async () => {
        const { inputs, result } = await created();
        const outs = result.outs as SubtenantOutputs;
        const inEm = em.store.state.subtenants.find((s) => s.id === result.id);
        expect(inEm).to.deep.include({ name: "laptop-01", password: "Subtenant-Pass-1", enabled: true, tenantId: ABC });
        expect(outs).to.deep.include({ subtenantId: result.id, tenantId: ABC, tenantName: "ABC Company", quotaMb: 2048, usedQuotaMb: 0, quotaName: "laptop-01", unlimitedQuota: false });
        expect(() => Struct.fromJavaScript(outs as never)).not.to.throw();
        expect(Object.values(outs).some((v) => v === undefined)).to.equal(false);

        const read = await provider.read(result.id, outs);
        expect(read.id).to.equal(result.id);
        expect(read.inputs).to.deep.include({ description: "Laptop of user 01", quotaMb: 2048, password: "Subtenant-Pass-1" });

        const news = { ...inputs, description: "moved to user 02", quotaMb: 4096, enabled: false, password: "New-Pass-3" };
        expect(await provider.diff(result.id, outs, news)).to.include({ changes: true });
        const updated = (await provider.update(result.id, outs, news)).outs as SubtenantOutputs;
        expect(updated).to.deep.include({ subtenantId: result.id, description: "moved to user 02", quotaMb: 4096, enabled: false, tenantName: "ABC Company" });
        expect(em.store.state.subtenants.find((s) => s.id === result.id)).to.deep.include({ password: "New-Pass-3", enabled: false });

        await provider.delete(result.id, updated);
        expect(em.store.state.subtenants.find((s) => s.id === result.id)).to.equal(undefined);
        await provider.delete(result.id, updated); // already gone: done
      });

      it("keeps the password unchanged on EM when an update does not change it", async () => {
        const { inputs, result } = await created();
        em.store.state.subtenants[0].password = "changed-by-em";
        await provider.update(result.id, result.outs as SubtenantOutputs, { ...inputs, description: "only this" });
        expect(em.store.state.subtenants[0].password).to.equal("changed-by-em");
      });

      it("shows out-of-band edits on refresh, as drift against the program", async () => {
        const { inputs, result } = await created();
        Object.assign(em.store.state.subtenants[0], { description: "edited in the console", enabled: false });
        em.store.state.subtenants[0].quota.quotaMb = 3072;
        const read = await provider.read(result.id, result.outs as SubtenantOutputs);
        expect(read.props).to.deep.include({ description: "edited in the console", enabled: false, quotaMb: 3072 });
        expect(read.inputs).to.deep.include({ description: "edited in the console", enabled: false, quotaMb: 3072 });
        // Only what the stack declared comes back as inputs: no output-only fields, no tenantId beside tenantName.
        expect(Object.keys(read.inputs ?? {}).sort()).to.deep.equal(Object.keys(inputs).sort());
        const drift = await provider.diff(result.id, read.props as SubtenantOutputs, inputs);
        expect(drift).to.include({ changes: true });
        expect(drift.replaces).to.deep.equal([]);
      });

      it("returns an empty id on refresh when the subtenant was deleted out of band", async () => {
        const { result } = await created();
        em.store.state.subtenants = [];
        expect(await provider.read(result.id, result.outs as SubtenantOutputs)).to.deep.equal({});
      });

      it("refuses to take over an existing subtenant unless adopt is set, then adopts it with the declared state but EM's password", async () => {
        const first = await created();
        em.store.state.subtenants[0].password = "old";
        let error: Error | undefined;
        await created({ description: "again" }).catch((e) => (error = e));
        expect(error?.message).to.match(/already has a subtenant named 'laptop-01'.*adopt: true/);
        const adopted = await created({ adopt: true, description: "adopted", quotaMb: 8192 });
        expect(adopted.result.id).to.equal(first.result.id);
        expect(em.store.state.subtenants).to.have.length(1);
        expect(em.store.state.subtenants[0]).to.deep.include({ description: "adopted", password: "old" });
        expect(em.store.state.subtenants[0].quota.quotaMb).to.equal(8192);
      });

      it("reports EM's refusal with its message and leaves nothing behind", async () => {
        let error: Error | undefined;
        await created({ quotaMb: 200000 }).catch((e) => (error = e));
        expect(error?.message).to.contain("Creating subtenant 'laptop-01' of tenant 'ABC Company' failed");
        expect(error?.message).to.contain("exceeds the tenant quota");
        expect(em.store.state.subtenants).to.have.length(0);
      });

      it("names the tenants EM has when the declared tenant does not exist", async () => {
        let error: Error | undefined;
        await created({ tenantName: "No Such Company" }).catch((e) => (error = e));
        expect(error?.message).to.contain("EM has no cloud tenant named 'No Such Company'");
        expect(error?.message).to.contain("ABC Company");
      });

      it("still succeeds when EM's answer to the create is lost after EM applied it", async () => {
        await logon();
        em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
        const { result } = await created({ name: "lost-answer" });
        const lost = em.requests.filter((r) => r.status === "lost");
        expect(lost.map((r) => r.method)).to.deep.equal(["POST"]);
        expect(em.store.state.subtenants.map((s) => s.name)).to.deep.equal(["lost-answer"]);
        expect(em.store.state.subtenants[0].id).to.equal(result.id);
      });

      it("never puts the EM password or the subtenant password in an error", async () => {
        let error: Error | undefined;
        await created({ quotaMb: 200000 }).catch((e) => (error = e));
        const text = `${error?.message} ${error?.stack} ${inspect(error)} ${JSON.stringify(error)}`;
        expect(text).not.to.contain(EM_PASSWORD);
        expect(text).not.to.contain("Subtenant-Pass-1");
        expect(writes(em).length).to.be.greaterThan(0);
      });
    });
  }
});
