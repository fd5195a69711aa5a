/**
 * TenantOnboarding and the look-ups with a declared connection (issue 12.3): the stack config names EM 1, the
 * component's connection EM 2; everything is looked up and created in EM 2, EM 1 is not asked at all, and the
 * connection reaches every resource as a secret input.
 */
import * as path from "node:path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator/server";
import { getCloudTenant, getRole, getTenantQuota } from "../../provider/lookups";
import { isSecretValue, runProgram, strings } from "../examples/harness";

const PROJECT = "veeam-em-multi";
const PROGRAM = path.resolve(__dirname, "multi-program.js");
const EM1_PASSWORD = "Em1-Adm1n-Pa55-1234";
const EM2_USER = "site2-admin";
const EM2_PASSWORD = "Em2-Adm1n-Pa55-9876";
const SITE2_TENANT = "Site2 Company";
const SUB_PASSWORD = "Site2-Sub-P4ss-3141";

describe("several EMs: TenantOnboarding and the look-ups with a connection", function () {
  this.timeout(30_000);
  let em1: Emulator;
  let em2: Emulator;
  before(async () => {
    // On the real clock: the look-ups and the providers deserialized from `__provider` (as the plugin does) use the
    // process's own client pool, which no test can hand a clock.
    em1 = await startEmulator({ port: 0, taskDurationMs: 20, adminPassword: EM1_PASSWORD });
    em2 = await startEmulator({ port: 0, taskDurationMs: 20, adminUser: EM2_USER, adminPassword: EM2_PASSWORD });
    // Only EM 2 has this tenant: a look-up in EM 1 would fail.
    em2.store.state.tenants[0].name = SITE2_TENANT;
  });
  after(async () => {
    await em1?.stop();
    await em2?.stop();
  });

  it("the look-ups ask the EM of the connection, a secret password Output included", async () => {
    const before1 = em1.requests.length;
    const connection = { url: em2.url, username: EM2_USER, password: pulumi.secret(EM2_PASSWORD) };
    const tenant = await getCloudTenant({ name: SITE2_TENANT }, { connection });
    const quota = await getTenantQuota({ tenantName: SITE2_TENANT }, { connection });
    const role = await getRole({ name: "Portal User" }, { connection });
    expect(tenant.name).to.equal(SITE2_TENANT);
    expect(quota.tenantId).to.equal(tenant.id);
    expect(role.uid).to.match(/^urn:veeam:EnterpriseRole:/);
    expect(em1.requests.length - before1, "EM 1 was not asked").to.equal(0);
    const bad = await getCloudTenant({ name: SITE2_TENANT }, { connection: { ...connection, url: "ftp://em2.example.com/" } }).catch((e: Error) => e);
    expect((bad as Error).message).to.match(/options\.connection\.url: .*ftp/);
    expect((bad as Error).message).to.not.include(EM2_PASSWORD);
  });

  it("the component looks up and creates in the EM of its connection, and passes the connection as a secret", async () => {
    const data = {
      tenants: [{ name: SITE2_TENANT, subtenants: [{ name: "s2-finance", quotaMb: 2048, passwordPolicy: "initial" }], accounts: [{ type: "User", name: "TECH\\site2.admin", roles: ["Portal User"] }] }],
    };
    const before1 = em1.requests.length;
    const run = await runProgram({
      project: PROJECT,
      program: PROGRAM,
      config: {
        "veeam-em:url": em1.url,
        "veeam-em:username": "admin",
        "veeam-em:password": EM1_PASSWORD,
        [`${PROJECT}:subtenantPasswords`]: JSON.stringify({ [SITE2_TENANT]: { "s2-finance": SUB_PASSWORD } }),
      },
      secretKeys: ["veeam-em:password", `${PROJECT}:subtenantPasswords`],
      argument: { url: em2.url, username: EM2_USER, password: EM2_PASSWORD, data },
      forward: true,
    });
    expect(em1.requests.length - before1, "EM 1 (the stack config) was not asked").to.equal(0);
    const sub = em2.store.state.subtenants.find((s) => s.name === "s2-finance")!;
    expect(sub, "the subtenant is in EM 2").to.not.equal(undefined);
    expect(sub.password).to.equal(SUB_PASSWORD);
    expect(em2.store.state.accounts.map((a) => a.name)).to.include("TECH\\site2.admin");
    expect(em1.store.state.subtenants.map((s) => s.name)).to.not.include("s2-finance");

    const resources = run.registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
    expect(resources).to.have.length(2);
    for (const r of resources) {
      expect(isSecretValue(r.inputs.connection), `${r.name}: connection is a secret input`).to.equal(true);
      expect(strings(r.inputs.__provider).map((s) => s.value).join(" ")).to.not.include(EM2_PASSWORD);
    }
    expect(resources.find((r) => r.type.endsWith(":Subtenant"))!.inputs.passwordPolicy).to.equal("initial");
    expect(JSON.stringify(run.stackOutputs)).to.not.include(EM2_PASSWORD);
  });
});
