/** Issue 11: refresh requests through the providers, counted at the emulator. */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs } from "../../provider/resources/account/inputs";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs, SubtenantOutputs } from "../../provider/resources/subtenant/inputs";
import { ABC_RESOURCE, emulatorFor } from "./support";

const declared: SubtenantInputs = { tenantName: "ABC Company", name: "first", password: "Subtenant-Pass-1", description: "d", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false } as SubtenantInputs;

describe("refresh requests (issue 11)", function () {
  this.timeout(60_000);
  let em: Emulator;
  afterEach(() => em?.stop());

  for (const format of ["xml", "json"] as const) {
    it(`reads 250 subtenants with one paged query (3 pages) and shows each one's drift (${format})`, async () => {
      const setup = await emulatorFor(format);
      em = setup.em;
      const provider = new SubtenantProvider({ env: setup.env, pool: setup.pool });
      const checked = (await provider.check({} as SubtenantInputs, declared)).inputs as SubtenantInputs;
      const first = await provider.create(checked);
      const template = em.store.state.subtenants[0];
      const stack: Array<{ id: string; outs: SubtenantOutputs }> = [{ id: first.id, outs: first.outs as SubtenantOutputs }];
      for (let i = 1; i < 250; i++) {
        const id = `${i.toString(16).padStart(8, "0")}-1111-4111-8111-111111111111`;
        em.store.state.subtenants.push({ ...structuredClone(template), id, name: `sub-${i}`, description: `d${i}` });
        stack.push({ id, outs: { ...(first.outs as SubtenantOutputs), subtenantId: id, name: `sub-${i}` } });
      }
      // Drift on one, another deleted out of band.
      em.store.state.subtenants.find((s) => s.id === stack[120].id)!.description = "edited in the console";
      em.store.state.subtenants = em.store.state.subtenants.filter((s) => s.id !== stack[200].id);
      const before = em.requests.length;

      const reads = await Promise.all(stack.map(({ id, outs }) => provider.read(id, outs)));

      const made = em.requests.slice(before);
      expect(made.filter((r) => r.url.startsWith("/api/query")), made.map((r) => r.url).join("\n")).to.have.length(3);
      // The one the pages lacked is looked up by its own GET (404) before it is called gone.
      expect(made.filter((r) => /\/subtenants\//.test(r.url)).map((r) => r.status)).to.deep.equal([404]);
      expect(made).to.have.length(4);
      expect(reads[200]).to.deep.equal({});
      expect(reads[120].props).to.deep.include({ description: "edited in the console" });
      expect(reads[37].id).to.equal(stack[37].id);
      expect(reads[37].props).to.deep.include({ name: "sub-37", description: "d37" });
      expect(reads.filter((r) => r.id).length).to.equal(249);
    });
  }

  describe("account reads", () => {
    const readsOf = (before: number, id: string) => em.requests.slice(before).map((r) => `${r.method} ${r.url.replace(id, "{id}")}`).sort();
    const ENTITY_AND_ROLES = ["GET /api/security/accounts/{id}/roles", "GET /api/security/accounts/{id}?format=Entity"];
    const WITH_SCOPE = ["GET /api/security/accounts/{id}/roles", "GET /api/security/accounts/{id}/scopes", "GET /api/security/accounts/{id}?format=Entity"];
    async function created(args: Record<string, unknown>) {
      const setup = await emulatorFor("xml");
      em = setup.em;
      const provider = new EnterpriseAccountProvider({ env: setup.env, pool: setup.pool });
      const inputs = (await provider.check({} as EnterpriseAccountInputs, { accountType: "User", accountName: "TECH\\alice", roles: ["Portal User"], ...args } as unknown as EnterpriseAccountInputs)).inputs as EnterpriseAccountInputs;
      const made = await provider.create(inputs);
      return { provider, id: made.id, outs: made.outs as EnterpriseAccountOutputs };
    }

    it("reads an account that may restore all VMs with two GETs (entity and roles; EM applies no scope to it), and a deleted one as gone", async () => {
      const { provider, id, outs } = await created({ allowRestoreAllVms: true });
      let before = em.requests.length;
      const read = await provider.read(id, outs);
      expect(read.id).to.equal(id);
      expect(readsOf(before, id)).to.deep.equal(ENTITY_AND_ROLES);

      em.store.state.accounts = em.store.state.accounts.filter((a) => a.id !== id);
      before = em.requests.length;
      expect(await provider.read(id, outs)).to.deep.equal({});
      // A second read: EM's account list is asked for, and the account's own GET (404) says it is gone.
      expect(em.requests.slice(before).find((r) => r.url.includes(id))?.status).to.equal(404);
    });

    it("reads a restricted account's scope together with it (three GETs), and shows a scope item added in EM", async () => {
      const { provider, id, outs } = await created({ allowRestoreAllVms: false, hierarchyScopeObjects: [{ objectName: "VM01" }] });
      em.store.state.accounts.find((a) => a.id === id)!.scope.push({ id: "0d7c0a3e-2f0e-4d3c-9f62-1b2a3c4d5e6f", objectName: "VM02", hierarchyObjRef: "urn:VMware:Vm:x.vm-2" });
      const before = em.requests.length;
      const read = await provider.read(id, outs);
      expect(readsOf(before, id)).to.deep.equal(WITH_SCOPE);
      expect((read.inputs as EnterpriseAccountInputs).hierarchyScopeObjects?.map((s) => s.objectName)).to.deep.equal(["VM01", "VM02"]);
    });

    it("reads the scope after all when EM restricts an account the stack lets restore all VMs, and shows it as drift", async () => {
      const { provider, id, outs } = await created({ allowRestoreAllVms: true });
      const account = em.store.state.accounts.find((a) => a.id === id)!;
      account.allowRestoreAllVms = false;
      account.scope.push({ id: "0d7c0a3e-2f0e-4d3c-9f62-1b2a3c4d5e6f", objectName: "VM09", hierarchyObjRef: "urn:VMware:Vm:x.vm-9" });
      const before = em.requests.length;
      const read = await provider.read(id, outs);
      expect(readsOf(before, id)).to.deep.equal(WITH_SCOPE);
      expect(read.inputs).to.deep.include({ allowRestoreAllVms: false, hierarchyScopeObjects: [{ objectName: "VM09" }] });
    });
  });
});
