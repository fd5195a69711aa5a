import { expect } from "chai";
import { EM_VERSIONS } from "../../emulator/versions";
import { startEmulator, type Emulator } from "../../emulator/server";
import { adminLogon, send, waitForTask, xml } from "../support/http";
import { VirtualClock } from "../support/virtual-clock";

const SERVER = "urn:veeam:BackupServer:ca19249e-e638-421a-ab22-68cb89b9009a";
const SILVER = "urn:veeam:Repository:4b7c1e52-9d3a-4f6e-8a21-7e5d3c9b1f04";
const REPO_03 = "urn:veeam:Repository:5236d23a-c8a9-4bbf-9e4a-26b4c63e339d";
const REMOTE = "urn:veeam:Repository:9f3e2d1c-7b6a-4e5d-8c9b-0a1f2e3d4c5b"; // on the other backup server
const FOX = "9d35e68b-3c54-4e85-8a77-c0a2d8b069ed"; // its resource on REPO_03 holds 4096 MB

interface Spec {
  name?: string;
  quotaMb?: number;
  repository?: string;
  lease?: string;
}

/** A CreateCloudTenantSpec in EM's element order (post_tenants), in XML or in the JSON of its examples. */
function createBody(format: "xml" | "json", spec: Spec = {}): string {
  const { name = "Acme", quotaMb = 2048, repository = SILVER, lease = "2030-01-31T00:00:00Z" } = spec;
  if (format === "json") {
    return JSON.stringify({
      Name: name,
      Description: "Acme Corp",
      Password: "Tenant-Pass-1",
      Enabled: true,
      LeaseExpirationDate: lease,
      Resources: { BackupResources: [{ Name: "Acme quota", RepositoryUid: repository, QuotaMb: quotaMb }] },
      ThrottlingEnabled: true,
      ThrottlingSpeedLimit: 5,
      ThrottlingSpeedUnit: "Mbps",
      BackupServerUid: SERVER,
      MaxConcurrentTasks: 3,
      TenantType: "Standalone",
    });
  }
  return (
    `<CreateCloudTenantSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>${name}</Name><Description>Acme Corp</Description>` +
    `<Password>Tenant-Pass-1</Password><Enabled>true</Enabled><LeaseExpirationDate>${lease}</LeaseExpirationDate>` +
    `<Resources><BackupResource><Name>Acme quota</Name><RepositoryUid>${repository}</RepositoryUid><QuotaMb>${quotaMb}</QuotaMb></BackupResource></Resources>` +
    `<ThrottlingEnabled>true</ThrottlingEnabled><ThrottlingSpeedLimit>5</ThrottlingSpeedLimit><ThrottlingSpeedUnit>Mbps</ThrottlingSpeedUnit>` +
    `<BackupServerUid>${SERVER}</BackupServerUid><MaxConcurrentTasks>3</MaxConcurrentTasks><TenantType>Standalone</TenantType></CreateCloudTenantSpec>`
  );
}

/** A PUT body: the CloudTenant entity with the elements to change (put_tenants_id), TenantType optional. */
function editBody(format: "xml" | "json", resourceId: string, quotaMb: number, withTenantType = true): string {
  if (format === "json") {
    return JSON.stringify({
      Description: "Acme Corporation",
      Enabled: false,
      LeaseOptions: { Enabled: false },
      Resources: { CloudTenantResources: [{ RepositoryQuota: { DisplayName: "Acme quota", RepositoryUid: SILVER, Quota: quotaMb }, Id: resourceId }] },
      MaxConcurrentTasks: 4,
      ...(withTenantType ? { TenantType: { StandaloneTenant: { TenantCredentials: { Username: "Acme" } }, vCloudTenant: null } } : {}),
      Name: "Acme",
      Type: "CloudTenant",
    });
  }
  return (
    `<CloudTenant xmlns="http://www.veeam.com/ent/v1.0" Type="CloudTenant" Name="Acme"><Password/><Description>Acme Corporation</Description>` +
    `<Enabled>false</Enabled><LeaseOptions Enabled="false"/><Resources><CloudTenantResource Type="CloudTenantResource" Id="${resourceId}">` +
    `<RepositoryQuota><DisplayName>Acme quota</DisplayName><RepositoryUid>${SILVER}</RepositoryUid><Quota>${quotaMb}</Quota></RepositoryQuota>` +
    `</CloudTenantResource></Resources><MaxConcurrentTasks>4</MaxConcurrentTasks>` +
    (withTenantType ? `<TenantType><StandaloneTenant><TenantCredentials><Username>Acme</Username></TenantCredentials></StandaloneTenant></TenantType>` : "") +
    `</CloudTenant>`
  );
}

