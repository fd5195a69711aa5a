import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { adminLogon, send, xml } from "../support/http";

/** query_comparison: "If a resource parameter has an array of possible values, the values are compared by their index." */
describe("emulator: query filters compare enumerations by index", () => {
  let em: Emulator;
  let token: string;
  const get = (q: string) => send(em.url, `query?${q}`, { headers: { "X-RestSvcSessionId": token } });
  afterEach(() => em.stop());

  it("a task's State: Running < OperationFinished < Finished (get_query_task's order)", async () => {
    em = await startEmulator({ taskDurationMs: 60_000 });
    token = await adminLogon(em.url);
    const session = em.store.sessions.get(token)?.id ?? "";
    const done = em.store.startTask("AddCloudSubtenant", session, () => ({ success: true, message: "Ok" }));
    em.store.finishAllTasks();
    const running = em.store.startTask("EditCloudSubtenant", session, () => ({ success: true, message: "Ok" }));
    const ids = async (filter: string) => {
      const res = await get(`type=Task&filter=${filter}`);
      expect(res.status, res.body).to.equal(200);
      return (xml(res.body).QueryResult.Resources.Tasks?.Task ?? []).map((t: Record<string, string>) => t.TaskId);
    };
    expect(await ids("State>=OperationFinished")).to.deep.equal([done.id]);
    expect(await ids("State<Finished")).to.deep.equal([running.id]);
    expect(await ids("State>running")).to.deep.equal([done.id]);
    const sorted = xml((await get("type=Task&sortDesc=State")).body).QueryResult.Resources.Tasks.Task.map((t: Record<string, string>) => t.TaskId);
    expect(sorted).to.deep.equal([done.id, running.id]);
    expect((await get("type=Task&filter=State>=Done")).status).to.equal(400);
  });

  it("a tenant's Type: vCD < Standalone < ActiveDirectory (get_query_cloudtenant's order)", async () => {
    em = await startEmulator();
    token = await adminLogon(em.url);
    const types = async (filter: string) =>
      (xml((await get(`type=CloudTenant&format=Entities&filter=${filter}`)).body).QueryResult.Entities.CloudTenants?.CloudTenant ?? []).map((t: Record<string, string>) => t["@Name"]);
    expect(await types("Type>Standalone")).to.have.members(["tech\\john.smith", "tech\\william.fox"]);
    expect(await types("Type<Standalone")).to.have.members(["vCDOrg1"]);
  });
});
