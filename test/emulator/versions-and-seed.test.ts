import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { EM_VERSIONS, startEmulator, type Emulator, type EmVersion } from "../../emulator/server";
import { DEFAULT_SEED_PATH, readSeedFile } from "../../emulator/store";
import { ADMIN_BASIC, adminLogon, send, SEED_SESSION, xml } from "../support/http";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ABC_RESOURCE = "11c59670-23df-448c-a4b3-74c42669633e";

/** What each profile must show (em_web_api_versions and security_roles of 10, 11 and 13, get_tenants_id_subtenants_id). */
const EXPECTED: Record<EmVersion, { accepts: string[]; refuses: string[]; roles: number; quotaId: boolean }> = {
  "10": { accepts: ["v1", "v1_1", "v1_2", "v1_3", "v1_4", "v1_5"], refuses: ["v1_6", "v1_7"], roles: 6, quotaId: false },
  "11": { accepts: ["v1", "v1_1", "v1_2", "v1_3", "v1_4", "v1_5", "v1_6"], refuses: ["v1_7"], roles: 7, quotaId: false },
  "12": { accepts: ["v1_5", "v1_6", "v1_7"], refuses: ["v1_2", "v1_4"], roles: 7, quotaId: false },
  "13": { accepts: ["v1_5", "v1_6", "v1_7"], refuses: ["v1_2", "v1_3", "v1_4", "v1_8"], roles: 7, quotaId: true },
};

describe("emulator: EM version profiles", () => {
  let em: Emulator;
  afterEach(() => em?.stop());

  it("plays EM 13 by default", async () => {
    em = await startEmulator();
    expect(em.emVersion).to.equal("13");
    expect(EM_VERSIONS).to.deep.equal(["10", "11", "12", "13"]);
  });

  for (const version of EM_VERSIONS) {
    const expected = EXPECTED[version];
    it(`EM ${version}: logon accepts ${expected.accepts.join(", ")} and latest, refuses others with 400; ${expected.roles} roles; QuotaId ${expected.quotaId ? "shown" : "absent"}`, async () => {
      em = await startEmulator({ emVersion: version, taskDurationMs: 10 });
      const logon = (v: string) => send(em.url, `sessionMngr/?v=${v}`, { method: "POST", headers: { Authorization: ADMIN_BASIC } });
      for (const v of [...expected.accepts, "latest"]) expect((await logon(v)).status, v).to.equal(201);
      for (const v of expected.refuses) {
        const res = await logon(v);
        expect(res.status, v).to.equal(400);
        expect(xml(res.body).Error["@Message"]).to.contain(`not supported by Enterprise Manager ${version}`);
      }
      const entry = xml((await send(em.url, "")).body).EnterpriseManager;
      expect(entry.SupportedVersions.SupportedVersion.map((v: Record<string, string>) => v["@Name"])).to.deep.equal(expected.accepts);

      const token = await adminLogon(em.url);
      const roles = xml((await send(em.url, "security/roles", { headers: { "X-RestSvcSessionId": token } })).body).EntityReferences.Ref;
      const names = roles.map((r: Record<string, string>) => r["@Name"]);
      expect(names).to.have.length(expected.roles);
      expect(names).to.include("File Restore Operator");
      expect(names.includes("Oracle Restore Operator")).to.equal(expected.roles === 7);

      const spec = `<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>V</Name><Password>p</Password><TenantResourceId>${ABC_RESOURCE}</TenantResourceId><UnlimitedQuota>true</UnlimitedQuota></CloudSubtenantCreateSpec>`;
      await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: spec });
      em.store.finishAllTasks();
      const list = xml((await send(em.url, `cloud/tenants/${ABC}/subtenants`, { headers: { "X-RestSvcSessionId": token } })).body).CloudSubtenants;
      expect("QuotaId" in list.CloudSubtenant[0].RepositoryQuota).to.equal(expected.quotaId);
    });
  }

  it("refuses an EM version it does not know", async () => {
    let error: Error | undefined;
    await startEmulator({ emVersion: "9" as EmVersion }).catch((e) => (error = e));
    expect(error?.message).to.equal("EM version '9' is not one the emulator knows; use one of 10, 11, 12, 13");
  });
});

