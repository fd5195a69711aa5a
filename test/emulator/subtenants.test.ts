import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { adminLogon, send, waitForTask, xml } from "../support/http";
import { VirtualClock } from "../support/virtual-clock";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ABC_RESOURCE = "11c59670-23df-448c-a4b3-74c42669633e"; // 102400 MB in the default seed
const FOX_RESOURCE = "7c5a1a30-6478-4c99-9412-dae65f3b6a5f"; // belongs to tech\william.fox

function createSpec(fields: { name?: string; password?: string; resource?: string; quotaMb?: number; unlimited?: boolean; enabled?: boolean }): string {
  const { name = "User A", password = "Secret-1", resource = ABC_RESOURCE, quotaMb, unlimited = false, enabled } = fields;
  return [
    `<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0">`,
    `<Name>${name}</Name>`,
    `<Password>${password}</Password>`,
    enabled === undefined ? "" : `<Enabled>${enabled}</Enabled>`,
    `<TenantResourceId>${resource}</TenantResourceId>`,
    quotaMb === undefined ? "" : `<QuotaMb>${quotaMb}</QuotaMb>`,
    `<UnlimitedQuota>${unlimited}</UnlimitedQuota>`,
    `</CloudSubtenantCreateSpec>`,
  ].join("");
}

