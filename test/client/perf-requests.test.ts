/**
 * Issue 11: requests and connections the client spends, counted at the emulator (and at a small forwarding server
 * of the test's own, which counts TCP connections and can fail chosen requests). Counts, never times.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient, HELD_FOR_MS, runLookups, SubtenantReads } from "../../provider/client";
import { ABC_RESOURCE_ID, ABC_TENANT_ID, ADMIN, clockOf, count, emulator, forwarder } from "./helpers";

const OTHER_TENANT_ID = "5b6d3f0a-0c1e-4a8e-9f6b-2d7c1e3a4b50";

/** Forwards to the emulator, counting TCP connections; answers 500 to requests `fail` picks. */

function subtenantsOf(em: Emulator, tenantId: string, n: number, prefix: string): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const hex = `${prefix}${i.toString(16).padStart(8 - prefix.length, "0")}-0000-4000-8000-${"0".repeat(12)}`;
    em.store.state.subtenants.push({ id: hex, tenantId, name: `${prefix}-sub-${i}`, description: "", password: "x", enabled: true, quota: { unlimited: true, displayName: "", tenantResourceId: ABC_RESOURCE_ID, quotaMb: 1024, usedQuotaMb: 0, quotaId: hex } });
    ids.push(hex);
  }
  return ids;
}