describe("emulator: seed checks", () => {
  const start = async (seed: object) => {
    let error: Error | undefined;
    const em = await startEmulator({ seed }).catch((e) => void (error = e));
    await em?.stop();
    return error?.message ?? "";
  };

  it("accepts the bundled seed", async () => {
    expect(await start(readSeedFile(DEFAULT_SEED_PATH))).to.equal("");
  });

  it("names the path of every problem: a misspelt key, a quota that is not a number, a wrong enum, a missing field", async () => {
    const seed = readSeedFile(DEFAULT_SEED_PATH) as Record<string, unknown>;
    const tenants = structuredClone(seed.tenants) as Array<Record<string, unknown>>;
    (tenants[0].resources as Array<Record<string, unknown>>)[0].quotaMb = "lots";
    tenants[1].type = "AD";
    delete tenants[2].enabled;
    const message = await start({ ...seed, tenants, subtenant: [] });
    expect(message).to.match(/^The seed object has 4 problems:\n/);
    expect(message).to.contain("  - subtenant: unknown key; known keys here: backupServers, repositories, tenants, subtenants, roles, accounts, cloudFailoverPlans, sessions");
    expect(message).to.contain('  - tenants[0].resources[0].quotaMb: expected a whole number, got "lots"');
    expect(message).to.contain('  - tenants[1].type: expected one of Standalone, ActiveDirectory, vCD, got "AD"');
    expect(message).to.contain("  - tenants[2].enabled: missing");
  });

  it("checks references: a subtenant's tenant and quota resource, an account's roles", async () => {
    const seed = readSeedFile(DEFAULT_SEED_PATH);
    const quota = { unlimited: true, displayName: "q", tenantResourceId: "no-such-resource", quotaMb: 1024, usedQuotaMb: 0, quotaId: "q1" };
    const message = await start({
      ...seed,
      subtenants: [{ id: "s1", tenantId: ABC, name: "a", description: "", password: "p", enabled: true, quota }],
      accounts: [{ id: "a1", type: "User", name: "TECH\\x", roleIds: ["e9d90e66-b6d4-49dc-8986-73cf33489623"], allowRestoreAllVms: true }],
    });
    expect(message).to.contain(`subtenants[0].quota.tenantResourceId: tenant '${ABC}' has no resource 'no-such-resource'`);
    expect(message).to.not.contain("accounts[0]");
    let error: Error | undefined;
    await startEmulator({ emVersion: "10", seed: { ...seed, accounts: [{ id: "a1", type: "User", name: "TECH\\x", roleIds: ["e9d90e66-b6d4-49dc-8986-73cf33489623"], allowRestoreAllVms: true, scope: [] }] } }).catch((e) => (error = e));
    expect(error?.message).to.contain("accounts[0].roleIds[0]: no role 'e9d90e66-b6d4-49dc-8986-73cf33489623'");
  });

  it("names the file when a --seed file has problems", async () => {
    const file = path.join(__dirname, "..", "..", "..", "test", "fixtures", "bad-seed.json");
    let error: Error | undefined;
    await startEmulator({ seed: file }).catch((e) => (error = e));
    expect(error?.message).to.equal(`The seed file ${file} has 1 problem:\n  - tenants[0].resources[0].quotaMb: expected a whole number, got "lots"`);
    expect(JSON.parse(readFileSync(file, "utf8")).tenants).to.have.length(1);
  });

  it("keeps the seed's pinned session working", async () => {
    const em = await startEmulator();
    try {
      expect((await send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": SEED_SESSION } })).status).to.equal(200);
    } finally {
      await em.stop();
    }
  });
});