function resourceBody(format: "xml" | "json", repository: string, quotaMb: number, name = "Second quota"): string {
  if (format === "json") return JSON.stringify({ Name: name, RepositoryUid: repository, QuotaMb: quotaMb });
  return `<CreateCloudTenantResourceSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>${name}</Name><RepositoryUid>${repository}</RepositoryUid><QuotaMb>${quotaMb}</QuotaMb><WanAcceleratorUid/></CreateCloudTenantResourceSpec>`;
}

describe("emulator: cloud tenants and their backup resources", () => {
  let em: Emulator;
  let clock: VirtualClock;
  let token: string;
  afterEach(() => em?.stop());

  async function start(emVersion?: (typeof EM_VERSIONS)[number]): Promise<void> {
    clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 5, ...(emVersion ? { emVersion } : {}) });
    token = await adminLogon(em.url);
  }

  const headers = (format: "xml" | "json") => ({ "X-RestSvcSessionId": token, "Content-Type": `application/${format}` });

  /** Sends a change, expects 202 with a task of `operation`, and returns the finished task (XML). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function change(method: string, path: string, format: "xml" | "json", body: string | undefined, operation: string): Promise<any> {
    const res = await send(em.url, path, { method, headers: headers(format), body });
    expect(res.status, res.body).to.equal(202);
    const taskId = xml(res.body).Task.TaskId;
    expect(xml(res.body).Task.Operation).to.equal(operation);
    await waitForTask(em.url, token, taskId, clock);
    return xml((await send(em.url, `tasks/${taskId}`, { headers: { "X-RestSvcSessionId": token } })).body).Task;
  }

  const relatedOf = (task: { Links: { Link: Array<Record<string, string>> } }) => task.Links.Link.find((l) => l["@Rel"] === "Related");

  for (const version of EM_VERSIONS) {
    for (const format of ["xml", "json"] as const) {
      it(`EM ${version}, ${format}: create links the tenant, edit changes it in place, resources come and go, delete keeps backups`, async () => {
        await start(version);
        const created = await change("POST", "cloud/tenants", format, createBody(format), "CreateCloudTenant");
        expect(created.Result["@Success"], created.Result.Message).to.equal("true");
        const related = relatedOf(created);
        expect(related).to.include({ "@Type": "CloudTenant", "@Name": "Acme" });
        const id = /tenants\/([0-9a-f-]+)\?format=Entity$/.exec(related?.["@Href"] ?? "")?.[1] as string;
        const entity = xml((await send(em.url, `cloud/tenants/${id}?format=Entity`, { headers: { "X-RestSvcSessionId": token } })).body).CloudTenant;
        expect(entity).to.include({ Description: "Acme Corp", Enabled: "true", ThrottlingEnabled: "true", ThrottlingSpeedLimit: "5", ThrottlingSpeedUnit: "Mbps", MaxConcurrentTasks: "3" });
        expect(entity.LeaseOptions).to.include({ "@Enabled": "true", "@ExpirationDate": "2030-01-31T00:00:00Z" });
        const [resource] = entity.Resources.CloudTenantResource;
        expect(resource.RepositoryQuota).to.include({ DisplayName: "Acme quota", RepositoryUid: SILVER, Quota: "2048", UsedQuota: "0" });
        expect(JSON.stringify(entity)).not.to.contain("Tenant-Pass-1");

        const edited = await change("PUT", `cloud/tenants/${id}`, format, editBody(format, resource["@Id"], 4096), "EditCloudTenant");
        expect(edited.Result["@Success"], edited.Result.Message).to.equal("true");
        const tenant = em.store.state.tenants.find((t) => t.id === id);
        expect(tenant).to.include({ description: "Acme Corporation", enabled: false, maxConcurrentTasks: 4, password: "Tenant-Pass-1" });
        expect(tenant?.leaseExpiration).to.equal(undefined);
        expect(tenant?.resources.map((r) => [r.id, r.quotaMb])).to.deep.equal([[resource["@Id"], 4096]]);

        const added = await change("POST", `cloud/tenants/${id}/resources`, format, resourceBody(format, REPO_03, 1024), "CreateCloudTenantResource");
        const resourceLink = relatedOf(added);
        expect(resourceLink).to.include({ "@Type": "CloudTenantResource", "@Name": "Acme" });
        const resourceId = /resources\/([0-9a-f-]+)$/.exec(resourceLink?.["@Href"] ?? "")?.[1] as string;
        expect(tenant?.resources.map((r) => r.id)).to.deep.equal([resource["@Id"], resourceId]);
        const put = await send(em.url, `cloud/tenants/${id}/resources/${resourceId}`, { method: "PUT", headers: headers(format), body: resourceBody(format, REPO_03, 2048) });
        expect(put.status, "a resource has no PUT").to.equal(405);
        await change("DELETE", `cloud/tenants/${id}/resources/${resourceId}`, format, undefined, "DeleteCloudTenantResource");
        expect(tenant?.resources.map((r) => r.id)).to.deep.equal([resource["@Id"]]);

        (tenant?.resources[0] as { usedQuotaMb: number }).usedQuotaMb = 1500;
        await change("DELETE", `cloud/tenants/${id}`, format, undefined, "DeleteCloudTenant");
        expect(em.store.state.tenants.some((t) => t.id === id)).to.equal(false);
        expect(em.store.state.repositories.find((r) => SILVER.endsWith(r.id))?.retainedBackups).to.deep.equal([{ tenantName: "Acme", usedMb: 1500 }]);
      });
    }
  }

  for (const format of ["xml", "json"] as const) {
    it(`${format}: an edit without TenantType answers 500 with EM's null-reference error, and changes nothing`, async () => {
      await start();
      const created = await change("POST", "cloud/tenants", format, createBody(format), "CreateCloudTenant");
      const tenant = em.store.state.tenants.find((t) => t.name === "Acme");
      const res = await send(em.url, `cloud/tenants/${tenant?.id}`, { method: "PUT", headers: headers(format), body: editBody(format, tenant?.resources[0].id as string, 4096, false) });
      expect(created.Result["@Success"]).to.equal("true");
      expect(res.status).to.equal(500);
      expect(res.body).to.contain("Object reference not set to an instance of an object.");
      expect(tenant?.description).to.equal("Acme Corp");
    });
  }

  it("refuses in the task result: a duplicate name, a repository of another backup server, a quota under 1 GB", async () => {
    await start();
    expect((await change("POST", "cloud/tenants", "xml", createBody("xml"), "CreateCloudTenant")).Result["@Success"]).to.equal("true");
    const duplicate = await change("POST", "cloud/tenants", "xml", createBody("xml", { name: "ACME" }), "CreateCloudTenant");
    expect(duplicate.Result).to.deep.include({ "@Success": "false", Message: "Cloud tenant 'ACME' already exists on this backup server" });
    expect(relatedOf(duplicate)).to.equal(undefined);
    const remote = await change("POST", "cloud/tenants", "xml", createBody("xml", { name: "Remote", repository: REMOTE }), "CreateCloudTenant");
    expect(remote.Result.Message).to.contain("belongs to another backup server");
    const small = await change("POST", "cloud/tenants", "xml", createBody("xml", { name: "Small", quotaMb: 1023 }), "CreateCloudTenant");
    expect(small.Result.Message).to.contain("cannot be less than 1 GB");
    expect(em.store.state.tenants.filter((t) => ["Remote", "Small"].includes(t.name))).to.have.length(0);
    const sameRepository = await change("POST", `cloud/tenants/${em.store.state.tenants.find((t) => t.name === "Acme")?.id}/resources`, "xml", resourceBody("xml", SILVER, 1024), "CreateCloudTenantResource");
    expect(sameRepository.Result.Message).to.contain("already has a quota on repository 'Silver Repository'");
  });

  it("refuses a quota smaller than what the tenant already uses there", async () => {
    await start();
    const fox = em.store.state.tenants.find((t) => t.id === FOX);
    const body =
      `<CloudTenant xmlns="http://www.veeam.com/ent/v1.0" Type="CloudTenant"><Resources><CloudTenantResource Id="${fox?.resources[0].id}">` +
      `<RepositoryQuota><DisplayName>Cloud repository 1</DisplayName><RepositoryUid>${REPO_03}</RepositoryUid><Quota>2048</Quota></RepositoryQuota>` +
      `</CloudTenantResource></Resources><TenantType><ADTenantType/></TenantType></CloudTenant>`;
    const task = await change("PUT", `cloud/tenants/${FOX}`, "xml", body, "EditCloudTenant");
    expect(task.Result.Message).to.equal("The quota of 2048 MB on 'Cloud repository 1' is smaller than the 4096 MB cloud tenant 'tech\\william.fox' already uses there");
    expect(fox?.resources[0].quotaMb).to.equal(10240);
  });

  it("deletes a tenant's backups only with includeBackups=true", async () => {
    await start();
    await change("DELETE", `cloud/tenants/${FOX}?includeBackups=true`, "xml", undefined, "DeleteCloudTenant");
    expect(em.store.state.tenants.some((t) => t.id === FOX)).to.equal(false);
    expect(em.store.state.repositories.every((r) => r.retainedBackups === undefined)).to.equal(true);
  });

  it("answers 400 for a create body out of EM's element order, and 500 for a JSON one without BackupServerUid", async () => {
    await start();
    const swapped = createBody("xml").replace(/(<BackupServerUid>.*<\/BackupServerUid>)(<MaxConcurrentTasks>3<\/MaxConcurrentTasks>)/, "$2$1");
    const xmlRes = await send(em.url, "cloud/tenants", { method: "POST", headers: headers("xml"), body: swapped });
    expect(xmlRes.status).to.equal(400);
    const json = JSON.parse(createBody("json")) as Record<string, unknown>;
    delete json.BackupServerUid;
    const jsonRes = await send(em.url, "cloud/tenants", { method: "POST", headers: headers("json"), body: JSON.stringify(json) });
    expect(jsonRes.status).to.equal(500);
  });

  it("lists backup servers and repositories with their names and UIDs", async () => {
    await start();
    const h = { "X-RestSvcSessionId": token };
    const servers = xml((await send(em.url, "backupServers", { headers: h })).body).EntityReferences.Ref;
    expect(servers.map((r: Record<string, string>) => [r["@Name"], r["@UID"]])).to.deep.include(["172.24.31.67", SERVER]);
    const repositories = JSON.parse((await send(em.url, "repositories", { headers: { ...h, Accept: "application/json" } })).body).Refs;
    const silver = repositories.find((r: { Name: string }) => r.Name === "Silver Repository");
    expect(silver.UID).to.equal(SILVER);
    expect(silver.Links.find((l: { Rel: string }) => l.Rel === "Up").Name).to.equal("172.24.31.67");
  });
});