describe("client: requests and connections (issue 11)", function () {
  this.timeout(60_000);
  let em: Emulator;
  afterEach(() => em?.stop());

  it("reuses one kept-alive connection for reads, polls and edits, and opens a fresh one (ahead) for each create", async () => {
    em = await emulator({ taskDurationMs: 20 });
    const fwd = await forwarder(em);
    const client = new EmClient({ url: fwd.url, allowInsecureHttp: true, credentials: ADMIN }, { clock: clockOf(em) });
    try {
      for (let i = 0; i < 20; i++) await client.listTenants();
      expect(fwd.counts.connections, "20 reads after the logon").to.equal(1);
      const created = await client.addSubtenant(ABC_TENANT_ID, { name: "ka-1", password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true });
      expect(fwd.counts.connections, "one POST on a connection of its own, and a spare opened for the next change").to.equal(3);
      await client.editSubtenant(ABC_TENANT_ID, created.id, { name: "ka-1", description: "edited", enabled: true, password: "", repositoryQuota: { unlimited: true, tenantResourceId: ABC_RESOURCE_ID, quotaMb: 1024 } });
      expect(fwd.counts.connections, "the PUT (safe to send again) rides the kept-alive connection").to.equal(3);
      await client.deleteSubtenant(ABC_TENANT_ID, created.id);
      expect(fwd.counts.connections, "a DELETE and its polls reuse").to.equal(3);
    } finally {
      await client.close();
      await fwd.close();
    }
  });

  it("learns when a kind of task finishes: later creates poll once", async () => {
    em = await emulator({ taskDurationMs: 150 });
    const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em) });
    try {
      const polls: number[] = [];
      for (let i = 0; i < 8; i++) {
        const before = count(em, "GET", /^\/api\/tasks\//);
        await client.createSubtenant(ABC_TENANT_ID, { name: `learn-${i}`, password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true });
        polls.push(count(em, "GET", /^\/api\/tasks\//) - before);
      }
      // Unlearned: first poll at 100 ms, then every 200 ms: two polls for a 150 ms task.
      expect(polls[0]).to.equal(2);
      const later = polls.slice(1).sort((a, b) => a - b);
      expect(later[Math.floor(later.length / 2)], `polls per create: ${polls.join(", ")}`).to.equal(1);
      expect(Math.max(...later)).to.be.at.most(2);
    } finally {
      await client.close();
    }
  });

  describe("batched subtenant reads", () => {
    async function setup() {
      em = await emulator();
      const abc = em.store.state.tenants[0];
      em.store.state.tenants.push({ ...structuredClone(abc), id: OTHER_TENANT_ID, name: "Other Company" });
      return { abcIds: subtenantsOf(em, ABC_TENANT_ID, 250, "a"), otherIds: subtenantsOf(em, OTHER_TENANT_ID, 30, "b") };
    }
    const queries = () => count(em, "GET", /^\/api\/query\?type=CloudSubtenant/);
    const gets = () => count(em, "GET", /^\/api\/cloud\/tenants\/[^/]+\/subtenants\/[^/?]+/);

    it("answers reads that arrive together with one paged query per tenant", async () => {
      const { abcIds, otherIds } = await setup();
      const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em) });
      const reads = new SubtenantReads(client, { clock: clockOf(em) });
      try {
        const results = await Promise.all([...abcIds.map((id) => reads.read(ABC_TENANT_ID, id)), ...otherIds.map((id) => reads.read(OTHER_TENANT_ID, id))]);
        expect(results.map((s) => s?.id)).to.deep.equal([...abcIds, ...otherIds]);
        expect(results.slice(0, 3).map((s) => s?.name)).to.deep.equal(["a-sub-0", "a-sub-1", "a-sub-2"]);
        // 250 of ABC: pages of 100 → 3; 30 of the other tenant: 1.
        expect(queries()).to.equal(4);
        expect(gets()).to.equal(0);
      } finally {
        await client.close();
      }
    });

    it("says gone only after EM's own 404 for that subtenant; a lone read is one GET; the held list answers later reads", async () => {
      const { abcIds } = await setup();
      const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em) });
      // The window takes no time here: the held list's age is the time the test lets pass on the one clock.
      const clock = clockOf(em);
      const reads = new SubtenantReads(client, { clock, windowMs: 0 });
      try {
        expect((await reads.read(ABC_TENANT_ID, abcIds[3]))?.id).to.equal(abcIds[3]);
        expect([queries(), gets()], "a lone read").to.deep.equal([0, 1]);
        em.store.state.subtenants = em.store.state.subtenants.filter((s) => s.id !== abcIds[7]);
        const results = await Promise.all(abcIds.slice(0, 20).map((id) => reads.read(ABC_TENANT_ID, id)));
        expect(results.filter((s) => s === undefined)).to.have.length(1);
        expect(results[7]).to.equal(undefined);
        // 21 reads of the tenant so far: its 3 pages are read; the missing one is looked up by itself before being called gone.
        expect([queries(), gets()]).to.deep.equal([3, 2]);
        // Held: answered from the list, until it is HELD_FOR_MS old.
        expect((await reads.read(ABC_TENANT_ID, abcIds[240]))?.id).to.equal(abcIds[240]);
        clock.advance(HELD_FOR_MS);
        expect((await reads.read(ABC_TENANT_ID, abcIds[241]))?.id).to.equal(abcIds[241]);
        expect([queries(), gets()]).to.deep.equal([3, 2]);
        clock.advance(1);
        expect((await reads.read(ABC_TENANT_ID, abcIds[242]))?.id).to.equal(abcIds[242]);
        expect([queries(), gets()], "too old: asked again").to.deep.equal([3, 3]);
      } finally {
        await client.close();
      }
    });

    it("asks for exactly their subtenants, by UID, for a few reads of a tenant whose pages are more than its reads", async () => {
      const { abcIds } = await setup();
      const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em) });
      const reads = new SubtenantReads(client, { clock: clockOf(em) });
      try {
        em.store.state.subtenants = em.store.state.subtenants.filter((s) => s.id !== abcIds[245]);
        const got = await Promise.all([abcIds[240], abcIds[245]].map((id) => reads.read(ABC_TENANT_ID, id)));
        expect(got.map((s) => s?.id)).to.deep.equal([abcIds[240], undefined]);
        // Two reads: at most two pages (ABC has three), then one query by UID for both; the one it did not show
        // is looked up alone, and only its 404 says gone.
        expect([queries(), gets()]).to.deep.equal([3, 1]);
        const byId = em.requests.filter((r) => r.url.startsWith("/api/query?type=CloudSubtenant")).map((r) => decodeURIComponent(r.url))[2];
        expect(byId).to.match(/filter=UID=="[0-9a-f-]{36}",UID=="/);
      } finally {
        await client.close();
      }
    });

    for (const [what, status, lasting] of [["refused for good (400)", 400, true], ["failing in passing (500)", 500, false]] as const) {
      it(`takes one GET each when the query by UID is ${what}${lasting ? ", and asks it no more" : ""}`, async () => {
        const { abcIds } = await setup();
        let asked = 0;
        const fwd = await forwarder(em, (url) => (decodeURIComponent(url).includes("UID==") && ++asked > 0 ? { status, body: "injected" } : undefined));
        const client = new EmClient({ url: fwd.url, allowInsecureHttp: true, credentials: ADMIN }, { clock: clockOf(em) });
        const clock = clockOf(em);
        const reads = new SubtenantReads(client, { clock });
        try {
          // Two reads of page 3: pages 1 and 2 read, then the two by UID.
          for (const batch of [abcIds.slice(200, 202), abcIds.slice(210, 212)]) {
            clock.advance(2 * HELD_FOR_MS);
            const got = await Promise.all(batch.map((id) => reads.read(ABC_TENANT_ID, id)));
            expect(got.map((s) => s?.id)).to.deep.equal(batch);
          }
          expect(gets(), "one GET per read the query did not answer").to.equal(4);
          // The forwarder answers the UID queries itself: the emulator saw only the pages.
          expect(queries()).to.equal(4);
          // Never repeated; refused for good, it is not asked for the second batch either.
          expect(asked, "queries by UID").to.equal(lasting ? 1 : 2);
        } finally {
          await client.close();
          await fwd.close();
        }
      });
    }

    it("a failing query fails the reads of its tenant only, and never as gone", async () => {
      const { abcIds, otherIds } = await setup();
      const fwd = await forwarder(em, (url) => (url.startsWith("/api/query") && decodeURIComponent(url).includes(OTHER_TENANT_ID) ? { status: 500, body: "injected" } : undefined));
      const client = new EmClient({ url: fwd.url, allowInsecureHttp: true, credentials: ADMIN, retry: { retries: 1, minDelayMs: 2, maxDelayMs: 5 } }, { clock: clockOf(em) });
      const reads = new SubtenantReads(client, { clock: clockOf(em) });
      try {
        const settled = await Promise.allSettled([...abcIds.slice(0, 5).map((id) => reads.read(ABC_TENANT_ID, id)), ...otherIds.slice(0, 5).map((id) => reads.read(OTHER_TENANT_ID, id))]);
        expect(settled.slice(0, 5).map((s) => s.status)).to.deep.equal(Array(5).fill("fulfilled"));
        expect(settled.slice(0, 5).map((s) => (s as PromiseFulfilledResult<{ id: string }>).value.id)).to.deep.equal(abcIds.slice(0, 5));
        for (const s of settled.slice(5)) {
          expect(s.status).to.equal("rejected");
          expect(String((s as PromiseRejectedResult).reason)).to.match(/500/);
        }
      } finally {
        await client.close();
        await fwd.close();
      }
    });
  });

  it("looks each tenant up once per client", async () => {
    em = await emulator();
    const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em) });
    try {
      const tenants = runLookups(client);
      const found = await Promise.all([...Array(10)].map((_, i) => (i % 2 ? tenants.tenantByName("ABC Company") : tenants.tenantById(ABC_TENANT_ID))));
      expect(found.every((t) => t?.id === ABC_TENANT_ID)).to.equal(true);
      await tenants.tenantByName("ABC Company");
      expect(count(em, "GET", /^\/api\/cloud\/tenants\//) + count(em, "GET", /^\/api\/query\?type=CloudTenant/)).to.equal(2);
      // Not found is not kept: asked again.
      expect(await tenants.tenantByName("No Such Company")).to.equal(undefined);
      expect(await tenants.tenantByName("No Such Company")).to.equal(undefined);
      expect(count(em, "GET", /^\/api\/query\?type=CloudTenant/)).to.equal(3);
    } finally {
      await client.close();
    }
  });
});
