import { expect } from "chai";
import { API_STEPS, emHttp, EmError, startEmulator, type Emulator } from "../../emulator/server";
import { VirtualClock } from "../support/virtual-clock";
import { ADMIN_BASIC, adminLogon, send, xml } from "../support/http";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const TENANT_LOGON = `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0"><TenantCredentials><Username>ABC Company</Username><Password>P@ssw0rd</Password></TenantCredentials></LoginSpec>`;
const VCD_LOGON = `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0"><VCloudOrganizationCredentials><OrganizationName>vCDOrg1</OrganizationName><Login>user01</Login><Password>Qwe123</Password></VCloudOrganizationCredentials></LoginSpec>`;

async function logonWith(url: string, body: string): Promise<{ token: string; sessionId: string }> {
  const res = await send(url, "sessionMngr/?v=latest", { method: "POST", headers: { "Content-Type": "application/xml" }, body });
  expect(res.status, res.body).to.equal(201);
  return { token: res.headers["x-restsvcsessionid"] as string, sessionId: xml(res.body).LogonSession.SessionId };
}

describe("emulator: route handlers as values", () => {
  let em: Emulator | undefined;
  afterEach(async () => {
    await em?.stop();
    em = undefined;
  });

  it("handles /api requests in named steps, in this order, then replies", () => {
    expect(API_STEPS.map((s) => s.name)).to.deep.equal(["record", "readBody", "injectFaults", "finishDueTasks", "authenticate", "route"]);
  });

  it("lets startEmulator({ handlers }) replace a built-in route, and keeps the others", async () => {
    em = await startEmulator({
      handlers: [emHttp.get("/cloud/tenants", () => { throw new EmError(503, "maintenance window"); })],
    });
    const token = await adminLogon(em.url);
    const replaced = await send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": token } });
    expect(replaced.status).to.equal(503);
    expect(xml(replaced.body).Error["@Message"]).to.equal("maintenance window");
    expect((await send(em.url, `cloud/tenants/${ABC}`, { headers: { "X-RestSvcSessionId": token } })).status).to.equal(200);
  });

  it("adds a route at run time with use(); it still passes through authentication and the request log", async () => {
    em = await startEmulator();
    em.use(emHttp.get("/backupServers", (ctx) => ({ status: 200, body: { name: "EntityReferences", attrs: { Count: ctx.store.state.backupServers.length } } })));
    expect((await send(em.url, "backupServers")).status).to.equal(401);
    const token = await adminLogon(em.url);
    const res = await send(em.url, "backupServers", { headers: { "X-RestSvcSessionId": token } });
    expect(res.status).to.equal(200);
    expect(xml(res.body).EntityReferences["@Count"]).to.equal("2");
    expect(em.requests.at(-1)).to.include({ method: "GET", url: "/api/backupServers", status: 200 });
  });
});

describe("emulator: tenant and vCD organization sessions (cloud_connect_tenant_credentials)", () => {
  let em: Emulator;
  beforeEach(async () => {
    em = await startEmulator({ clock: new VirtualClock(), taskDurationMs: 20 });
  });
  afterEach(() => em.stop());

  for (const [kind, body] of [["tenant", TENANT_LOGON], ["vCD organization", VCD_LOGON]] as const) {
    it(`a ${kind} session reaches /api/, /api/cloud, its failover plans, replicas, replica points, tasks and logon session`, async () => {
      const { token, sessionId } = await logonWith(em.url, body);
      const get = (path: string) => send(em.url, path, { headers: { "X-RestSvcSessionId": token } });
      expect((await get("")).status).to.equal(200);
      const cloud = xml((await get("cloud")).body).CloudConnectService;
      expect(cloud.Links.Link.map((l: Record<string, string>) => `${l["@Rel"]} ${l["@Type"]} ${l["@Href"].slice(em.url.length - 1)}`)).to.deep.equal([
        `Up LogonSession /logonSessions/${sessionId}`,
        "Down CloudFailoverPlanReferenceList /cloud/cloudFailoverPlans",
        "Down CloudVmReplicaPointReferenceList /cloud/vmReplicaPoints",
        "Down CloudReplicaReferenceList /cloud/replicas",
        "Down CloudFailoverPlanList /cloud/cloudFailoverPlans?format=Entity",
        "Down CloudVmReplicaPointList /cloud/vmReplicaPoints?format=Entity",
        "Down CloudReplicaList /cloud/replicas?format=Entity",
      ]);
      for (const link of cloud.Links.Link.slice(1)) {
        const res = await get(link["@Href"].slice(em.url.length));
        expect(res.status, link["@Href"]).to.equal(200);
      }
      expect(xml((await get("cloud/cloudFailoverPlans")).body)).to.have.property("EntityReferences");
      expect((await get("cloud/replicas/5f3e")).status).to.equal(404);
      expect((await get("tasks")).status).to.equal(200);
      expect((await get(`logonSessions/${sessionId}`)).status).to.equal(200);
      expect((await send(em.url, `logonSessions/${sessionId}`, { method: "DELETE", headers: { "X-RestSvcSessionId": token } })).status).to.equal(204);
    });

    it(`every other path answers a ${kind} session 403 with EM's Error body, and changes nothing`, async () => {
      const { token } = await logonWith(em.url, body);
      const paths: Array<[string, string]> = [
        ["GET", "cloud/tenants"],
        ["GET", `cloud/tenants/${ABC}`],
        ["GET", `cloud/tenants/${ABC}/subtenants`],
        ["POST", `cloud/tenants/${ABC}/subtenants`],
        ["GET", "query?type=CloudSubtenant"],
        ["GET", "querySvc"],
        ["GET", "security/accounts"],
        ["GET", "security/roles"],
        ["GET", "backupServers"],
        ["GET", "nowhere"],
      ];
      for (const [method, path] of paths) {
        const res = await send(em.url, path, { method, headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: method === "POST" ? "<x/>" : undefined });
        expect(res.status, `${method} ${path}`).to.equal(403);
        expect(xml(res.body).Error).to.include({ "@StatusCode": "403" });
      }
      expect(em.store.tasks.size).to.equal(0);
    });
  }
});