describe("emulator: subtenants", () => {
  let em: Emulator;
  let clock: VirtualClock;
  let token: string;
  const headers = () => ({ "X-RestSvcSessionId": token, "Content-Type": "application/xml" });

  async function create(spec: string, tenantId = ABC): Promise<{ success: boolean; message: string }> {
    const res = await send(em.url, `cloud/tenants/${tenantId}/subtenants`, { method: "POST", headers: headers(), body: spec });
    expect(res.status, res.body).to.equal(202);
    return waitForTask(em.url, token, xml(res.body).Task.TaskId, clock);
  }

  beforeEach(async () => {
    clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 10 });
    token = await adminLogon(em.url);
  });
  afterEach(() => em.stop());

  it("creates a limited subtenant that GET, the list and the query then show, without its password", async () => {
    expect(await create(createSpec({ quotaMb: 2048, enabled: false }))).to.deep.equal({ success: true, message: "Ok" });
    const list = xml((await send(em.url, `cloud/tenants/${ABC}/subtenants`, { headers: headers() })).body).CloudSubtenants.CloudSubtenant;
    expect(list).to.have.length(1);
    const one = xml((await send(em.url, `cloud/tenants/${ABC}/subtenants/${list[0]["@Id"]}`, { headers: headers() })).body).CloudSubtenant;
    expect(one).to.include({ Name: "User A", Password: "", Enabled: "false" });
    expect(one.RepositoryQuota).to.include({ "@Unlimited": "false", QuotaMb: "2048", UsedQuotaMb: "0", TenantResourceId: ABC_RESOURCE, DisplayName: "User A" });
    expect(one.Links.Link.map((l: Record<string, string>) => l["@Rel"])).to.deep.equal(["Edit", "Delete", "Up", "Up"]);
    expect(JSON.stringify(one)).not.to.contain("Secret-1");
  });

  it("refuses a limited quota under 1024 MB in the task result", async () => {
    const outcome = await create(createSpec({ quotaMb: 1023 }));
    expect(outcome.success).to.equal(false);
    expect(outcome.message).to.contain("less than 1 GB");
    expect(em.store.state.subtenants).to.have.length(0);
  });

  it("accepts exactly 1024 MB", async () => {
    expect((await create(createSpec({ quotaMb: 1024 }))).success).to.equal(true);
  });

  it("requires QuotaMb when the quota is not unlimited, and not when it is", async () => {
    expect((await create(createSpec({ name: "No quota" }))).message).to.contain("QuotaMb must be specified");
    expect((await create(createSpec({ name: "Unlimited", unlimited: true }))).success).to.equal(true);
  });

  it("refuses a tenant resource that belongs to another tenant", async () => {
    const outcome = await create(createSpec({ quotaMb: 2048, resource: FOX_RESOURCE }));
    expect(outcome).to.deep.equal({ success: false, message: `Tenant resource '${FOX_RESOURCE}' does not belong to cloud tenant 'ABC Company'` });
  });

  it("refuses a second subtenant with the same name in the tenant, whatever its case", async () => {
    expect((await create(createSpec({ quotaMb: 2048 }))).success).to.equal(true);
    const outcome = await create(createSpec({ name: "user a", quotaMb: 2048 }));
    expect(outcome.success).to.equal(false);
    expect(outcome.message).to.contain("already has a subtenant named");
  });

  it("refuses a quota larger than the tenant's quota on that resource", async () => {
    const outcome = await create(createSpec({ quotaMb: 102401 }));
    expect(outcome.message).to.contain("exceeds the tenant quota");
    expect((await create(createSpec({ quotaMb: 102400 }))).success).to.equal(true);
  });

  it("applies the change only when the task finishes, not when it is accepted", async () => {
    await em.stop();
    clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 60_000 });
    token = await adminLogon(em.url);
    const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: headers(), body: createSpec({ quotaMb: 2048 }) });
    expect(res.status).to.equal(202);
    expect(em.store.state.subtenants).to.have.length(0);
    em.store.finishAllTasks();
    expect(em.store.state.subtenants).to.have.length(1);
  });

  it("answers 404 for an unknown tenant and 400 for a body that breaks the schema's element order", async () => {
    const unknown = await send(em.url, `cloud/tenants/00000000-0000-0000-0000-000000000000/subtenants`, { method: "POST", headers: headers(), body: createSpec({ quotaMb: 2048 }) });
    expect(unknown.status).to.equal(404);
    const swapped = createSpec({ quotaMb: 2048 }).replace(/<Name>User A<\/Name>(<Password>Secret-1<\/Password>)/, "$1<Name>User A</Name>");
    const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: headers(), body: swapped });
    expect(res.status).to.equal(400);
    expect(xml(res.body).Error["@Message"]).to.contain("<Name>");
  });

  describe("edit and delete", () => {
    let id: string;
    beforeEach(async () => {
      await create(createSpec({ quotaMb: 2048 }));
      id = em.store.state.subtenants[0].id;
    });
    const editBody = (fields: string) => `<CloudSubtenant xmlns="http://www.veeam.com/ent/v1.0" Type="CloudSubtenant" Id="${id}">${fields}</CloudSubtenant>`;
    async function edit(body: string): Promise<{ success: boolean; message: string }> {
      const res = await send(em.url, `cloud/tenants/${ABC}/subtenants/${id}`, { method: "PUT", headers: headers(), body });
      expect(res.status, res.body).to.equal(202);
      expect(xml(res.body).Task.Operation).to.equal("EditCloudSubtenant");
      return waitForTask(em.url, token, xml(res.body).Task.TaskId, clock);
    }

    it("edits description, enabled and quota; an empty password keeps the current one", async () => {
      const outcome = await edit(
        editBody(`<Name>User A</Name><Description>laptop</Description><Password/><Enabled>false</Enabled><RepositoryQuota Unlimited="false"><DisplayName>Q</DisplayName><TenantResourceId>${ABC_RESOURCE}</TenantResourceId><QuotaMb>4096</QuotaMb><UsedQuotaMb>0</UsedQuotaMb></RepositoryQuota>`),
      );
      expect(outcome.success, outcome.message).to.equal(true);
      expect(em.store.state.subtenants[0]).to.deep.include({ description: "laptop", enabled: false, password: "Secret-1" });
      expect(em.store.state.subtenants[0].quota).to.deep.include({ quotaMb: 4096, displayName: "Q", unlimited: false });
    });

    it("changes the password when a new one is sent", async () => {
      expect((await edit(editBody("<Password>New-2</Password>"))).success).to.equal(true);
      expect(em.store.state.subtenants[0].password).to.equal("New-2");
    });

    it("edits through a JSON body, with Unlimited as a property of RepositoryQuota", async () => {
      const res = await send(em.url, `cloud/tenants/${ABC}/subtenants/${id}`, {
        method: "PUT",
        headers: { "X-RestSvcSessionId": token, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ Name: "User A", Description: "json", Password: "", Enabled: true, RepositoryQuota: { DisplayName: "Q", TenantResourceId: ABC_RESOURCE, QuotaMb: 1024, UsedQuotaMb: 0, Unlimited: true }, Id: id, Type: "CloudSubtenant" }),
      });
      expect(res.status).to.equal(202);
      expect((await waitForTask(em.url, token, JSON.parse(res.body).TaskId, clock)).success).to.equal(true);
      expect(em.store.state.subtenants[0].quota.unlimited).to.equal(true);
      expect(em.store.state.subtenants[0].description).to.equal("json");
    });

    it("refuses a new name with 400, since EM cannot rename a subtenant", async () => {
      const res = await send(em.url, `cloud/tenants/${ABC}/subtenants/${id}`, { method: "PUT", headers: headers(), body: editBody("<Name>Renamed</Name>") });
      expect(res.status).to.equal(400);
      expect(xml(res.body).Error["@Message"]).to.contain("cannot be changed");
    });

    it("applies the quota rules to edits too", async () => {
      expect((await edit(editBody(`<RepositoryQuota Unlimited="false"><QuotaMb>512</QuotaMb></RepositoryQuota>`))).message).to.contain("less than 1 GB");
    });

    it("deletes with a DeleteCloudSubtenant task; afterwards GET answers 404", async () => {
      const res = await send(em.url, `cloud/tenants/${ABC}/subtenants/${id}`, { method: "DELETE", headers: headers() });
      expect(res.status).to.equal(202);
      expect(xml(res.body).Task.Operation).to.equal("DeleteCloudSubtenant");
      expect((await waitForTask(em.url, token, xml(res.body).Task.TaskId, clock)).success).to.equal(true);
      expect((await send(em.url, `cloud/tenants/${ABC}/subtenants/${id}`, { headers: headers() })).status).to.equal(404);
    });
  });

  it("refuses subtenants, tenants and accounts to a tenant session (403), which reaches only its Cloud Connect resources", async () => {
    const logon = await send(em.url, "sessionMngr/?v=latest", {
      method: "POST",
      headers: { "Content-Type": "application/xml" },
      body: `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0"><TenantCredentials><Username>ABC Company</Username><Password>P@ssw0rd</Password></TenantCredentials></LoginSpec>`,
    });
    const tenantToken = logon.headers["x-restsvcsessionid"] as string;
    const own = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": tenantToken, "Content-Type": "application/xml" }, body: createSpec({ quotaMb: 2048 }) });
    expect(own.status).to.equal(403);
    expect(xml(own.body).Error["@StatusCode"]).to.equal("403");
    expect(em.store.tasks.size).to.equal(0);
    const other = await send(em.url, `cloud/tenants/9d35e68b-3c54-4e85-8a77-c0a2d8b069ed/subtenants`, { headers: { "X-RestSvcSessionId": tenantToken } });
    expect(other.status).to.equal(403);
    expect((await send(em.url, "security/accounts", { headers: { "X-RestSvcSessionId": tenantToken } })).status).to.equal(403);
  });
});
