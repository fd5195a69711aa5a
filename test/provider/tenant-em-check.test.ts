/**
 * CloudTenant's check asks EM what only EM can answer, so a preview tells the truth: a backup server or a
 * repository EM does not have, a repository of another backup server, a name taken by a tenant the stack does not
 * manage; each failure names its field. An unchanged declaration asks EM nothing.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { CloudTenantProvider } from "../../provider/resources/tenant/provider";
import type { CloudTenantInputs } from "../../provider/resources/tenant/inputs";
import { UNKNOWN } from "../../provider/resources/validation";
import { emulatorFor } from "./support";

const declared = (overrides: Record<string, unknown> = {}) =>
  ({ name: "Acme Corp", password: "Tenant-Pass-1", backupServer: "172.24.31.67", backupResources: [{ repository: "Silver Repository", quotaMb: 4096, name: "Acme quota" }], ...overrides }) as unknown as CloudTenantInputs;

describe("CloudTenantProvider.check asks EM (preview tells the truth)", () => {
  let em: Emulator;
  let provider: CloudTenantProvider;
  beforeEach(async () => {
    const started = await emulatorFor("json");
    em = started.em;
    provider = new CloudTenantProvider({ env: started.env, pool: started.pool });
  });
  afterEach(() => em.stop());

  const failures = async (news: CloudTenantInputs, olds: Record<string, unknown> = {}) => (await provider.check(olds as unknown as CloudTenantInputs, news)).failures ?? [];

  it("passes a sound declaration, reading the backup servers and repositories once for many checks", async () => {
    for (let i = 0; i < 3; i++) expect(await failures(declared({ name: `Acme ${i}` }))).to.deep.equal([]);
    const lists = em.requests.filter((r) => /^\/api\/(backupServers|repositories)/.test(r.url));
    expect(lists.map((r) => r.url.split("?")[0])).to.deep.equal(["/api/backupServers", "/api/repositories"]);
  });

  it("names backupServer when EM has no such backup server, listing those it has", async () => {
    const found = await failures(declared({ backupServer: "vbr99" }));
    expect(found).to.deep.equal([{ property: "backupServer", reason: "EM has no backup server 'vbr99'; its backup servers are: 172.24.31.67 (urn:veeam:BackupServer:ca19249e-e638-421a-ab22-68cb89b9009a), 172.24.31.68 (urn:veeam:BackupServer:e2b7a9c4-5f1d-4c8e-9b3a-6d2f8e1c7a05)" }]);
  });

  it("names each backup resource whose repository EM does not have, or that is another backup server's", async () => {
    const found = await failures(
      declared({
        backupResources: [
          { repository: "Silver Repository", quotaMb: 4096, name: "a" },
          { repository: "Gold Repository", quotaMb: 4096, name: "b" },
          { repository: "Remote Cloud Repository", quotaMb: 4096, name: "c" },
        ],
      }),
    );
    expect(found.map((f) => f.property)).to.deep.equal(["backupResources[1].repository", "backupResources[2].repository"]);
    expect(found[0].reason).to.match(/^backup server '172.24.31.67' has no repository 'Gold Repository'; its repositories are: .*Silver Repository/);
    expect(found[1].reason).to.equal("'Remote Cloud Repository' is a repository of backup server '172.24.31.68', not of the tenant's backup server '172.24.31.67'");
  });

  it("names name when a tenant the stack does not manage holds it on that server, unless adopt is set", async () => {
    const found = await failures(declared({ name: "ABC Company" }));
    expect(found).to.have.length(1);
    expect(found[0].property).to.equal("name");
    expect(found[0].reason).to.match(/^Backup server '172.24.31.67' already has a tenant named 'ABC Company' \(id 28ddf9b9-12fa-431a-a34c-a327f05c3920\), which this stack does not manage\. Set adopt: true/);
    // A name EM may count as the same is never taken over: the field says so.
    const cased = await failures(declared({ name: "abc company" }));
    expect(cased.map((f) => f.property)).to.deep.equal(["name"]);
    expect(cased[0].reason).to.match(/may count as the same name/);
    expect(await failures(declared({ name: "ABC Company", adopt: true }))).to.deep.equal([]);
    // The same name on another backup server is free (names are unique per server).
    expect(await failures(declared({ name: "ABC Company", backupServer: "172.24.31.68", backupResources: [] }))).to.deep.equal([]);
  });

  it("asks nothing for an unchanged declaration or for values a preview does not know yet", async () => {
    const olds = { ...declared(), description: "", enabled: true };
    const mark = em.requests.length;
    expect(await failures(declared({ description: "changed" }), olds)).to.deep.equal([]);
    expect(await failures(declared({ backupServer: UNKNOWN }))).to.deep.equal([]);
    expect(em.requests.slice(mark)).to.deep.equal([]);
  });
});
