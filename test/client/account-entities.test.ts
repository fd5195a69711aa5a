import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { clientFor, count, emulator } from "./helpers";

const FILE_RESTORE = "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6";

/** GET /security/accounts?format=Entity: every account as an entity in one answer (EnterpriseAccountList). */
describe("client: listAccountEntities (representation_collections, mapping_link_types_to_xml_schema)", () => {
  let em: Emulator;
  beforeEach(async () => {
    em = await emulator();
  });
  afterEach(() => em.stop());

  for (const format of ["xml", "json"] as const) {
    it(`reads every account as an entity with one request (${format})`, async () => {
      const client = clientFor(em, { format });
      try {
        await client.createAccount({ accountType: "User", accountName: "TECH\\ent.one", roles: [FILE_RESTORE], allowRestoreAllVms: true });
        await client.createAccount({ accountType: "ExternalUser", accountName: "ent.two@tech.com", roles: [FILE_RESTORE], allowRestoreAllVms: true, sqlSettings: { denyInPlaceRestore: true } });
        const before = count(em, "GET", /^\/api\/security\/accounts/);
        const accounts = await client.listAccountEntities();
        expect(count(em, "GET", /^\/api\/security\/accounts/) - before).to.equal(1);
        expect(em.requests.at(-1)?.url).to.equal("/api/security/accounts?format=Entity");
        const byName = new Map(accounts.map((a) => [a.name, a]));
        expect([...byName.keys()]).to.have.members(em.store.state.accounts.map((a) => a.name));
        const two = byName.get("ent.two@tech.com");
        expect(two?.id).to.equal(em.store.state.accounts.find((a) => a.name === "ent.two@tech.com")?.id);
        expect(two).to.include({ accountType: "ExternalUser", allowRestoreAllVms: true });
        expect(two?.sqlSettings).to.deep.equal({ denyInPlaceRestore: true });
      } finally {
        await client.close();
      }
    });
  }
});
