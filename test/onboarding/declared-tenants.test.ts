/**
 * A data file that declares tenants to create (with backup resources), not only tenants EM has: the entry with a
 * backupServer becomes a CloudTenant, its password comes from stack config, and its subtenants take their quota
 * resource from its backupResources by name. Problems are named by their place in the file.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { OnboardingDataError, parseOnboardingData, TenantOnboarding } from "../../provider/onboarding";
import { runUnderMocks, type MockResourceArgs } from "../../tools/engine/program";

const PROJECT = "onboarding-declared";
const ADMIN_PASSWORD = "Em-Adm1n-Decl-7781";
const CLOUD_TENANT = "pulumi-nodejs:dynamic/veeam-em:CloudTenant";

const ACME = {
  name: "Acme Corp",
  backupServer: "172.24.31.67",
  description: "Acme, contract 2031",
  leaseExpiration: "2031-12-31T00:00:00Z",
  maxConcurrentTasks: 4,
  throttling: { enabled: true, speedLimit: 50, unit: "Mbps" },
  backupResources: [
    { name: "Acme primary", repository: "Cloud Repository 02", quotaMb: 40960 },
    { name: "Acme archive", repository: "Silver Repository", quotaMb: 20480 },
  ],
  subtenants: [
    { name: "acme-laptops", quotaMb: 10240, quotaResource: "acme primary" },
    { name: "acme-vault", quotaMb: "unlimited", quotaResource: "Acme archive", passwordPolicy: "initial" },
  ],
};
const DATA = { tenants: [ACME, { name: "ABC Company", subtenants: [{ name: "abc-hr", quotaMb: 2048 }] }] };

const parse = (data: unknown) => {
  try {
    parseOnboardingData(data, "f.json");
    return [];
  } catch (err) {
    if (!(err instanceof OnboardingDataError)) throw err;
    return err.problems.map((p) => `${p.at}: ${p.message}`);
  }
};
const withAcme = (edit: (acme: any) => void) => {
  const data = structuredClone(DATA) as any;
  edit(data.tenants[0]);
  return data;
};

describe("TenantOnboarding: tenants the data file declares", () => {
  let em: Emulator;
  before(async () => {
    em = await startEmulator({ port: 0, taskDurationMs: 5, adminPassword: ADMIN_PASSWORD });
  });
  after(() => em.stop());

  const config = (tenantPasswords: Record<string, string> | null = { "Acme Corp": "Acme-Tenant-Pa55" }): Record<string, string> => ({
    "veeam-em:url": em.url,
    "veeam-em:username": "admin",
    "veeam-em:password": ADMIN_PASSWORD,
    [`${PROJECT}:subtenantPasswords`]: JSON.stringify({ "Acme Corp": { "acme-laptops": "Lap-Pa55-01", "acme-vault": "Vault-Pa55-02" }, "ABC Company": { "abc-hr": "Hr-Pa55-03" } }),
    ...(tenantPasswords && { [`${PROJECT}:tenantPasswords`]: JSON.stringify(tenantPasswords) }),
  });

  async function run(data: unknown, cfg = config()) {
    const registrations: MockResourceArgs[] = [];
    const outputs = await runUnderMocks(
      async () => {
        const onboarding = new TenantOnboarding("onb", { data });
        await onboarding.ready;
        return { tenants: onboarding.tenants };
      },
      async (a) => {
        if (a.type !== "pulumi:pulumi:Stack") registrations.push(a);
        const made: Record<string, unknown> = a.type === CLOUD_TENANT ? { tenantId: "acme-id", backupResources: (a.inputs.backupResources as any[]).map((r, i) => ({ ...r, id: `acme-res-${i}`, usedQuotaMb: 0 })) } : {};
        return { id: `${a.name}-id`, state: { ...a.inputs, ...made } };
      },
      { project: PROJECT, config: cfg, secretConfigKeys: Object.keys(cfg).filter((k) => /password/i.test(k)) },
    );
    return { registrations, outputs };
  }

  it("declares a CloudTenant with the entry's arguments and a secret password, and its subtenants on its backup resources by name", async () => {
    const mark = em.requests.length;
    const r = await run(DATA);
    const tenant = r.registrations.find((x) => x.type === CLOUD_TENANT)!;
    expect(tenant.name).to.equal("Acme Corp");
    expect(tenant.inputs).to.deep.include({ name: "Acme Corp", backupServer: "172.24.31.67", description: "Acme, contract 2031", leaseExpiration: "2031-12-31T00:00:00Z", maxConcurrentTasks: 4, throttling: ACME.throttling, backupResources: ACME.backupResources });
    expect(pulumi.runtime.unwrapRpcSecret(tenant.inputs.password)).to.equal("Acme-Tenant-Pa55");
    const sub = (name: string) => r.registrations.find((x) => x.name === name)!.inputs;
    expect(sub("Acme Corp/acme-laptops")).to.include({ tenantId: "acme-id", tenantResourceId: "acme-res-0", quotaMb: 10240 });
    expect(sub("Acme Corp/acme-vault")).to.include({ tenantId: "acme-id", tenantResourceId: "acme-res-1", unlimitedQuota: true, passwordPolicy: "initial" });
    // The existing tenant is still looked up in EM; the declared one is not (EM does not have it yet).
    expect(sub("ABC Company/abc-hr")).to.include({ tenantId: "28ddf9b9-12fa-431a-a34c-a327f05c3920" });
    const asked = em.requests.slice(mark).map((x) => decodeURIComponent(x.url));
    expect(asked.some((u) => u.includes("Acme"))).to.equal(false);
    const summary = (r.outputs.tenants as any)["Acme Corp"];
    expect(summary).to.include({ tenantId: "acme-id", declared: true });
    expect(summary.backupResources.map((x: any) => x.id)).to.deep.equal(["acme-res-0", "acme-res-1"]);
    expect(summary.subtenants["acme-laptops"]).to.include({ quotaResource: "Acme primary" });
    expect(JSON.stringify(r.outputs)).to.not.include("Acme-Tenant-Pa55");
  });

  it("passes adopt, deleteBackupsOnDestroy and a passwordConfig of the entry's own", async () => {
    const data = withAcme((a) => Object.assign(a, { adopt: true, deleteBackupsOnDestroy: true, passwordConfig: "acme:tenantPassword" }));
    const r = await run(data, { ...config(null), "acme:tenantPassword": "Own-Key-Pa55" });
    const tenant = r.registrations.find((x) => x.type === CLOUD_TENANT)!;
    expect(tenant.inputs).to.include({ adopt: true, deleteBackupsOnDestroy: true });
    expect(pulumi.runtime.unwrapRpcSecret(tenant.inputs.password)).to.equal("Own-Key-Pa55");
  });

  it("names a declared tenant's missing password with its command", async () => {
    const err = await run(DATA, config(null)).catch((e) => (e as { errors?: Error[] }).errors?.[0] ?? (e as Error));
    expect((err as Error).message).to.include("missing tenant password in stack config");
    expect((err as Error).message).to.include(`tenant 'Acme Corp' (onboarding data: tenants[0]): config ${PROJECT}:tenantPasswords["Acme Corp"] is not set; run: pulumi config set --secret --path 'tenantPasswords["Acme Corp"]' <password>`);
  });

  it("names each problem of a declared tenant at its place, with the CloudTenant's own rules", () => {
    expect(parse(DATA)).to.deep.equal([]);
    expect(parse({ tenants: [{ name: "T", description: "x", backupResources: [] }] })).to.deep.equal([
      'tenants[0].description: belongs to a tenant this file declares: add "backupServer" to create (or, with "adopt": true, take over) the tenant; without it the entry names a tenant EM already has',
      'tenants[0].backupResources: belongs to a tenant this file declares: add "backupServer" to create (or, with "adopt": true, take over) the tenant; without it the entry names a tenant EM already has',
    ]);
    const problems = parse(
      withAcme((a) => {
        a.name = "Acme/Corp";
        a.leaseExpiration = "next year";
        a.backupResources[0].quotaMb = 100;
        a.backupResources[1].repository = "cloud repository 02";
      }),
    );
    expect(problems.map((p) => p.split(":")[0])).to.deep.equal(["tenants[0].name", "tenants[0].leaseExpiration", "tenants[0].backupResources[0].quotaMb", "tenants[0].backupResources[1].repository"]);
    expect(problems[3]).to.include("a tenant has one quota per repository");
  });

  it("binds each subtenant of a declared tenant to one of its backup resources by name, or says why not", () => {
    expect(parse(withAcme((a) => (a.subtenants[0].quotaResource = "Gold")))).to.deep.equal([
      "tenants[0].subtenants[0].quotaResource: tenant 'Acme Corp' declares no backup resource named 'Gold'; its backup resources are: 'Acme primary', 'Acme archive'",
    ]);
    expect(parse(withAcme((a) => delete a.subtenants[0].quotaResource))).to.deep.equal([
      "tenants[0].subtenants[0].quotaResource: is required: tenant 'Acme Corp' declares several backup resources ('Acme primary', 'Acme archive'); name one",
    ]);
    expect(parse(withAcme((a) => ((a.backupResources = [a.backupResources[0]]), delete a.subtenants[0].quotaResource, (a.subtenants = [a.subtenants[0]]))))).to.deep.equal([]);
    expect(parse(withAcme((a) => (a.subtenants[0].quotaMb = 81920)))).to.deep.equal(["tenants[0].subtenants[0].quotaMb: 81920 MB exceeds the quota of tenant 'Acme Corp' on 'Acme primary' (40960 MB)"]);
    const byId = parse(withAcme((a) => ((a.subtenants[0].quotaResourceId = "11c59670-23df-448c-a4b3-74c42669633e"), delete a.subtenants[0].quotaResource)));
    expect(byId).to.deep.equal([
      "tenants[0].subtenants[0].quotaResourceId: tenant 'Acme Corp' is declared by this file, so its backup resources have no ids to name here: give the backup resource's name as quotaResource",
    ]);
  });
});