describe("emulator: EM's answering rules", () => {
  let em: Emulator;
  let token: string;
  beforeEach(async () => {
    em = await startEmulator({ clock: new VirtualClock(), taskDurationMs: 20 });
    token = await adminLogon(em.url);
  });
  afterEach(() => em.stop());

  it("answers in XML without an Accept header, even to a JSON body; in JSON when Accept asks", async () => {
    const body = JSON.stringify({ Name: "J", Password: "p", TenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e", UnlimitedQuota: true });
    const plain = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/json" }, body });
    expect(plain.headers["content-type"]).to.match(/^application\/xml/);
    expect(xml(plain.body).Task.Operation).to.equal("AddCloudSubtenant");
    const asJson = await send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": token, Accept: "application/json" } });
    expect(asJson.headers["content-type"]).to.match(/^application\/json/);
    expect(em.requests.at(-2)).to.include({ requestFormat: "json", responseFormat: "xml" });
  });

  it("gives the Error body EM's fields: XML attributes Message and StatusCode; JSON with FirstChanceExceptionMessage, StackTrace and Status as null", async () => {
    const asXml = await send(em.url, "cloud/tenants/nope", { headers: { "X-RestSvcSessionId": token } });
    expect(asXml.status).to.equal(404);
    expect(asXml.body).to.match(/^<Error xmlns="http:\/\/www\.veeam\.com\/ent\/v1\.0" Message="Cloud tenant 'nope' was not found" StatusCode="404" \/>\n$/);
    const asJson = await send(em.url, "cloud/tenants/nope", { headers: { "X-RestSvcSessionId": token, Accept: "application/json" } });
    expect(Object.keys(JSON.parse(asJson.body))).to.deep.equal(["FirstChanceExceptionMessage", "Message", "StackTrace", "Status", "StatusCode"]);
    expect(JSON.parse(asJson.body)).to.deep.equal({ FirstChanceExceptionMessage: null, Message: "Cloud tenant 'nope' was not found", StackTrace: null, Status: null, StatusCode: 404 });
  });

  it("answers 500 with a null-reference message to a JSON body that lacks a required property, and 400 to the same gap in XML", async () => {
    const lines: string[] = [];
    await em.stop();
    em = await startEmulator({ log: (line) => lines.push(line) });
    token = await adminLogon(em.url);
    const json = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/json", Accept: "application/json" }, body: '{"Name": "J", "Password": "p"}' });
    expect(json.status).to.equal(500);
    expect(JSON.parse(json.body)).to.deep.include({ Message: "Object reference not set to an instance of an object.", FirstChanceExceptionMessage: "Object reference not set to an instance of an object.", StatusCode: 500 });
    expect(lines.at(-1)).to.contain("500 (CloudSubtenantCreateSpec: the property 'TenantResourceId' is required)");
    const asXml = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: '<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>J</Name><Password>p</Password></CloudSubtenantCreateSpec>' });
    expect(asXml.status).to.equal(400);
    expect(em.store.tasks.size).to.equal(0);
  });

  it("answers 400 to a body whose Content-Type is neither XML nor JSON, before anything else", async () => {
    const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "text/plain" }, body: "Name=J" });
    expect(res.status).to.equal(400);
    expect(xml(res.body).Error["@Message"]).to.contain("'text/plain' is not supported; send application/xml or application/json");
    expect(em.store.tasks.size).to.equal(0);
    // A bodiless POST (EM's toggle and Basic logon) needs no Content-Type.
    expect((await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: ADMIN_BASIC, "Content-Type": "text/plain" } })).status).to.equal(201);
  });

  it("answers 404 naming what it covers to a GET of an endpoint EM's links advertise that the emulator lacks", async () => {
    const logon = xml((await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: ADMIN_BASIC } })).body).LogonSession;
    const jobs = logon.Links.Link.find((l: Record<string, string>) => l["@Type"] === "JobReferenceList")["@Href"];
    const res = await send(em.url, jobs.slice(em.url.length), { headers: { "X-RestSvcSessionId": token } });
    expect(res.status).to.equal(404);
    expect(xml(res.body).Error["@Message"]).to.match(/^The emulator does not model GET \/api\/jobs, which EM documents; it covers logon and logon sessions.*\/api\/query/);
    expect((await send(em.url, "backupServers/ca19249e-e638-421a-ab22-68cb89b9009a/jobs", { headers: { "X-RestSvcSessionId": token } })).status).to.equal(404);
    expect((await send(em.url, "nowhere", { headers: { "X-RestSvcSessionId": token } })).status).to.equal(404);
  });

  it("logs one line per request with an ISO time, method, path, status and duration", async () => {
    const lines: string[] = [];
    await em.stop();
    em = await startEmulator({ log: (line) => lines.push(line) });
    await adminLogon(em.url);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z POST \/api\/sessionMngr\/\?v=latest 201 \d+ms$/);
    expect(em.requests[0].at).to.match(/^\d{4}-\d\d-\d\dT/);
  });
});
