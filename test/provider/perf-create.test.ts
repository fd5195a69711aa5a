/**
 * Issue 11: what a create costs at EM, counted at the emulator. Without `adopt` nothing is looked for before the
 * POST (EM's refusal of a taken name says it exists); the tenant and EM's role list are read once per run.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs } from "../../provider/resources/account/inputs";
import { connectionSettings } from "../../provider/resources/connection";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs, SubtenantOutputs } from "../../provider/resources/subtenant/inputs";
import { ABC_RESOURCE, emulatorFor } from "./support";

const subtenant = (name: string) =>
  ({ tenantName: "ABC Company", name, password: "Subtenant-Pass-1", description: "", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false }) as SubtenantInputs;
const account = (name: string) => ({ accountType: "User", accountName: `TECH\\${name}`, roles: ["Portal User"], allowRestoreAllVms: true }) as EnterpriseAccountInputs;
const paths = (em: Emulator, from: number) => em.requests.slice(from).map((r) => `${r.method} ${r.url.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}").replace(/\?.*$/, "")}`);

describe("create, update and delete requests (issue 11)", function () {
  this.timeout(30_000);
  let em: Emulator;
  afterEach(() => em?.stop());

  it("a subtenant create sends the POST first (the tenant read once per run), then polls and looks up the new id", async () => {
    const setup = await emulatorFor("xml", { taskDurationMs: 10 });
    em = setup.em;
    const provider = new SubtenantProvider({ env: setup.env, pool: setup.pool });
    await setup.pool.get(connectionSettings(undefined, setup.env)).logon();
    await provider.create(subtenant("counted-1"));
    const before = em.requests.length;
    await provider.create(subtenant("counted-2"));
    const made = paths(em, before);
    expect(made[0], made.join("\n")).to.equal("POST /api/cloud/tenants/{id}/subtenants");
    expect(made.filter((p) => p.startsWith("GET /api/tasks")).length, made.join("\n")).to.be.at.least(1);
    expect(made.filter((p) => p === "GET /api/query"), "one look-up of the new id").to.have.length(1);
    expect(made.filter((p) => !p.startsWith("GET /api/tasks")), "besides polls: the POST and the id's look-up").to.have.length(2);
  });

  it("a subtenant update is the PUT and its polls, a delete the DELETE and its polls: nothing read back", async () => {
    const setup = await emulatorFor("json", { taskDurationMs: 10 });
    em = setup.em;
    const provider = new SubtenantProvider({ env: setup.env, pool: setup.pool });
    const created = await provider.create(subtenant("counted"));
    const outs = created.outs as SubtenantOutputs;
    let before = em.requests.length;
    const updated = (await provider.update(created.id, outs, { ...subtenant("counted"), description: "changed", quotaMb: 4096 })).outs as SubtenantOutputs;
    expect(paths(em, before).filter((p) => !p.startsWith("GET /api/tasks"))).to.deep.equal(["PUT /api/cloud/tenants/{id}/subtenants/{id}"]);
    expect(updated).to.deep.include({ description: "changed", quotaMb: 4096, usedQuotaMb: outs.usedQuotaMb, subtenantId: created.id });
    expect(em.store.state.subtenants.find((x) => x.id === created.id)).to.deep.include({ description: "changed" });
    before = em.requests.length;
    await provider.delete(created.id, updated);
    expect(paths(em, before).filter((p) => !p.startsWith("GET /api/tasks"))).to.deep.equal(["DELETE /api/cloud/tenants/{id}/subtenants/{id}"]);
  });

  it("a taken subtenant name is refused by EM, then named with its id and left untouched", async () => {
    const setup = await emulatorFor("xml", { taskDurationMs: 10 });
    em = setup.em;
    const provider = new SubtenantProvider({ env: setup.env, pool: setup.pool });
    const first = await provider.create(subtenant("taken"));
    const writes = () => em.requests.filter((r) => r.method !== "GET" && !r.url.includes("sessionMngr")).length;
    const before = writes();
    const err = await provider.create(subtenant("TAKEN")).then(
      () => expect.fail("the name is taken"),
      (e: Error) => e,
    );
    expect(err.message).to.include(`already has a subtenant named 'taken' (id ${first.id}). It was left untouched. Set adopt: true`);
    expect(writes() - before, "only the refused POST").to.equal(1);
  });

  it("an account create is one POST (the id from its Location, nothing read back); EM's roles are read once per run", async () => {
    const setup = await emulatorFor("json");
    em = setup.em;
    const provider = new EnterpriseAccountProvider({ env: setup.env, pool: setup.pool });
    await setup.pool.get(connectionSettings(undefined, setup.env)).logon();
    const before = em.requests.length;
    const first = await provider.create(account("counted-1"));
    await provider.create(account("counted-2"));
    const made = paths(em, before);
    expect(first.outs).to.deep.include({ accountId: first.id, accountUid: `urn:veeam:EnterpriseAccount:${first.id}`, accountName: "TECH\\counted-1", allowRestoreAllVms: true, roleNames: ["Portal User"] });
    expect(em.store.state.accounts.find((a) => a.id === first.id)?.name).to.equal("TECH\\counted-1");
    expect(made.filter((p) => p === "GET /api/security/roles"), made.join("\n")).to.have.length(1);
    expect(made.filter((p) => p !== "GET /api/security/roles"), made.join("\n")).to.deep.equal([
      "POST /api/security/accounts",
      "POST /api/security/accounts",
    ]);
  });
});
