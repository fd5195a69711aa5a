import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { adminLogon, send, waitForTask, xml } from "../support/http";
import { VirtualClock } from "../support/virtual-clock";

const PLAN = "e7ca6822-a87f-443d-8aae-8005970543bf";
const ABC_LOGON = `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0"><TenantCredentials><Username>ABC Company</Username><Password>P@ssw0rd</Password></TenantCredentials></LoginSpec>`;
const VCD_LOGON = `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0"><VCloudOrganizationCredentials><OrganizationName>vCDOrg1</OrganizationName><Login>user01</Login><Password>Qwe123</Password></VCloudOrganizationCredentials></LoginSpec>`;
/** The request body of post_cloudfailoverplans_id_start's example. */
const START_NOW = `<?xml version="1.0" encoding="utf-8"?><CloudFailoverPlanManagementSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><StartNow>true</StartNow></CloudFailoverPlanManagementSpec>`;

describe("emulator: a tenant starts and undoes its own cloud failover plans (cloud_connect_tenant_credentials)", () => {
  let em: Emulator;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 10 });
  });
  afterEach(() => em.stop());

  async function tenantLogon(body: string): Promise<string> {
    const res = await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: { "Content-Type": "application/xml" }, body });
    expect(res.status, res.body).to.equal(201);
    return res.headers["x-restsvcsessionid"] as string;
  }

  const post = (token: string, query: string, body?: string) =>
    send(em.url, `cloud/cloudFailoverPlans/${query}`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body });

  it("lists its plan, starts it with EM's example body (StartCloudFailoverPlan) and undoes it (UndoCloudFailoverPlan)", async () => {
    const token = await tenantLogon(ABC_LOGON);
    const refs = xml((await send(em.url, "cloud/cloudFailoverPlans", { headers: { "X-RestSvcSessionId": token } })).body).EntityReferences.Ref;
    expect(refs.map((r: Record<string, string>) => r["@Name"])).to.deep.equal(["ABC Company Failover Plan"]);
    const entity = xml((await send(em.url, `cloud/cloudFailoverPlans/${PLAN}?format=Entity`, { headers: { "X-RestSvcSessionId": token } })).body).CloudFailoverPlan;
    expect(entity.TenantName).to.equal("ABC Company");

    const started = await post(token, `${PLAN}?action=start`, START_NOW);
    expect(started.status, started.body).to.equal(202);
    const task = xml(started.body).Task;
    expect(task.Operation).to.equal("StartCloudFailoverPlan");
    expect(await waitForTask(em.url, token, task.TaskId, clock)).to.deep.equal({ success: true, message: "Ok" });
    expect(em.store.state.cloudFailoverPlans[0].failedOver).to.equal(true);

    const undone = await post(token, `${PLAN}?action=undo`);
    expect(undone.status, undone.body).to.equal(202);
    const undoTask = xml(undone.body).Task;
    expect(undoTask.Operation).to.equal("UndoCloudFailoverPlan");
    expect(await waitForTask(em.url, token, undoTask.TaskId, clock)).to.deep.equal({ success: true, message: "Ok" });
    expect(em.store.state.cloudFailoverPlans[0].failedOver).to.equal(false);
  });

  it("answers 404 for a plan that is another tenant's or does not exist, and starts nothing", async () => {
    const vcd = await tenantLogon(VCD_LOGON);
    for (const query of [`${PLAN}?action=start`, `${PLAN}?action=undo`, "0b7f7e0e-0000-4000-8000-000000000000?action=undo"]) {
      const res = await post(vcd, query, query.includes("start") ? START_NOW : undefined);
      expect(res.status, query).to.equal(404);
      expect(xml(res.body).Error["@StatusCode"]).to.equal("404");
    }
    expect((await send(em.url, `cloud/cloudFailoverPlans/${PLAN}`, { headers: { "X-RestSvcSessionId": vcd } })).status).to.equal(404);
    expect(xml((await send(em.url, "cloud/cloudFailoverPlans", { headers: { "X-RestSvcSessionId": vcd } })).body).EntityReferences).to.not.have.property("Ref");
    expect(em.store.tasks.size).to.equal(0);
  });

  it("refuses a start body with neither or both of StartNow and StartDate (400), and an unknown action; a tenant may not edit (403)", async () => {
    const token = await tenantLogon(ABC_LOGON);
    const empty = `<CloudFailoverPlanManagementSpec xmlns="http://www.veeam.com/ent/v1.0"/>`;
    const both = `<CloudFailoverPlanManagementSpec xmlns="http://www.veeam.com/ent/v1.0"><StartNow>true</StartNow><StartDate>2015-12-29T15:13:37Z</StartDate></CloudFailoverPlanManagementSpec>`;
    for (const body of [empty, both]) expect((await post(token, `${PLAN}?action=start`, body)).status).to.equal(400);
    expect((await post(token, `${PLAN}?action=delete`)).status).to.equal(400);
    const edit = await send(em.url, `cloud/cloudFailoverPlans/${PLAN}`, { method: "PUT", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: "<x/>" });
    expect(edit.status).to.equal(403);
    expect(em.store.tasks.size).to.equal(0);
  });

  it("lets an administrator see every plan", async () => {
    const token = await adminLogon(em.url);
    const refs = xml((await send(em.url, "cloud/cloudFailoverPlans", { headers: { "X-RestSvcSessionId": token } })).body).EntityReferences.Ref;
    expect(refs).to.have.length(1);
  });
});
