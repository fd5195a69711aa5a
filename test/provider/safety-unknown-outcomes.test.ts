/**
 * Issue 9, defects 3 and 6 after the first wave: changes whose outcome is unknown more than once in a row are
 * settled by looking at EM and sent again (bounded), and an account EM made is recorded even when reading it back
 * fails. Driven as the engine drives the providers (no step retried).
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { UNKNOWN_OUTCOME_SENDS } from "../../provider/client/client";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs } from "../../provider/resources/account/inputs";
import { ClientPool, connectionSettings } from "../../provider/resources/connection";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs, SubtenantOutputs } from "../../provider/resources/subtenant/inputs";
import { ABC_RESOURCE, emulatorFor, onVirtualClock, poolOn, proxyTo } from "./support";
import { clockOf, VirtualClock } from "../support/virtual-clock";

const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error }));


describe("safety: unknown outcomes settled by looking at EM (issue 9, defects 3 and 6)", () => {
  let em: Emulator;
  let env: NodeJS.ProcessEnv;
  afterEach(() => em.stop());

  it("a subtenant edit whose connection breaks twice in a row: EM is read each time, the edit is sent again and applied", async () => {
    ({ em, env } = await emulatorFor("xml", { taskDurationMs: 30 }));
    let resends = 0;
    const pool = new ClientPool((m) => {
      if (/sending it again/.test(m) && ++resends === UNKNOWN_OUTCOME_SENDS - 1) em.faults.reset();
    }, onVirtualClock(clockOf(em)));
    const provider = new SubtenantProvider({ env, pool });
    const inputs = { tenantName: "ABC Company", name: "edit-twice", password: "Subtenant-Pass-1", description: "before", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false } as SubtenantInputs;
    const created = await provider.create(inputs);
    // Broken before EM took it: the outcome is unknown to the client, and EM shows the old description.
    em.faults.update({ resetRate: 1, onlyMethods: ["PUT"] });
    const result = await settle(provider.update(created.id as string, created.outs as SubtenantOutputs, { ...inputs, description: "after" }));
    expect(result, JSON.stringify(result)).to.have.property("value");
    expect(em.store.state.subtenants.find((s) => s.id === created.id)?.description).to.equal("after");
    expect(em.requests.filter((r) => r.method === "PUT").map((r) => r.status)).to.deep.equal(["reset", "reset", 202]);
  });

  it("a subtenant edit that never gets through stops after a bounded number of sends, with the reason", async () => {
    ({ em, env } = await emulatorFor("json", { taskDurationMs: 30 }));
    const provider = new SubtenantProvider({ env, pool: poolOn(clockOf(em)) });
    const inputs = { tenantName: "ABC Company", name: "edit-never", password: "Subtenant-Pass-1", description: "before", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false } as SubtenantInputs;
    const created = await provider.create(inputs);
    em.faults.update({ resetRate: 1, onlyMethods: ["PUT"] });
    const result = await settle(provider.update(created.id as string, created.outs as SubtenantOutputs, { ...inputs, description: "after" }));
    expect((result as { error: Error }).error.message).to.match(/ECONNRESET.*check the URL/);
    expect(em.requests.filter((r) => r.method === "PUT")).to.have.length(UNKNOWN_OUTCOME_SENDS);
    expect(em.store.state.subtenants.find((s) => s.id === created.id)?.description).to.equal("before");
  });

  it("an account create whose connection broke: EM has no such account, so it is sent again at once, and the create ends with its id", async () => {
    const clock = new VirtualClock();
    ({ em, env } = await emulatorFor("xml", { clock }));
    const pool = new ClientPool((m) => /sending it again/.test(m) && em.faults.reset(), onVirtualClock(clock));
    const provider = new EnterpriseAccountProvider({ env, pool });
    await pool.get(connectionSettings(undefined, env)).logon();
    em.faults.update({ resetRate: 1, onlyMethods: ["POST"] });
    const started = clock.now();
    const result = await provider.create({ accountType: "User", accountName: "TECH\\sent-twice", roles: ["Portal User"], allowRestoreAllVms: true } as EnterpriseAccountInputs);
    // On the clock EM and the client share, nothing waited: no request timeout, no backoff before the second send.
    expect(clock.waits, "no wait").to.deep.equal([]);
    expect(clock.now()).to.equal(started);
    expect(em.store.state.accounts.filter((a) => a.name === "TECH\\sent-twice").map((a) => a.id)).to.deep.equal([result.id]);
    expect(em.requests.filter((r) => r.method === "POST" && r.url === "/api/security/accounts").map((r) => r.status)).to.deep.equal(["reset", 201]);
  });

  it("an account EM created while its reads fail is recorded with its id: the create reads nothing back", async () => {
    const setup = await emulatorFor("xml");
    em = setup.em;
    const proxy = await proxyTo(em.url);
    try {
      const env = { ...setup.env, VEEAM_EM_URL: proxy.url, VEEAM_EM_REQUEST_TIMEOUT_SECONDS: "1", VEEAM_EM_RETRY_BUDGET_SECONDS: "1" };
      const provider = new EnterpriseAccountProvider({ env, pool: poolOn(clockOf(em)) });
      const inputs = { accountType: "User", accountName: "TECH\\unread", roles: ["Portal User"], allowRestoreAllVms: true, __provider: "serialized-provider" } as unknown as EnterpriseAccountInputs;
      let created = false;
      proxy.set((req) => {
        if (req.method === "POST" && req.url === "/api/security/accounts") created = true;
        return created && req.method === "GET" && /\/security\/accounts\/[0-9a-f-]{36}/.test(req.url ?? "") ? { status: 500, body: "<html><title>Internal error</title></html>" } : undefined;
      });
      const result = await provider.create(inputs);
      const inEm = em.store.state.accounts.find((a) => a.name === "TECH\\unread");
      expect(inEm, "EM has the account").to.not.equal(undefined);
      expect(result.id).to.equal(inEm?.id);
      expect(result.outs).to.deep.include({ accountId: inEm?.id, accountName: "TECH\\unread", roleNames: ["Portal User"] });
      proxy.set(undefined);
      const updated = (await provider.update(result.id, result.outs as EnterpriseAccountOutputs, inputs)).outs as EnterpriseAccountOutputs;
      expect(updated.roleNames).to.deep.equal(["Portal User"]);
      expect(em.store.state.accounts.filter((a) => a.name === "TECH\\unread")).to.have.length(1);
    } finally {
      await proxy.stop();
    }
  });
});
