/** EM lists every account at once (it does not page /security/accounts): a large legitimate list is read whole. */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient, MAX_ANSWER_BYTES } from "../../provider/client";
import { clockOf, emulator } from "./helpers";

describe("client: lists EM does not page", () => {
  let em: Emulator;
  before(async () => {
    em = await emulator({ adminPassword: "em-admin-Secret-41" });
    for (let i = 0; i < 20_000; i++) {
      em.store.state.accounts.push({ id: `5c0ffee5-0000-4000-8000-${String(i).padStart(12, "0")}`, type: "User", name: `CORP\\service-provider-user-${String(i).padStart(5, "0")}`, roleIds: [], allowRestoreAllVms: true, scope: [] });
    }
  });
  after(() => em.stop());

  it("reads 20,000 account references, an answer larger than the cap on paged answers", async function () {
    this.timeout(60_000);
    const client = new EmClient({ url: em.url, credentials: { kind: "admin", username: "admin", password: "em-admin-Secret-41" } }, { clock: clockOf(em) });
    try {
      const refs = await client.listAccounts();
      expect(refs.length).to.be.at.least(20_000);
      const bytes = em.requests.filter((r) => r.method === "GET" && /\/security\/accounts$/.test(r.url.split("?")[0])).length;
      expect(bytes).to.equal(1, "one request");
      expect(JSON.stringify(refs).length).to.be.greaterThan(MAX_ANSWER_BYTES / 2, "the list is of the size that outgrew the paged cap");
    } finally {
      await client.close();
    }
  });
});
