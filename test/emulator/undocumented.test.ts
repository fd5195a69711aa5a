import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { adminLogon, send, xml } from "../support/http";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ID = "9f1c2e4a-0000-4000-8000-000000000001";

/** Collections EM's reference documents (resource pages of docs/em_rest) that the emulator does not model. */
const DOCUMENTED = [
  "cloud/hardwarePlans", `cloud/hardwarePlans/${ID}`, `cloud/hardwarePlans/${ID}/tenants`, "cloud/gatewayPools", `cloud/gatewayPools/${ID}`,
  "cloud/gateways", `cloud/gateways/${ID}`, "cloud/publicIpAddresses", `cloud/publicIpAddresses/${ID}`, "cloud/failoverSessions",
  `cloud/failoverSessions/${ID}`, "cloud/vlans", `cloud/tenants/${ABC}/computeResources`, `cloud/tenants/${ABC}/computeResources/${ID}`,
  `cloud/tenants/${ABC}/vCloudComputeResources`, `cloud/tenants/${ABC}/gatewayPools`, `cloud/tenants/${ABC}/freelicenseCounters`,
  `cloud/cloudFailoverPlans/${ID}/includes`, `backupServers/${ID}/jobs`, "jobs", `jobs/${ID}/includes`, "wanAccelerators", "reports/summary/overview",
  "agents/jobs", "nas/fileServers", "vCloud/orgConfigs", "selfService/vSphere/Configs", "systemSessions", "cdpPolicies", "logonSessions",
];

describe("emulator: endpoints EM documents that the emulator does not model (http_response_codes)", () => {
  let em: Emulator;
  let token: string;
  before(async () => {
    em = await startEmulator();
    token = await adminLogon(em.url);
  });
  after(() => em.stop());

  it("a GET answers 404 with EM's Error body naming what the emulator covers, never 501", async () => {
    for (const path of DOCUMENTED) {
      const res = await send(em.url, path, { headers: { "X-RestSvcSessionId": token } });
      expect(res.status, path).to.equal(404);
      expect(xml(res.body).Error["@Message"], path).to.match(/^The emulator does not model GET \/api\/.* which EM documents; it covers logon/);
    }
  });

  it("POST, PUT and DELETE answer 501, the only methods EM lists 501 for; nothing changes", async () => {
    for (const path of DOCUMENTED) {
      for (const method of ["POST", "PUT", "DELETE"]) {
        const res = await send(em.url, path, { method, headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: method === "DELETE" ? undefined : "<x/>" });
        expect(res.status, `${method} ${path}`).to.equal(501);
      }
    }
    expect(em.store.tasks.size).to.equal(0);
  });

  it("a path EM does not document stays 404 Not Found", async () => {
    const res = await send(em.url, "cloud/nothingHere", { headers: { "X-RestSvcSessionId": token } });
    expect(res.status).to.equal(404);
    expect(xml(res.body).Error["@Message"]).to.equal("The resource '/api/cloud/nothingHere' was not found");
  });
});
