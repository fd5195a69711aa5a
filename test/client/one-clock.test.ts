/** The clock a client is given is the one its waits and deadlines read (against the emulator over HTTP). */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { subtenantReads } from "../../provider/client";
import { clientFor, clockOf, emulator } from "./helpers";

const TENANT_ID = "28ddf9b9-12fa-431a-a34c-a327f05c3920";

describe("client: one injected clock", () => {
  let em: Emulator;
  afterEach(async () => {
    await em?.stop();
  });

  it("waits EM's Retry-After on the injected clock, not the real one, and counts the retry budget on it", async () => {
    // 60 s of Retry-After would outlast this test's timeout on the real clock.
    em = await emulator({ faults: { retryAfterSeconds: 60 } });
    const clock = clockOf(em);
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 120_000, budgetMs: 600_000 } }, { clock, onProgress: (m) => /retrying/.test(m) && em.faults.update({ throttleRate: 0 }) });
    await client.logon();
    em.faults.update({ throttleRate: 1 });
    await client.listRoles();
    expect(clock.waits).to.deep.equal([60_000]);
    expect(em.requests.filter((r) => r.url === "/api/security/roles").map((r) => r.status)).to.deep.equal([429, 200]);
  });

  it("gives up when the injected clock says the retry budget is spent", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 1 } });
    // Once EM has answered 429, this clock reads 40 s later: the 30 s budget is spent, so there is no retry. On
    // the real clock the request would be repeated after the 1 s Retry-After.
    const throttled = () => em.requests.some((r) => r.status === 429);
    const clock = clockOf(em);
    const virtualNow = clock.now;
    clock.now = () => virtualNow() + (throttled() ? 40_000 : 0);
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2, budgetMs: 30_000 } }, { clock });
    await client.logon();
    em.faults.update({ throttleRate: 1 });
    const err = await client.listRoles().then(
      () => undefined,
      (e: unknown) => e as Error & { status?: number },
    );
    expect(err?.status).to.equal(429);
    expect(clock.waits).to.deep.equal([]);
    expect(em.requests.filter((r) => r.url === "/api/security/roles")).to.have.length(1);
  });
});

describe("client: one injected clock ages the lists held for refresh", () => {
  let em: Emulator;
  afterEach(async () => {
    await em?.stop();
  });

  it("a tenant's subtenant list held for reads expires when the client's clock says 30 s have passed", async () => {
    em = await emulator();
    const clock = clockOf(em);
    const client = clientFor(em, {}, { clock });
    for (const [i, id] of ["7c1e0f4a-0000-4000-8000-000000000001", "7c1e0f4a-0000-4000-8000-000000000002"].entries()) {
      em.store.state.subtenants.push({ id, tenantId: TENANT_ID, name: `held-${i}`, description: "", password: "x", enabled: true, quota: { unlimited: true, displayName: "q", tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e", quotaMb: 0, usedQuotaMb: 0, quotaId: `q${i}` } });
    }
    const seeded = em.store.state.subtenants.filter((s) => s.tenantId === TENANT_ID);
    const reads = subtenantReads(client);
    const queries = () => em.requests.filter((r) => r.method === "GET" && /CloudSubtenant|\/subtenants/.test(r.url)).length;
    await Promise.all(seeded.map((s) => reads.read(TENANT_ID, s.id)));
    const afterFirst = queries();
    await reads.read(TENANT_ID, seeded[0].id);
    expect(queries(), "answered from the held list").to.equal(afterFirst);
    clock.advance(31_000);
    await reads.read(TENANT_ID, seeded[0].id);
    expect(queries(), "the list aged out on the injected clock: read afresh").to.be.greaterThan(afterFirst);
  });
});
