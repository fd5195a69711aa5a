import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { adminLogon, send, waitForTask, xml } from "../support/http";
import { VirtualClock } from "../support/virtual-clock";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ABC_RESOURCE = "11c59670-23df-448c-a4b3-74c42669633e";
const FILE_RESTORE = "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6";

/** One rule for "the same name" in the emulator's query filter and its uniqueness checks (docs/em-name-rules.md). */
describe("emulator: one rule for the same name (SQL Server's case-insensitive collations)", () => {
  let em: Emulator;
  let clock: VirtualClock;
  let token: string;
  beforeEach(async () => {
    clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 10 });
    token = await adminLogon(em.url);
  });
  afterEach(() => em.stop());

  const headers = () => ({ "X-RestSvcSessionId": token, "Content-Type": "application/xml" });
  const createSubtenant = async (name: string) => {
    const body = `<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>${name}</Name><Password>pw</Password><TenantResourceId>${ABC_RESOURCE}</TenantResourceId><UnlimitedQuota>true</UnlimitedQuota></CloudSubtenantCreateSpec>`;
    const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: headers(), body });
    return waitForTask(em.url, token, xml(res.body).Task.TaskId, clock);
  };
  const createAccount = (name: string) =>
    send(em.url, "security/accounts", {
      method: "POST",
      headers: headers(),
      body: `<EnterpriseAccountCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><AccountType>User</AccountType><AccountName>${name}</AccountName><Roles><EnterpriseRole><EnterpriseRoleUid>${FILE_RESTORE}</EnterpriseRoleUid></EnterpriseRole></Roles><AllowRestoreAllVms>true</AllowRestoreAllVms></EnterpriseAccountCreateSpec>`,
    });

  it("the filter ignores case, width and trailing spaces, and keeps accents", async () => {
    const names = async (value: string) =>
      (xml((await send(em.url, `query?type=CloudTenant&filter=Name==${encodeURIComponent(`"${value}"`)}`, { headers: headers() })).body).QueryResult.Refs?.Ref ?? []).map((r: Record<string, string>) => r["@Name"]);
    expect(await names("abc company  ")).to.deep.equal(["ABC Company"]);
    expect(await names("ＡＢＣ Company")).to.deep.equal(["ABC Company"]);
    expect(await names("ABC Compány")).to.deep.equal([]);
  });

  it("an account's uniqueness follows the same rule as the filter: a full-width twin is a duplicate", async () => {
    expect((await createAccount("TECH\\alice")).status).to.equal(201);
    const twin = await createAccount("TECH\\ａlice");
    expect(twin.status).to.equal(400);
    expect(xml(twin.body).Error["@Message"]).to.contain("already exists");
    expect((await createAccount("TECH\\alicé")).status, "an accent makes another name").to.equal(201);
  });

  it("a subtenant name with a Unicode character fails its task (Add-VBRCloudSubTenant: no Unicode characters)", async () => {
    const outcome = await createSubtenant("Café-01");
    expect(outcome.success).to.equal(false);
    expect(outcome.message).to.contain("must not contain Unicode characters");
    expect((await createSubtenant("Cafe-01")).success).to.equal(true);
    expect((await createSubtenant("CAFE-01")).message).to.contain("already has a subtenant named");
  });
});
