import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmNameTakenError, EmOutcomeUnknownError, EmTaskFailedError } from "../../provider/client";
import type { CloudTenantCreateSpec } from "../../provider/client/codec";
import { clientFor, count, emulator } from "./helpers";

const SERVER_UID = "urn:veeam:BackupServer:ca19249e-e638-421a-ab22-68cb89b9009a";
const SILVER = "urn:veeam:Repository:4b7c1e52-9d3a-4f6e-8a21-7e5d3c9b1f04";
const REPO_03 = "urn:veeam:Repository:5236d23a-c8a9-4bbf-9e4a-26b4c63e339d";

const spec = (name: string): CloudTenantCreateSpec => ({
  name,
  description: "made by the client test",
  password: "Tenant-Pw-1",
  enabled: true,
  leaseExpirationDate: "2031-05-01T00:00:00Z",
  resources: [{ name: `${name} quota`, repositoryUid: SILVER, quotaMb: 2048 }],
  throttling: { enabled: true, speedLimit: 20, unit: "MBps" },
  backupServerUid: SERVER_UID,
  maxConcurrentTasks: 2,
});

describe("client: cloud tenants and backup resources (emulator)", () => {
  let em: Emulator;
  beforeEach(async () => {
    em = await emulator({ taskDurationMs: 20 });
  });
  afterEach(async () => {
    await em.stop();
  });

  for (const format of ["xml", "json"] as const) {
    it(`creates a tenant named by its task's Related link, edits it, adds and removes a quota, deletes it keeping backups (${format})`, async () => {
      const client = clientFor(em, { format });
      const tenant = await client.createTenant(spec("Client Co"));
      expect(tenant).to.deep.include({ name: "Client Co", description: "made by the client test", enabled: true, backupServerId: "ca19249e-e638-421a-ab22-68cb89b9009a", leaseExpiration: "2031-05-01T00:00:00Z", maxConcurrentTasks: 2 });
      expect(tenant.throttling).to.deep.equal({ enabled: true, speedLimit: 20, unit: "MBps" });
      expect(tenant.resources.map((r) => [r.displayName, r.quotaMb])).to.deep.equal([["Client Co quota", 2048]]);

      const [quota] = tenant.resources;
      await client.editTenant(tenant.id, { name: tenant.name, description: "edited", enabled: false, resources: [{ ...quota, quotaMb: 8192 }], maxConcurrentTasks: 5 });
      const edited = await client.getTenant(tenant.id);
      expect(edited).to.deep.include({ description: "edited", enabled: false, maxConcurrentTasks: 5 });
      expect(edited?.leaseExpiration).to.equal(undefined);
      expect(edited?.resources[0].quotaMb).to.equal(8192);
      expect(em.store.state.tenants.find((t) => t.id === tenant.id)?.password, "an edit without a password keeps it").to.equal("Tenant-Pw-1");

      const added = await client.addTenantResource(tenant.id, { name: "Second", repositoryUid: REPO_03, quotaMb: 1024 });
      expect(added).to.deep.include({ displayName: "Second", quotaMb: 1024 });
      await client.deleteTenantResource(tenant.id, added.id);
      expect((await client.getTenant(tenant.id))?.resources.map((r) => r.id)).to.deep.equal([quota.id]);

      em.store.state.tenants.find((t) => t.id === tenant.id)!.resources[0].usedQuotaMb = 700;
      await client.deleteTenant(tenant.id);
      expect(await client.getTenant(tenant.id)).to.equal(undefined);
      expect(em.requests.filter((r) => r.method === "DELETE" && r.url.startsWith(`/api/cloud/tenants/${tenant.id}`) && !r.url.includes("/resources/")).map((r) => r.url)).to.deep.equal([`/api/cloud/tenants/${tenant.id}`]);
      expect(em.store.state.repositories.find((r) => SILVER.endsWith(r.id))?.retainedBackups).to.deep.equal([{ tenantName: "Client Co", usedMb: 700 }]);
      await client.close();
    });
  }

  it("sends includeBackups=true only when asked", async () => {
    const client = clientFor(em);
    const tenant = await client.createTenant(spec("With Backups"));
    em.store.state.tenants.find((t) => t.id === tenant.id)!.resources[0].usedQuotaMb = 300;
    await client.deleteTenant(tenant.id, { includeBackups: true });
    expect(count(em, "DELETE", /includeBackups=true/)).to.equal(1);
    expect(em.store.state.repositories.every((r) => r.retainedBackups === undefined)).to.equal(true);
    await client.close();
  });

  it("a name EM refuses is EmNameTakenError; other task failures stay task failures", async () => {
    const client = clientFor(em);
    await client.createTenant(spec("Taken"));
    const err = await client.createTenant(spec("TAKEN")).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EmNameTakenError);
    const small = await client.createTenant({ ...spec("Tiny"), resources: [{ name: "q", repositoryUid: SILVER, quotaMb: 10 }] }).catch((e: unknown) => e);
    expect(small).to.be.instanceOf(EmTaskFailedError);
    expect(em.store.state.tenants.filter((t) => t.name === "Tiny")).to.have.length(0);
    await client.close();
  });

  it("settles a lost create answer with the Related link of its own task, once, without a second POST", async () => {
    const client = clientFor(em);
    await client.logon();
    em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
    const tenant = await client.createTenant(spec("Lost Answer Co"));
    expect(tenant.name).to.equal("Lost Answer Co");
    expect(em.store.state.tenants.filter((t) => t.name === "Lost Answer Co").map((t) => t.id)).to.deep.equal([tenant.id]);
    expect(count(em, "POST", /\/cloud\/tenants$/)).to.equal(1);
    const resource = await client.addTenantResource(tenant.id, { name: "Lost quota", repositoryUid: REPO_03, quotaMb: 1024 });
    expect(em.store.state.tenants.find((t) => t.id === tenant.id)?.resources.map((r) => r.id)).to.include(resource.id);
    expect(count(em, "POST", /\/resources$/)).to.equal(1);
    await client.close();
  });

  it("never binds a same-named tenant when its task cannot be seen: outcome unknown, no id", async () => {
    // The session is forgotten once EM takes the create, so its task (and its Related link) is out of view.
    const client = clientFor(em);
    await client.logon();
    const original = em.store.startTask.bind(em.store);
    em.store.startTask = (...args) => {
      const task = original(...args);
      em.store.sessions.clear();
      return task;
    };
    const err = await client.createTenant(spec("Unseen Co")).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EmOutcomeUnknownError);
    expect((err as Error).message).to.match(/session .* renewed/);
    expect((err as { id?: string }).id).to.equal(undefined);
    em.store.finishAllTasks();
    expect(em.store.state.tenants.filter((t) => t.name === "Unseen Co"), "EM made it; the client did not claim it").to.have.length(1);
    await client.close();
  });

  it("looks up backup servers and repositories with their names and UIDs", async () => {
    const client = clientFor(em, { format: "json" });
    const servers = await client.listBackupServers();
    expect(servers.map((s) => s.name)).to.deep.equal(["172.24.31.67", "172.24.31.68"]);
    const repositories = await client.listRepositories();
    expect(repositories.find((r) => r.name === "Remote Cloud Repository")).to.deep.include({ backupServerId: "e2b7a9c4-5f1d-4c8e-9b3a-6d2f8e1c7a05", backupServerName: "172.24.31.68" });
    await client.close();
  });
});
