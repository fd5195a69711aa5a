import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { ADMIN_BASIC, adminLogon, send, xml } from "../support/http";
import { VirtualClock } from "../support/virtual-clock";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";

describe("emulator: sessions, tasks and wire formats", () => {
  let em: Emulator;
  afterEach(() => em.stop());

  describe("with a default emulator", () => {
    beforeEach(async () => {
      em = await startEmulator({ taskDurationMs: 60_000 });
    });

    it("answers the entry point without a session, listing the logon links of each supported version", async () => {
      const res = await send(em.url, "");
      expect(res.status).to.equal(200);
      const root = xml(res.body).EnterpriseManager;
      expect(root.SupportedVersions.SupportedVersion.map((v: Record<string, string>) => v["@Name"])).to.deep.equal(["v1_5", "v1_6", "v1_7"]);
    });

    it("answers 401 without a session, with a wrong session token, and for wrong Basic credentials", async () => {
      expect((await send(em.url, "cloud/tenants")).status).to.equal(401);
      expect((await send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": "bm90LWEtc2Vzc2lvbg==" } })).status).to.equal(401);
      const wrong = await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: "Basic " + Buffer.from("admin:nope").toString("base64") } });
      expect(wrong.status).to.equal(401);
      expect(xml(wrong.body).Error["@StatusCode"]).to.equal("401");
    });

    it("refuses a wrong tenant password and an unknown API version", async () => {
      const body = `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0"><TenantCredentials><Username>ABC Company</Username><Password>wrong</Password></TenantCredentials></LoginSpec>`;
      expect((await send(em.url, "sessionMngr/?v=latest", { method: "POST", body, headers: { "Content-Type": "application/xml" } })).status).to.equal(401);
      expect((await send(em.url, "sessionMngr/?v=v9_9", { method: "POST", headers: { Authorization: ADMIN_BASIC } })).status).to.equal(400);
    });

    it("issues an opaque token, accepts it as header or cookie, shows the session and ends it on DELETE (204)", async () => {
      const logon = await send(em.url, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: ADMIN_BASIC } });
      const token = logon.headers["x-restsvcsessionid"] as string;
      const sessionId = xml(logon.body).LogonSession.SessionId;
      expect(Buffer.from(token, "base64").toString("utf8")).not.to.equal(sessionId);
      expect(logon.headers["set-cookie"]?.[0]).to.contain(`X-RestSvcSessionId=${token}`);
      expect((await send(em.url, "cloud/tenants", { headers: { Cookie: `X-RestSvcSessionId=${token}` } })).status).to.equal(200);
      expect((await send(em.url, `logonSessions/${sessionId}`, { headers: { "X-RestSvcSessionId": token } })).status).to.equal(200);
      expect((await send(em.url, `logonSessions/${sessionId}`, { method: "DELETE", headers: { "X-RestSvcSessionId": token } })).status).to.equal(204);
      expect((await send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": token } })).status).to.equal(401);
    });

    it("shows a task only within the logon session that started it; DELETE cancels it (204)", async () => {
      const first = await adminLogon(em.url);
      const second = await adminLogon(em.url);
      const body = `<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>T</Name><Password>p</Password><TenantResourceId>11c59670-23df-448c-a4b3-74c42669633e</TenantResourceId><UnlimitedQuota>true</UnlimitedQuota></CloudSubtenantCreateSpec>`;
      const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": first, "Content-Type": "application/xml" }, body });
      const taskId = xml(res.body).Task.TaskId;
      expect((await send(em.url, `tasks/${taskId}`, { headers: { "X-RestSvcSessionId": first } })).status).to.equal(200);
      expect((await send(em.url, `tasks/${taskId}`, { headers: { "X-RestSvcSessionId": second } })).status).to.equal(404);
      expect((await send(em.url, `tasks/${taskId}`, { method: "DELETE", headers: { "X-RestSvcSessionId": first } })).status).to.equal(204);
      em.store.finishAllTasks();
      expect(em.store.state.subtenants).to.have.length(0);
    });

    it("answers JSON when asked in Accept, XML by default, and 400 with an Error body for malformed XML or JSON", async () => {
      const token = await adminLogon(em.url);
      const asJson = await send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": token, Accept: "application/json" } });
      expect(asJson.headers["content-type"]).to.match(/^application\/json/);
      expect(JSON.parse(asJson.body).Refs.length).to.equal(4);
      const broken = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: "<CloudSubtenantCreateSpec" });
      expect(broken.status).to.equal(400);
      expect(xml(broken.body).Error["@Message"]).to.contain("not well-formed");
      const brokenJson = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/json", Accept: "application/json" }, body: '{"Name": ' });
      expect(brokenJson.status).to.equal(400);
      expect(JSON.parse(brokenJson.body)).to.include({ StatusCode: 400 });
      const wrongNamespace = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: "<CloudSubtenantCreateSpec><Name>x</Name></CloudSubtenantCreateSpec>" });
      expect(wrongNamespace.status).to.equal(400);
    });

    it("answers 404 for unknown paths and 405 for a method a path does not have", async () => {
      const token = await adminLogon(em.url);
      expect((await send(em.url, "nowhere", { headers: { "X-RestSvcSessionId": token } })).status).to.equal(404);
      const patch = await send(em.url, "cloud/tenants", { method: "PATCH", headers: { "X-RestSvcSessionId": token } });
      expect(patch.status).to.equal(405);
      expect(patch.headers.allow).to.equal("GET, POST");
    });
  });

  it("expires a session after the configured idle time, and each request starts that time again", async () => {
    const clock = new VirtualClock();
    em = await startEmulator({ clock, sessionIdleTimeoutMs: 15 * 60_000 });
    const token = await adminLogon(em.url);
    const tenants = async () => (await send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": token } })).status;
    clock.advance(15 * 60_000);
    expect(await tenants(), "idle for exactly the timeout").to.equal(200);
    clock.advance(15 * 60_000);
    expect(await tenants(), "the previous request restarted the idle time").to.equal(200);
    clock.advance(15 * 60_000 + 1);
    expect(await tenants()).to.equal(401);
    expect([...em.store.sessions.values()].filter((s) => !s.pinned), "the expired session is gone").to.deep.equal([]);
  });

  it("reports OperationFinished before Finished, and applies the change only at Finished", async () => {
    const clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 1000 });
    const token = await adminLogon(em.url);
    const body = `<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>T</Name><Password>p</Password><TenantResourceId>11c59670-23df-448c-a4b3-74c42669633e</TenantResourceId><UnlimitedQuota>true</UnlimitedQuota></CloudSubtenantCreateSpec>`;
    const taskId = xml((await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body })).body).Task.TaskId;
    const state = async () => xml((await send(em.url, `tasks/${taskId}`, { headers: { "X-RestSvcSessionId": token } })).body).Task.State;
    clock.advance(500);
    expect(await state()).to.equal("Running");
    clock.advance(400);
    expect(await state()).to.equal("OperationFinished");
    expect(em.store.state.subtenants).to.have.length(0);
    clock.advance(200);
    expect(await state()).to.equal("Finished");
    expect(em.store.state.subtenants).to.have.length(1);
  });
});
