/**
 * Issue 11: creates that finish together share the look-up of their new subtenants' ids
 * (provider/client/name-lookups.ts). Counted at the emulator and at a forwarding server of the test's own.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient } from "../../provider/client";
import { NameLookups } from "../../provider/client/name-lookups";
import { ABC_TENANT_ID, ADMIN, clockOf, emulator, forwarder, pollsOnceAllWait, subtenantSpec } from "./helpers";

const sharedQueries = (em: Emulator) => em.requests.filter((r) => r.url.startsWith("/api/query?type=CloudSubtenant") && /Name=="[^"]*",Name==/.test(decodeURIComponent(r.url))).length;
const nameQueries = (em: Emulator) => em.requests.filter((r) => r.url.startsWith("/api/query?type=CloudSubtenant") && decodeURIComponent(r.url).includes("Name==")).length;

describe("client: look-ups of new subtenants by name, shared (issue 11)", function () {
  this.timeout(30_000);
  let em: Emulator;
  afterEach(() => em?.stop());

  
  it("answers the look-ups of one turn with one query, each with its own subtenant", async () => {
    em = await emulator();
    const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em) });
    try {
      for (const name of ["nl-a", "nl-b", "nl-c"]) await client.addSubtenant(ABC_TENANT_ID, subtenantSpec(name));
      const lookups = new NameLookups(client);
      const before = nameQueries(em);
      const settled = await Promise.all(["nl-a", "NL-B", "nl-c", "nl-missing"].map((n) => lookups.find(ABC_TENANT_ID, n).then((s) => s?.name, (e: Error) => e.name)));
      // "NL-B" is only possibly "nl-b" (name-rule.ts): that look-up alone fails, the others are answered.
      expect(settled).to.deep.equal(["nl-a", "NameMayBeSameError", "nl-c", undefined]);
      // One shared query, then the name it did not show alone (only that one can say "none").
      expect(nameQueries(em) - before).to.equal(2);
      expect(sharedQueries(em)).to.equal(1);
    } finally {
      await client.close();
    }
  });

  it("shares the look-ups of creates that finish together, and each create gets its own id", async () => {
    em = await emulator({ taskDurationMs: 60 });
    const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em), pollTiming: pollsOnceAllWait(em, 8) });
    try {
      const names = Array.from({ length: 8 }, (_, i) => `nl-together-${i}`);
      const created = await Promise.all(names.map((n) => client.addSubtenant(ABC_TENANT_ID, subtenantSpec(n))));
      expect(created.map((s) => s.name)).to.deep.equal(names);
      expect(new Set(created.map((s) => s.id)).size).to.equal(8);
      for (const s of created) expect((await client.getSubtenant(ABC_TENANT_ID, s.id))?.name).to.equal(s.name);
      expect(nameQueries(em), "fewer look-ups than creates").to.be.below(8);
      expect(sharedQueries(em)).to.be.at.least(1);
    } finally {
      await client.close();
    }
  });

  for (const [what, status, lasting] of [["refused for good (400)", 400, true], ["failing in passing (500)", 500, false]] as const) {
    it(`looks each name up alone when the shared query is ${what}${lasting ? ", and asks it no more" : ""}`, async () => {
      em = await emulator();
      let asked = 0;
      const fwd = await forwarder(em, (url) => (/Name=="[^"]*",Name==/.test(decodeURIComponent(url)) && ++asked > 0 ? { status, body: "injected" } : undefined));
      const client = new EmClient({ url: fwd.url, allowInsecureHttp: true, credentials: ADMIN }, { clock: clockOf(em) });
      try {
        for (const name of ["nl-x", "nl-y"]) await client.addSubtenant(ABC_TENANT_ID, subtenantSpec(name));
        const lookups = new NameLookups(client);
        for (let round = 0; round < 2; round++) {
          const found = await Promise.all(["nl-x", "nl-y"].map((n) => lookups.find(ABC_TENANT_ID, n)));
          expect(found.map((s) => s?.name)).to.deep.equal(["nl-x", "nl-y"]);
        }
        // Never repeated; refused for good, it is not asked in the second round either.
        expect(asked, "shared queries").to.equal(lasting ? 1 : 2);
      } finally {
        await client.close();
        await fwd.close();
      }
    });
  }
});
