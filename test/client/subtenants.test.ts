import { randomUUID } from "node:crypto";
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { DEFAULT_SEED_PATH, readSeedFile } from "../../emulator/store";
import { EmTaskFailedError, EmTaskLostError, EmTaskTimeoutError, Query } from "../../provider/client";
import { ABC_RESOURCE_ID, ABC_TENANT_ID, clientFor, count, emulator } from "./helpers";
import { forgetSessionsAtFirstSleep } from "../support/sessions";

describe("client: subtenants, tasks and queries (emulator)", () => {
  let em: Emulator;
  beforeEach(async () => {
    em = await emulator();
  });
  afterEach(async () => {
    await em.stop();
  });

  for (const format of ["xml", "json"] as const) {
    it(`creates, reads, edits and deletes a subtenant through tasks (${format})`, async () => {
      const progress: string[] = [];
      const client = clientFor(em, { format }, { onProgress: (m) => progress.push(m) });
      const created = await client.createSubtenant(ABC_TENANT_ID, {
        name: "User & <Co>",
        description: "first",
        password: "Secr3t!pw",
        enabled: true,
        tenantResourceId: ABC_RESOURCE_ID,
        quotaName: "Q1",
        quotaMb: 2048,
        unlimitedQuota: false,
      });
      expect(created.operation).to.equal("AddCloudSubtenant");
      expect(created.taskId).to.match(/^task-\d+$/);
      const [sub] = await client.listSubtenants({ tenantId: ABC_TENANT_ID, name: "User & <Co>" });
      expect(sub).to.deep.include({ tenantId: ABC_TENANT_ID, tenantName: "ABC Company", name: "User & <Co>", description: "first", enabled: true });
      expect(sub.quota).to.deep.include({ unlimited: false, displayName: "Q1", tenantResourceId: ABC_RESOURCE_ID, quotaMb: 2048 });
      expect(await client.getSubtenant(ABC_TENANT_ID, sub.id)).to.deep.equal(sub);

      const edited = await client.editSubtenant(ABC_TENANT_ID, sub.id, { description: "second", password: "", enabled: false, repositoryQuota: { unlimited: true, displayName: "Q1", tenantResourceId: ABC_RESOURCE_ID, quotaMb: 4096 } });
      expect(edited.operation).to.equal("EditCloudSubtenant");
      const after = await client.getSubtenant(ABC_TENANT_ID, sub.id);
      expect(after).to.deep.include({ description: "second", enabled: false });
      expect(after?.quota).to.deep.include({ unlimited: true, quotaMb: 4096 });

      expect((await client.deleteSubtenant(ABC_TENANT_ID, sub.id)).operation).to.equal("DeleteCloudSubtenant");
      expect(await client.getSubtenant(ABC_TENANT_ID, sub.id)).to.equal(undefined);
      expect((await client.deleteSubtenant(ABC_TENANT_ID, sub.id)).taskId).to.equal("", "a second delete finds it gone");
      expect(progress.some((m) => /task-\d+ \(AddCloudSubtenant\): Finished/.test(m))).to.equal(true);
      await client.close();
    });
  }

  it("reports a failed task with EM's message and the operation", async () => {
    const client = clientFor(em);
    await client.logon();
    em.faults.update({ taskFailureRate: 1 });
    const err = await client.createSubtenant(ABC_TENANT_ID, { name: "failing", password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EmTaskFailedError);
    const e = err as EmTaskFailedError;
    expect(e.operation).to.equal("AddCloudSubtenant");
    expect(e.emMessage).to.match(/fault injected/);
    expect(e.message).to.match(/^EM task AddCloudSubtenant failed: .*fault injected.*\(task .*\/api\/tasks\/task-\d+\)\. EM did not apply the change: check EM.s message, fix its cause if it names one, then run .pulumi up. again$/);
  });

  it("reports EM's own task failure message (quota under 1 GB)", async () => {
    const client = clientFor(em);
    const err = await client.createSubtenant(ABC_TENANT_ID, { name: "tiny", password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: false, quotaMb: 10 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EmTaskFailedError);
    expect((err as Error).message).to.match(/1024|1 ?GB/i);
  });

  it("gives up on a task that never finishes, saying how long it waited and where the task is", async () => {
    // The task hangs whatever the time: the client waits for it on the virtual clock, its polls' sleeps as waits
    // that move that clock on.
    const client = clientFor(em, { taskTimeoutMs: 300 });
    await client.logon();
    em.faults.update({ taskHangRate: 1 });
    const err = await client.createSubtenant(ABC_TENANT_ID, { name: "hanging", password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EmTaskTimeoutError);
    const e = err as EmTaskTimeoutError;
    expect(e.waitedMs, "gave up at the 300 ms task timeout, not long after").to.be.within(300, 340);
    expect(e.taskUrl).to.match(/\/api\/tasks\/task-\d+$/);
    expect(e.message).to.match(/did not finish within \d+ ms \(last state Running; task .*\/api\/tasks\/task-\d+\)/);
    // Polling backs off: far fewer polls than 300 ms / 10 ms.
    expect(count(em, "GET", /^\/api\/tasks\//)).to.be.within(2, 10);
  });

  it("raises 'task lost' when the session was renewed while polling and EM no longer shows the task", async () => {
    const client = clientFor(em, {}, { pollTiming: { initialDelayMs: 10, maxDelayMs: 40, sleep: forgetSessionsAtFirstSleep(em) } });
    const err = await client.createSubtenant(ABC_TENANT_ID, { name: "lost", password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EmTaskLostError);
    expect((err as Error).message).to.match(/AddCloudSubtenant .*task-\d+.*outcome is unknown; query the object/);
    expect(count(em, "POST", /^\/api\/sessionMngr\//)).to.equal(2);
    // The outcome can be verified by query.
    em.store.finishAllTasks();
    expect((await client.listSubtenants({ name: "lost" })).map((s) => s.name)).to.deep.equal(["lost"]);
  });

  it("escapes filter values: backslashes literal, quotes doubled, spaces kept; URL-encoded on the wire", async () => {
    const client = clientFor(em);
    const fox = await client.findTenantByName("tech\\william.fox");
    expect(fox?.type).to.equal("ActiveDirectory");
    expect(fox?.id).to.equal("9d35e68b-3c54-4e85-8a77-c0a2d8b069ed");
    const q = em.requests.find((r) => r.url.startsWith("/api/query?type=CloudTenant"));
    expect(q?.url).to.contain("filter=Name%3D%3D%22tech%5Cwilliam.fox%22");
    expect(await client.findTenantByName("no such tenant")).to.equal(undefined);
    // Only possibly the same name (EM on PostgreSQL may hold case apart): never taken for the tenant (name-rule.ts).
    const caseVariant = await client.findTenantByName("abc company").then(() => undefined, (e: Error) => e);
    expect(caseVariant?.message).to.contain("EM has a cloud tenant named 'ABC Company', which EM may count as the same name as 'abc company'");

    for (const name of ['He said "hi"', "two  spaces here", "semi;colon,comma(paren)"]) {
      await client.createSubtenant(ABC_TENANT_ID, { name, password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true });
    }
    for (const name of ['He said "hi"', "two  spaces here", "semi;colon,comma(paren)"]) {
      expect((await client.listSubtenants({ tenantId: ABC_TENANT_ID, name })).map((s) => s.name)).to.deep.equal([name]);
    }
    expect(em.requests.some((r) => r.url.includes("Name%3D%3D%22He%20said%20%22%22hi%22%22%22"))).to.equal(true);
    expect((await client.listSubtenants({ tenantId: ABC_TENANT_ID })).length).to.equal(3);
    expect(await client.listSubtenants({ tenantId: "00000000-0000-0000-0000-000000000000" })).to.deep.equal([]);
  });

  it("collects every page of a 260-item query, by page number", async () => {
    await em.stop();
    const subtenants = Array.from({ length: 260 }, (_, i) => ({
      id: randomUUID(),
      tenantId: ABC_TENANT_ID,
      name: `user-${String(i).padStart(3, "0")}`,
      description: "",
      password: "x",
      enabled: true,
      quota: { unlimited: true, displayName: `q${i}`, tenantResourceId: ABC_RESOURCE_ID, quotaMb: 1024, usedQuotaMb: 0, quotaId: randomUUID() },
    }));
    em = await emulator({ seed: { ...readSeedFile(DEFAULT_SEED_PATH), subtenants } });
    const client = clientFor(em);
    await client.logon();

    const small = await client.query(Query.type("CloudSubtenant").format("Entities").sortAsc("Name").pageSize(25), { singular: "CloudSubtenant", plural: "CloudSubtenants" });
    expect(small.entities).to.have.length(260);
    expect(new Set(small.entities.map((e) => e.Id ?? e.id)).size).to.equal(260);
    expect(small.pages).to.equal(11);
    expect(count(em, "GET", /^\/api\/query\?/)).to.equal(11);

    const all = await client.listSubtenants({ tenantId: ABC_TENANT_ID });
    expect(all.map((s) => s.name).sort()).to.deep.equal(subtenants.map((s) => s.name));
    expect(count(em, "GET", /^\/api\/query\?/)).to.equal(11 + 3, "default page size 100: three pages");

    const refs = await client.query(Query.type("CloudTenant").pageSize(1));
    expect(refs.refs.map((r) => r.name)).to.include.members(["ABC Company", "tech\\william.fox"]);
  });
});
