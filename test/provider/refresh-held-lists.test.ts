/**
 * Refresh at the CLI's parallelism: the reads of a run are answered from lists held for a short while (a tenant's
 * subtenants, EM's accounts), counted at the emulator. Counts, never times.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs } from "../../provider/resources/account/inputs";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs, SubtenantOutputs } from "../../provider/resources/subtenant/inputs";
import { ABC_RESOURCE, emulatorFor, proxyTo } from "./support";

const declared: SubtenantInputs = { tenantName: "ABC Company", name: "first", password: "Subtenant-Pass-1", description: "d", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false } as SubtenantInputs;

/** Runs `work` for 0..n-1, `lanes` at a time, as the engine does with --parallel. */
async function inParallel(n: number, lanes: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < n) await work(next++);
  }));
}

describe("refresh at the CLI's parallelism: held lists", function () {
  this.timeout(60_000);
  let em: Emulator;
  afterEach(() => em?.stop());

  /** A created subtenant and `n - 1` more of the same tenant put straight into EM, as the stack would hold them. */
  async function subtenantStack(n: number, url?: (emUrl: string) => Promise<string>) {
    const setup = await emulatorFor("xml");
    em = setup.em;
    const env = url ? { ...setup.env, VEEAM_EM_URL: await url(em.url) } : setup.env;
    const provider = new SubtenantProvider({ env, pool: setup.pool });
    const first = await provider.create((await provider.check({} as SubtenantInputs, declared)).inputs as SubtenantInputs);
    const template = em.store.state.subtenants[0];
    const stack: Array<{ id: string; outs: SubtenantOutputs }> = [{ id: first.id, outs: first.outs as SubtenantOutputs }];
    for (let i = 1; i < n; i++) {
      const id = `${i.toString(16).padStart(8, "0")}-2222-4222-8222-222222222222`;
      em.store.state.subtenants.push({ ...structuredClone(template), id, name: `sub-${i}`, description: `d${i}` });
      stack.push({ id, outs: { ...(first.outs as SubtenantOutputs), subtenantId: id, name: `sub-${i}`, description: `d${i}` } });
    }
    return { provider, stack };
  }

  for (const parallel of [4, 16]) {
    it(`refreshes 500 subtenants at --parallel ${parallel} with one query per page (5) and no GET`, async () => {
      const { provider, stack } = await subtenantStack(500);
      const before = em.requests.length;
      const reads: Array<Awaited<ReturnType<SubtenantProvider["read"]>>> = [];
      await inParallel(stack.length, parallel, async (i) => {
        reads[i] = await provider.read(stack[i].id, stack[i].outs);
      });
      const made = em.requests.slice(before);
      expect(made.map((r) => r.url).filter((u) => u.startsWith("/api/query?type=CloudSubtenant")), made.map((r) => r.url).join("\n")).to.have.length(5);
      expect(made.length).to.be.at.most(8);
      expect(reads.map((r) => r.id)).to.deep.equal(stack.map((s) => s.id));
      expect(reads[321].props).to.deep.include({ name: "sub-321", description: "d321" });
    });
  }

  it("reads a subtenant again after the same run changed it, and a deleted one only on EM's 404", async () => {
    const { provider, stack } = await subtenantStack(30);
    await inParallel(10, 10, async (i) => void (await provider.read(stack[i].id, stack[i].outs)));
    const queries = () => em.requests.filter((r) => r.url.startsWith("/api/query?type=CloudSubtenant")).length;
    const held = queries();
    // Held: the next read costs nothing.
    const before = em.requests.length;
    expect((await provider.read(stack[12].id, stack[12].outs)).props).to.deep.include({ description: "d12" });
    expect(em.requests.length).to.equal(before);

    const news = { ...(stack[12].outs as unknown as SubtenantInputs), description: "changed by this run" };
    await provider.update(stack[12].id, stack[12].outs, news);
    const updated = em.requests.length;
    const read = await provider.read(stack[12].id, stack[12].outs);
    expect(read.props).to.deep.include({ description: "changed by this run" });
    // Not from the list held before the change: EM was asked again.
    expect(em.requests.slice(updated).map((r) => r.url)).to.deep.equal([`/api/cloud/tenants/${stack[12].outs.tenantId}/subtenants/${stack[12].id}`]);
    expect(queries()).to.equal(held);

    em.store.state.subtenants = em.store.state.subtenants.filter((s) => s.id !== stack[20].id);
    const pair = await Promise.all([20, 21].map((i) => provider.read(stack[i].id, stack[i].outs)));
    expect(pair[0]).to.deep.equal({});
    expect(pair[1].id).to.equal(stack[21].id);
    expect(em.requests.filter((r) => r.url.includes(`/subtenants/${stack[20].id}`)).map((r) => r.status)).to.deep.equal([404]);
  });

  it("a page that fails fails its reads (never gone), and the next reads ask EM again", async () => {
    let failing = false;
    let proxy: Awaited<ReturnType<typeof proxyTo>> | undefined;
    const { provider, stack } = await subtenantStack(150, async (emUrl) => {
      proxy = await proxyTo(emUrl);
      proxy.set((req) => (failing && req.url?.startsWith("/api/query?type=CloudSubtenant") ? { status: 400, body: "injected" } : undefined));
      return proxy.url;
    });
    failing = true;
    try {
      const settled = await Promise.allSettled(stack.slice(0, 8).map((s) => provider.read(s.id, s.outs)));
      expect(settled.map((s) => s.status)).to.deep.equal(Array(8).fill("rejected"));
      failing = false;
      const again = await Promise.all(stack.slice(0, 8).map((s) => provider.read(s.id, s.outs)));
      expect(again.map((r) => r.id)).to.deep.equal(stack.slice(0, 8).map((s) => s.id));
    } finally {
      await proxy?.stop();
    }
  });

  it("refreshes N accounts in at most N + 2 requests (EM's account list, then one role list each)", async () => {
    const setup = await emulatorFor("xml");
    em = setup.em;
    const provider = new EnterpriseAccountProvider({ env: setup.env, pool: setup.pool });
    const stack: Array<{ id: string; outs: EnterpriseAccountOutputs }> = [];
    for (let i = 0; i < 40; i++) {
      const inputs = (await provider.check({} as EnterpriseAccountInputs, { accountType: "User", accountName: `TECH\\user${i}`, roles: ["Portal User"], allowRestoreAllVms: true } as unknown as EnterpriseAccountInputs)).inputs as EnterpriseAccountInputs;
      const made = await provider.create(inputs);
      stack.push({ id: made.id, outs: made.outs as EnterpriseAccountOutputs });
    }
    em.store.state.accounts.find((a) => a.id === stack[7].id)!.allowRestoreAllVms = false;
    em.store.state.accounts = em.store.state.accounts.filter((a) => a.id !== stack[9].id);
    const before = em.requests.length;
    const reads: Array<Awaited<ReturnType<EnterpriseAccountProvider["read"]>>> = [];
    await inParallel(stack.length, 16, async (i) => {
      reads[i] = await provider.read(stack[i].id, stack[i].outs);
    });
    const made = em.requests.slice(before).map((r) => `${r.method} ${r.url}`);
    expect(made.filter((u) => u === "GET /api/security/accounts?format=Entity"), made.join("\n")).to.have.length(1);
    // Roles for each; the scope of the one EM now restricts; the deleted one's own GET (404).
    expect(made.length).to.be.at.most(stack.length + 2 + 1);
    expect(made.filter((u) => /accounts\/[0-9a-f-]{36}\?format=Entity/.test(u))).to.deep.equal([`GET /api/security/accounts/${stack[9].id}?format=Entity`]);
    expect(reads[9]).to.deep.equal({});
    expect(reads[7].props).to.deep.include({ allowRestoreAllVms: false });
    expect(reads.filter((r) => r.id).length).to.equal(39);

    // A change of this run ends the list's use: the account is read as EM has it after the change.
    await provider.update(stack[3].id, stack[3].outs, { ...(stack[3].outs as unknown as EnterpriseAccountInputs), allowRestoreAllVms: false });
    const lists = () => em.requests.filter((r) => r.url === "/api/security/accounts?format=Entity").length;
    const listed = lists();
    const after = await Promise.all([3, 4].map((i) => provider.read(stack[i].id, stack[i].outs)));
    expect(after[0].props).to.deep.include({ allowRestoreAllVms: false });
    expect(lists()).to.equal(listed + 1);
  });
});
