import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator/server";
import { DEFAULT_SEED_PATH, readSeedFile } from "../../emulator/store";
import { SEED_SESSION, send, waitForTask, xml } from "../support/http";
import { VirtualClock } from "../support/virtual-clock";

const FIXTURES = path.join(__dirname, "..", "..", "..", "test", "fixtures", "seed-examples");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const session = { "X-RestSvcSessionId": SEED_SESSION };
const links = (entity: { Links: { Link: Array<Record<string, string>> } }) => entity.Links.Link.map((l) => `${l["@Rel"]} ${l["@Type"] ?? ""}`.trim());

/** Every request example of the reference pages the project starts from, sent as written to a fresh emulator. */
describe("emulator: the reference pages' examples, sent as written", () => {
  let em: Emulator;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 20 });
  });
  afterEach(() => em.stop());

  it("standalone tenant logon: 201, a session header and a LogonSession linking to CloudConnectService", async () => {
    const res = await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: { "Content-Type": "application/xml" }, body: fixture("tenant-logon.xml") });
    expect(res.status).to.equal(201);
    expect(res.headers["x-restsvcsessionid"]).to.be.a("string").and.not.equal("");
    const logon = xml(res.body).LogonSession;
    expect(logon["@Type"]).to.equal("LogonSession");
    expect(links(logon)).to.deep.equal(["Up EnterpriseManager", "Down CloudConnectService", "Delete LogonSession"]);
    expect(logon.Links.Link[1]["@Href"]).to.equal(`${em.url}cloud`);
    expect(logon.SessionId).to.match(/^[0-9a-f-]{36}$/);
    expect(logon["@Href"]).to.equal(`${em.url}logonSessions/${logon.SessionId}`);

    const cloud = await send(em.url, "cloud", { headers: { "X-RestSvcSessionId": res.headers["x-restsvcsessionid"] as string } });
    expect(cloud.status).to.equal(200);
    expect(links(xml(cloud.body).CloudConnectService)).to.deep.equal([
      "Up LogonSession",
      "Down CloudFailoverPlanReferenceList",
      "Down CloudVmReplicaPointReferenceList",
      "Down CloudReplicaReferenceList",
      "Down CloudFailoverPlanList",
      "Down CloudVmReplicaPointList",
      "Down CloudReplicaList",
    ]);
  });

  it("vCD organization logon: 201 with the tenant's links", async () => {
    const res = await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: { "Content-Type": "application/xml" }, body: fixture("vcd-logon.xml") });
    expect(res.status).to.equal(201);
    expect(links(xml(res.body).LogonSession)).to.deep.equal(["Up EnterpriseManager", "Down CloudConnectService", "Delete LogonSession"]);
  });

  it("POST /sessionMngr/?v=v1_2 (an EM 9.0 page): refused as EM 12–13 refuse v1_2 (EM 10 and 11 accept it); with v=latest, 201 and the administrator's LogonSession", async () => {
    // EM 12–13's em_web_api_versions marks 1.2 "Not supported"; the seed page is the 9.0 archive, where it was current.
    const refused = await send(em.url, "sessionMngr/?v=v1_2", { method: "POST", headers: session });
    expect(refused.status).to.equal(400);
    expect(xml(refused.body).Error["@Message"]).to.contain("v1_5, v1_6, v1_7");
    const res = await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: session });
    expect(res.status).to.equal(201);
    expect(res.headers["content-type"]).to.match(/^application\/xml/);
    const logon = xml(res.body).LogonSession;
    const rels = links(logon);
    expect(rels).to.have.length(47);
    expect(rels[0]).to.equal("Up EnterpriseManager");
    expect(rels).to.include.members(["Down QueryService", "Down EnterpriseSecuritySettings", "Down TaskList", "Down CloudConnectService", "Create"]);
    expect(rels[rels.length - 1]).to.equal("Delete LogonSession");
    expect(logon.UserName).to.equal("SRV36\\Administrator");
  });

  it("GET /query?type=CloudTenant with the example's filter and sort: the two AD tenants of 172.24.31.67, as entities", async () => {
    const res = await send(em.url, 'query?type=CloudTenant&format=Entities&sortAsc=name&filter=BackupServerName=="172.24.31.67";Type==ActiveDirectory', { headers: session });
    expect(res.status).to.equal(200);
    const result = xml(res.body).QueryResult;
    const tenants = result.Entities.CloudTenants.CloudTenant;
    expect(tenants.map((t: Record<string, string>) => t["@Name"])).to.deep.equal(["tech\\john.smith", "tech\\william.fox"]);
    expect(tenants[0]["@UID"]).to.equal("urn:veeam:CloudTenant:9c3aad22-3d96-43fe-ab25-6e1800b0dda0");
    expect(links(tenants[0])).to.deep.equal([
      "Up BackupServerReference",
      "Alternate CloudTenantReference",
      "Edit CloudTenantReference",
      "Down CloudTenantResourceList",
      "Create CloudTenantResource",
      "Delete",
      "Related FreeLicenseCounters",
    ]);
    const quota = tenants[0].Resources.CloudTenantResource[0].RepositoryQuota;
    expect(quota).to.include({ DisplayName: "AD User Cloud Repository", Quota: "30720", UsedQuota: "0" });
    expect(tenants[0].TenantType.ADTenantType.Account).to.equal("tech\\john.smith");
    expect(tenants[0].TenantType.ADTenantType.Domain).to.deep.equal({ DomainName: "tech.local", DomainAccount: "f1b5f006-5e29-4702-8aaa-7653d30af191", Port: "389" });
    expect(tenants[0]).to.include({ ThrottlingEnabled: "true", ThrottlingSpeedLimit: "10", BackupProtectionEnabled: "true", MaxConcurrentTasks: "1" });
    expect(tenants[1]).to.include({ ThrottlingEnabled: "false", ThrottlingSpeedLimit: "1", BackupProtectionEnabled: "false" });
    expect(result.PagingInfo).to.include({ "@PagesCount": "1", "@PageSize": "100", "@PageNum": "1" });
    expect(result.PagingInfo.Links.Link.map((l: Record<string, string>) => l["@Rel"])).to.deep.equal(["First", "Last"]);
    expect(result.PagingInfo.Links.Link[0]["@Href"]).to.equal(
      `${em.url}query?type=CloudTenant&format=Entities&sortAsc=name&filter=BackupServerName=="172.24.31.67";Type==ActiveDirectory&pageSize=100&page=1`,
    );
  });

  for (const format of ["xml", "json"] as const) {
    it(`POST /cloud/tenants/{ID}/subtenants (${format.toUpperCase()} example): 202 with a Running AddCloudSubtenant task that finishes with Success="true"`, async () => {
      const res = await send(em.url, "cloud/tenants/28ddf9b9-12fa-431a-a34c-a327f05c3920/subtenants", {
        method: "POST",
        headers: { ...session, "Content-Type": `application/${format}` },
        body: fixture(`subtenant-create.${format}`),
      });
      expect(res.status, res.body).to.equal(202);
      // Without an Accept header EM answers in XML, whatever the body's format (the Accept row of the page).
      expect(res.headers["content-type"]).to.match(/^application\/xml/);
      const task = xml(res.body).Task;
      expect(task.State).to.equal("Running");
      expect(task.Operation).to.equal("AddCloudSubtenant");
      expect(task.TaskId).to.equal("task-1");
      expect(await waitForTask(em.url, SEED_SESSION, "task-1", clock)).to.deep.equal({ success: true, message: "Ok" });
      const created = em.store.state.subtenants.find((s) => s.name === "ABC Company User 02");
      expect(created).to.deep.include({ description: "ABC Company Laptop User", enabled: true, password: "12345678" });
      expect(created?.quota).to.deep.include({ unlimited: true, displayName: "User1Quota", tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e" });
    });
  }

  describe("PUT /cloud/tenants/{ID}/subtenants/{ID} (put_tenants_id_subtenants_id), on the example's subtenant", () => {
    // The page edits subtenant 0eb0c130-… of ABC Company, which the default seed leaves out so that other examples
    // start with no subtenants; it is added here as the page's resource representation shows it.
    const EXAMPLE_SUBTENANT = "0eb0c130-d91a-4e05-9403-ac2ded0fc1ea";
    beforeEach(async () => {
      await em.stop();
      const seed = readSeedFile(DEFAULT_SEED_PATH);
      const quota = { unlimited: true, displayName: "Cloud Vol User 01", tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e", quotaMb: 20480, usedQuotaMb: 0, quotaId: "5d4c2b1a-0000-4000-8000-000000000001" };
      const subtenant = { id: EXAMPLE_SUBTENANT, tenantId: "28ddf9b9-12fa-431a-a34c-a327f05c3920", name: "ABC Company User 01", description: "ABC Company PC User", password: "old-secret", enabled: true, quota };
      clock = new VirtualClock();
      em = await startEmulator({ clock, taskDurationMs: 20, seed: { ...seed, subtenants: [subtenant] } });
    });

    for (const [format, expected] of [["xml", { unlimited: false, quotaMb: 20480 }], ["json", { unlimited: true, quotaMb: 10240 }]] as const) {
      it(`the ${format.toUpperCase()} example (Href, Type and Id, an empty Password, UsedQuotaMb): 202 with an EditCloudSubtenant task that finishes with Success="true"`, async () => {
        const res = await send(em.url, `cloud/tenants/28ddf9b9-12fa-431a-a34c-a327f05c3920/subtenants/${EXAMPLE_SUBTENANT}`, {
          method: "PUT",
          headers: { ...session, "Content-Type": `application/${format}` },
          body: fixture(`subtenant-edit.${format}`),
        });
        expect(res.status, res.body).to.equal(202);
        const task = xml(res.body).Task;
        expect(task).to.include({ TaskId: "task-1", State: "Running", Operation: "EditCloudSubtenant" });
        expect(await waitForTask(em.url, SEED_SESSION, "task-1", clock)).to.deep.equal({ success: true, message: "Ok" });
        const edited = em.store.state.subtenants[0];
        // The empty Password keeps the current one; the example changes only the quota.
        expect(edited).to.deep.include({ name: "ABC Company User 01", description: "ABC Company PC User", enabled: true, password: "old-secret" });
        expect(edited.quota).to.deep.include({ ...expected, displayName: "Cloud Vol User 01" });
      });
    }
  });

  const accountExamples: Array<[string, string, string]> = [
    ["account-create-restore-operator.xml", "application/xml", "VEEAM\\User"],
    ["account-create-scoped.xml", "application/xml", "TECH\\william.fox"],
    ["account-create-scoped.json", "application/json", "TECH\\william.fox"],
  ];
  for (const [file, contentType, accountName] of accountExamples) {
    it(`POST /security/accounts (${file}): 201 with no body, and the account holds the File Restore Operator role`, async () => {
      const res = await send(em.url, "security/accounts", { method: "POST", headers: { ...session, "Content-Type": contentType }, body: fixture(file) });
      expect(res.status, res.body).to.equal(201);
      expect(res.body).to.equal("");
      const account = em.store.state.accounts.find((a) => a.name === accountName);
      expect(account?.type).to.equal("User");
      expect(account?.roleIds).to.deep.equal(["f84a8b62-49b8-4d0c-b25b-92321b52bab6"]);
      expect(res.headers.location).to.equal(`${em.url}security/accounts/${account?.id}`);
    });
  }
});
