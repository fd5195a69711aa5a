import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import type { SeedFile } from "../../emulator/store";
import { readSeedFile, DEFAULT_SEED_PATH } from "../../emulator/store";
import { adminLogon, send, xml } from "../support/http";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ABC_RESOURCE = "11c59670-23df-448c-a4b3-74c42669633e";

/** The default seed plus `count` subtenants of ABC Company named sub-000, sub-001, … */
function seedWithSubtenants(count: number, extra: Array<{ name: string; enabled?: boolean }> = []): SeedFile {
  const seed = readSeedFile(DEFAULT_SEED_PATH);
  const names: Array<{ name: string; enabled?: boolean }> = [...Array.from({ length: count }, (_, i) => ({ name: `sub-${String(i).padStart(3, "0")}` })), ...extra];
  seed.subtenants = names.map((n, i) => ({
    id: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    tenantId: ABC,
    name: n.name,
    description: "",
    password: "pw",
    enabled: n.enabled ?? true,
    quota: { unlimited: false, displayName: n.name, tenantResourceId: ABC_RESOURCE, quotaMb: 1024 + i, usedQuotaMb: 0, quotaId: `q-${i}` },
  }));
  return seed;
}

describe("emulator: query service", () => {
  let em: Emulator;
  let token: string;
  const get = (q: string, accept?: string) => send(em.url, `query?${q}`, { headers: { "X-RestSvcSessionId": token, ...(accept ? { Accept: accept } : {}) } });
  const names = (body: string) => xml(body).QueryResult.Resources.CloudSubtenants.CloudSubtenant?.map((s: Record<string, string>) => s.Name) ?? [];

  afterEach(() => em.stop());

  describe("filters", () => {
    beforeEach(async () => {
      em = await startEmulator({ seed: seedWithSubtenants(3, [{ name: 'say "hi"' }, { name: "TECH\\user" }, { name: "Off One", enabled: false }]) });
      token = await adminLogon(em.url);
    });

    it("matches a quoted value with a literal backslash", async () => {
      expect(names((await get('type=CloudSubtenant&format=Entities&filter=Name=="TECH\\user"')).body)).to.deep.equal(["TECH\\user"]);
    });

    it("matches a quoted value whose quotes are doubled", async () => {
      expect(names((await get('type=CloudSubtenant&format=Entities&filter=Name=="say%20""hi"""')).body)).to.deep.equal(['say "hi"']);
    });

    it("combines with ; (and) and , (or), grouped by parentheses", async () => {
      const res = await get('type=CloudSubtenant&format=Entities&sortAsc=Name&filter=(Name==sub-000,Name==sub-001);Quota>1024');
      expect(names(res.body)).to.deep.equal(["sub-001"]);
      expect(names((await get("type=CloudSubtenant&format=Entities&sortAsc=Name&filter=Name==sub-000,Name==sub-002")).body)).to.deep.equal(["sub-000", "sub-002"]);
    });

    it("filters on EM's own field names: Disabled, CloudTenantUid, CloudTenantName, UID", async () => {
      expect(names((await get("type=CloudSubtenant&format=Entities&filter=Disabled==true")).body)).to.deep.equal(["Off One"]);
      const byTenant = await get(`type=CloudSubtenant&format=Entities&filter=CloudTenantUid=="urn:veeam:CloudTenant:${ABC}";CloudTenantName=="ABC%20Company"`);
      expect(names(byTenant.body)).to.have.length(6);
      expect(names((await get("type=CloudSubtenant&format=Entities&filter=UID==00000000-0000-0000-0000-000000000001")).body)).to.deep.equal(["sub-001"]);
    });

    it("sorts descending", async () => {
      expect(names((await get("type=CloudSubtenant&format=Entities&sortDesc=Quota&filter=Quota<=1026")).body)).to.deep.equal(["sub-002", "sub-001", "sub-000"]);
    });

    it("answers 400 for an unknown field or a broken filter, 404 (never 501 to a GET) for an EM type it does not model", async () => {
      expect((await get("type=CloudSubtenant&filter=Colour==red")).status).to.equal(400);
      expect((await get('type=CloudSubtenant&filter=Name=="open')).status).to.equal(400);
      expect((await get("type=Job")).status).to.equal(404);
      expect((await get("type=Nonsense")).status).to.equal(400);
    });

    it("answers references by default", async () => {
      const refs = xml((await get("type=CloudTenant")).body).QueryResult.Refs.Ref;
      expect(refs.map((r: Record<string, string>) => r["@Type"])).to.include("CloudTenantReference");
    });
  });

  describe("paging", () => {
    beforeEach(async () => {
      em = await startEmulator({ seed: seedWithSubtenants(260) });
      token = await adminLogon(em.url);
    });

    it("gives every result on one page when no pageSize is given (pagesize_and_page)", async () => {
      const result = xml((await get("type=CloudSubtenant&format=Entities")).body).QueryResult;
      expect(result.Resources.CloudSubtenants.CloudSubtenant).to.have.length(260);
      expect(result.PagingInfo).to.include({ "@PagesCount": "1", "@PageSize": "260", "@PageNum": "1" });
      expect(result.PagingInfo.Links.Link.map((l: Record<string, string>) => l["@Rel"])).to.deep.equal(["First", "Last"]);
    });

    it("gives First, Next and Last links that lead through every item exactly once", async () => {
      const seen: string[] = [];
      let next: string | undefined = "type=CloudSubtenant&format=Entities&sortAsc=Name&pageSize=75";
      let pages = 0;
      while (next !== undefined && pages < 10) {
        const result: { Resources: { CloudSubtenants: { CloudSubtenant: Array<Record<string, string>> } }; PagingInfo: { Links: { Link: Array<Record<string, string>> } } } = xml((await get(next)).body).QueryResult;
        seen.push(...result.Resources.CloudSubtenants.CloudSubtenant.map((s) => s.Name));
        const nextLink = result.PagingInfo.Links.Link.find((l) => l["@Rel"] === "Next");
        next = nextLink ? nextLink["@Href"].split("?")[1] : undefined;
        pages++;
      }
      expect(pages).to.equal(4);
      expect(seen).to.have.length(260);
      expect(new Set(seen).size).to.equal(260);
      expect(seen[0]).to.equal("sub-000");
    });

    it("answers 400 for a pageSize that is not a positive whole number", async () => {
      expect((await get("type=CloudSubtenant&pageSize=0")).status).to.equal(400);
      expect((await get("type=CloudSubtenant&pageSize=ten")).status).to.equal(400);
    });

    it("renders a query result in JSON, lists wrapped under their plural item names", async () => {
      const result = JSON.parse((await get("type=CloudSubtenant&format=Entities&pageSize=2", "application/json")).body);
      expect(result.Resources.CloudSubtenants.CloudSubtenants).to.have.length(2);
      expect(result.Resources.CloudSubtenants.CloudSubtenants[0].RepositoryQuota.Unlimited).to.equal(false);
      expect(result.PagingInfo).to.include({ PagesCount: 130, PageSize: 2, PageNum: 1 });
      expect(result.PagingInfo.Links.map((l: Record<string, string>) => l.Rel)).to.deep.equal(["First", "Next", "Last"]);
    });
  });
  describe("tasks (get_query_task)", () => {
    it("lists the tasks of the asking logon session only, filtered by TaskId with , (or), entities by default", async () => {
      em = await startEmulator({ taskDurationMs: 60_000 });
      token = await adminLogon(em.url);
      const other = await adminLogon(em.url);
      const sessionOf = (t: string) => em.store.sessions.get(t)?.id ?? "";
      const ok = () => ({ success: true, message: "" });
      const mine = [em.store.startTask("AddCloudSubtenant", sessionOf(token), ok), em.store.startTask("EditCloudSubtenant", sessionOf(token), ok)];
      const theirs = em.store.startTask("AddCloudSubtenant", sessionOf(other), ok);
      const ids = (body: string) => (xml(body).QueryResult.Resources.Tasks.Task ?? []).map((t: Record<string, string>) => t.TaskId);

      const all = await get("type=Task");
      expect(all.status).to.equal(200);
      expect(ids(all.body)).to.deep.equal(mine.map((t) => t.id));
      const filtered = await get(`type=Task&format=Entities&filter=TaskId=="${mine[1].id}",TaskId=="${theirs.id}"`);
      expect(ids(filtered.body)).to.deep.equal([mine[1].id]);
      expect(xml(filtered.body).QueryResult.Resources.Tasks.Task[0]).to.include({ State: "Running", Operation: "EditCloudSubtenant" });

      em.store.finishAllTasks();
      const finished = xml((await get(`type=Task&format=Entities&filter=State==Finished;Operation==AddCloudSubtenant`)).body).QueryResult.Resources.Tasks.Task;
      expect(finished.map((t: Record<string, string>) => t.TaskId)).to.deep.equal([mine[0].id]);
      expect(finished[0].Result["@Success"]).to.equal("true");
    });
  });
});
