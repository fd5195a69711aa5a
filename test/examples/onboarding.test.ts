import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { parseOnboardingData, OnboardingDataError } from "../../provider/onboarding";
import { isSecretValue, loadProvider, runProgram, secretsIn, strings, unwrapSecrets, type ProgramRun, type Registration } from "./harness";

const PROJECT = "veeam-em-onboarding";
const REPO = path.resolve(__dirname, "../../..");
const PROGRAM = path.resolve(__dirname, "../../examples/onboarding/index.js");
const DATA_FILE = path.join(REPO, "examples/onboarding/tenants.json");

const ABC_TENANT_ID = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ABC_RESOURCE_ID = "11c59670-23df-448c-a4b3-74c42669633e";
const PORTAL_USER = "urn:veeam:EnterpriseRole:d19a3d33-cb77-4ffe-94e6-001432483a4e";
const VM_RESTORE_OPERATOR = "urn:veeam:EnterpriseRole:c11c0c38-ba8b-49c7-bf70-fc2058fff1e2";
const SUBTENANT = "pulumi-nodejs:dynamic/veeam-em:Subtenant";
const ACCOUNT = "pulumi-nodejs:dynamic/veeam-em:EnterpriseAccount";

const ADMIN_PASSWORD = "Em-Adm1n-Pa55";
const PASSWORDS: Record<string, Record<string, string>> = {
  "ABC Company": { "abc-finance": "Fin@nce-2026", "abc-engineering": "Eng1neering-2026", "abc-archive": "Arch1ve-2026" },
};

/** Stack config for a run; `passwords` null leaves subtenantPasswords unset. */
function config(em: Emulator, passwords: Record<string, Record<string, string>> | null = PASSWORDS) {
  return {
    config: {
      "veeam-em:url": em.url,
      "veeam-em:username": "admin",
      "veeam-em:password": ADMIN_PASSWORD,
      ...(passwords && { [`${PROJECT}:subtenantPasswords`]: JSON.stringify(passwords) }),
    },
    secretKeys: ["veeam-em:password", `${PROJECT}:subtenantPasswords`],
  };
}

const byType = (run: ProgramRun, type: string): Registration[] => run.registrations.filter((r) => r.type === type);
/** The registrations with exactly these names (registration order is not the program's order), in this order. */
function byName(registrations: Registration[], names: string[]): Registration[] {
  expect(registrations.map((r) => r.name).sort()).to.deep.equal([...names].sort());
  return names.map((n) => registrations.find((r) => r.name === n)!);
}
const dynamic = (run: ProgramRun) => run.registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));

let tmp: string;
function dataFile(data: unknown): string {
  const file = path.join(tmp, `tenants-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof data === "string" ? data : JSON.stringify(data, null, 2));
  return file;
}

/** The repository's data file, changed by `edit`. */
function edited(edit: (data: any) => void): string {
  const data = JSON.parse(fs.readFileSync(DATA_FILE, "utf8"));
  edit(data);
  return dataFile(data);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the program to fail");
}

describe("examples/onboarding", () => {
  let em: Emulator;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "onboarding-"));
    em = await startEmulator({ port: 0, taskDurationMs: 50, adminPassword: ADMIN_PASSWORD });
  });
  after(async () => {
    await em.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const run = (options: { dataFile?: string; passwords?: Record<string, Record<string, string>> | null; forward?: boolean; emulator?: Emulator } = {}) =>
    runProgram({ project: PROJECT, program: PROGRAM, argument: { dataFile: options.dataFile ?? DATA_FILE }, forward: options.forward, ...config(options.emulator ?? em, options.passwords === undefined ? PASSWORDS : options.passwords) });

  describe("with the repository's tenants.json", () => {
    let result: ProgramRun;
    before(async () => {
      result = await run();
    });

    it("declares one Subtenant per subtenant, named tenant/subtenant, with the tenant and quota resource resolved from their names", () => {
      const subtenants = byName(byType(result, SUBTENANT), ["ABC Company/abc-finance", "ABC Company/abc-engineering", "ABC Company/abc-archive"]);
      for (const r of subtenants) {
        expect(r.inputs.tenantId).to.equal(ABC_TENANT_ID);
        expect(r.inputs.tenantResourceId).to.equal(ABC_RESOURCE_ID);
        expect(r.inputs).to.not.have.property("tenantName"); // resolved here, not left to the provider
      }
      const [finance, engineering, archive] = subtenants.map((r) => r.inputs);
      expect(finance).to.include({ name: "abc-finance", description: "Finance department", quotaMb: 20480, unlimitedQuota: false, enabled: true });
      expect(engineering).to.include({ name: "abc-engineering", quotaMb: 51200, unlimitedQuota: false, enabled: true });
      expect(archive).to.include({ name: "abc-archive", unlimitedQuota: true, enabled: false });
      expect(archive.quotaMb).to.equal(undefined);
    });

    it("declares one EnterpriseAccount per account, named by the account, with roles resolved to their UIDs", () => {
      const accounts = byName(byType(result, ACCOUNT), ["TECH\\alice.admin", "TECH\\bob.restore"]);
      const [alice, bob] = accounts.map((r) => r.inputs);
      expect(alice).to.include({ accountType: "User", accountName: "TECH\\alice.admin", allowRestoreAllVms: true });
      expect(alice.roles).to.deep.equal([PORTAL_USER]);
      expect(alice.hierarchyScopeObjects).to.equal(undefined);
      expect(bob).to.include({ accountType: "User", accountName: "TECH\\bob.restore", allowRestoreAllVms: false });
      expect(bob.roles).to.deep.equal([VM_RESTORE_OPERATOR]);
      expect(bob.hierarchyScopeObjects).to.deep.equal([{ objectName: "VM01", hierarchyObjRef: "urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-7870" }]);
    });

    it("declares nothing else", () => {
      expect(dynamic(result)).to.have.length(5);
      expect(result.registrations.map((r) => r.type).filter((t) => !t.startsWith("pulumi-nodejs:dynamic"))).to.deep.equal(["pulumi:pulumi:Stack", "veeam-em:onboarding:TenantOnboarding"]);
    });

    it("passes each subtenant's password from secret config as a secret input", () => {
      for (const r of byType(result, SUBTENANT)) {
        expect(isSecretValue(r.inputs.password), `${r.name} password is secret`).to.equal(true);
        const [tenant, subtenant] = r.name.split("/");
        expect(unwrapSecrets(r.inputs.password)).to.equal(PASSWORDS[tenant][subtenant]);
      }
      // Nothing else the program passes is secret: the look-ups' results are plain ids.
      for (const r of dynamic(result)) expect(secretsIn({ ...r.inputs, password: undefined }), r.name).to.deep.equal([]);
    });

    it("exports ids and quotas per tenant, and no password or secret", () => {
      const tenant = (result.outputs.tenants as any)["ABC Company"];
      expect(tenant.tenantId).to.equal(ABC_TENANT_ID);
      expect(Object.keys(tenant.subtenants)).to.deep.equal(["abc-finance", "abc-engineering", "abc-archive"]);
      expect(tenant.subtenants["abc-finance"]).to.include({ subtenantId: "ABC Company/abc-finance-id", quotaMb: 20480, unlimitedQuota: false, enabled: true, quotaResource: "ABC Company Cloud Repository" });
      expect(tenant.subtenants["abc-archive"]).to.include({ unlimitedQuota: true, enabled: false });
      expect(Object.keys(tenant.accounts)).to.deep.equal(["TECH\\alice.admin", "TECH\\bob.restore"]);
      expect(tenant.accounts["TECH\\alice.admin"]).to.deep.include({ accountId: "TECH\\alice.admin-id", allowRestoreAllVms: true, restoreScope: "all" });
      expect(tenant.accounts["TECH\\bob.restore"]).to.deep.include({ allowRestoreAllVms: false, restoreScope: ["VM01"] });

      expect(secretsIn(result.stackOutputs)).to.deep.equal([]);
      const all = [...strings(result.stackOutputs), ...strings(result.outputs)];
      const passwords = [...Object.values(PASSWORDS["ABC Company"]), ADMIN_PASSWORD];
      expect(all.filter((s) => passwords.some((p) => s.value.includes(p)))).to.deep.equal([]);
      expect(all.filter((s) => /password/i.test(s.value))).to.deep.equal([]);
    });

    it("serializes a small shim as __provider: the same for every resource of a kind, under 2 KB, with no credentials", () => {
      for (const type of [SUBTENANT, ACCOUNT]) {
        const texts = new Set(byType(result, type).map((r) => r.inputs.__provider));
        expect(texts.size, type).to.equal(1);
        const [text] = texts;
        expect(text).to.be.a("string");
        expect(Buffer.byteLength(text), type).to.be.below(2048);
        for (const credential of [ADMIN_PASSWORD, em.url, `127.0.0.1:${em.port}`, ...Object.values(PASSWORDS["ABC Company"])]) expect(text).to.not.include(credential);
      }
    });

    it("loads __provider back as the plugin does, and its configure installs the real provider's methods", async () => {
      const methods = ["check", "diff", "create", "read", "update", "delete"];
      for (const r of [...byType(result, SUBTENANT), ...byType(result, ACCOUNT)]) {
        const provider = await loadProvider(r.inputs.__provider, config(em).config, PROJECT);
        for (const m of methods) expect(provider[m], `${r.type} ${m}`).to.be.a("function");
        // The provider accepts exactly what the program declared.
        const checked = await provider.check({}, unwrapSecrets(r.inputs));
        expect(checked.failures ?? [], r.name).to.deep.equal([]);
      }
    });
  });

  it("creates every subtenant and account in EM's default seed when the resources are really created", async () => {
    const fresh = await startEmulator({ port: 0, taskDurationMs: 20, adminPassword: ADMIN_PASSWORD });
    try {
      const result = await run({ emulator: fresh, forward: true });
      const subtenants = fresh.store.state.subtenants;
      expect(subtenants.map((s) => s.name).sort()).to.deep.equal(["abc-archive", "abc-engineering", "abc-finance"]);
      const finance = subtenants.find((s) => s.name === "abc-finance")!;
      expect(finance.tenantId).to.equal(ABC_TENANT_ID);
      expect(finance.quota).to.include({ quotaMb: 20480, unlimited: false, tenantResourceId: ABC_RESOURCE_ID });
      expect(subtenants.find((s) => s.name === "abc-archive")!.quota.unlimited).to.equal(true);

      const accounts = fresh.store.state.accounts.filter((a) => a.name.startsWith("TECH\\"));
      expect(accounts.map((a) => a.name).sort()).to.deep.equal(["TECH\\alice.admin", "TECH\\bob.restore"]);
      const bob = accounts.find((a) => a.name === "TECH\\bob.restore")!;
      expect(bob.allowRestoreAllVms).to.equal(false);
      expect(bob.scope.map((s) => s.objectName)).to.deep.equal(["VM01"]);

      const exported = (result.outputs.tenants as any)["ABC Company"];
      expect(exported.subtenants["abc-finance"].subtenantId).to.equal(finance.id);
      expect(exported.accounts["TECH\\alice.admin"].roles).to.deep.equal(["Portal User"]);
      expect(secretsIn(result.stackOutputs)).to.deep.equal([]);
    } finally {
      await fresh.stop();
    }
  });

  it("creates the tenant new-tenant.json declares, with its backup resource, and its subtenant on that resource", async () => {
    const fresh = await startEmulator({ port: 0, taskDurationMs: 20, adminPassword: ADMIN_PASSWORD });
    try {
      const tenantPassword = "Acme-T3nant-2026";
      const base = config(fresh, { "Acme Corp": { "acme-laptops": "L4ptops-2026" } });
      const result = await runProgram({
        project: PROJECT,
        program: PROGRAM,
        argument: { dataFile: path.join(REPO, "examples/onboarding/new-tenant.json") },
        forward: true,
        config: { ...base.config, [`${PROJECT}:tenantPasswords`]: JSON.stringify({ "Acme Corp": tenantPassword }) },
        secretKeys: [...base.secretKeys, `${PROJECT}:tenantPasswords`],
      });
      const acme = fresh.store.state.tenants.find((t) => t.name === "Acme Corp")!;
      expect(acme).to.include({ maxConcurrentTasks: 4, password: tenantPassword, description: "Acme Corp, contract 2031" });
      expect(acme.resources.map((r) => [r.displayName, r.quotaMb])).to.deep.equal([["Acme quota", 102400]]);
      const laptops = fresh.store.state.subtenants.find((s) => s.name === "acme-laptops")!;
      expect(laptops.tenantId).to.equal(acme.id);
      expect(laptops.quota).to.include({ tenantResourceId: acme.resources[0].id, quotaMb: 20480 });
      const summary = (result.outputs.tenants as any)["Acme Corp"];
      expect(summary).to.include({ tenantId: acme.id, declared: true });
      expect(JSON.stringify(result.outputs)).to.not.include(tenantPassword);
    } finally {
      await fresh.stop();
    }
  });

  describe("refuses bad data with an error that names the file, the place and the problem", () => {
    it("a tenant that EM does not have", async () => {
      const file = edited((d) => (d.tenants[0].name = "XYZ Corp"));
      const err = await failure(run({ dataFile: file, passwords: { "XYZ Corp": PASSWORDS["ABC Company"] } }));
      expect(err.message).to.include(`${path.basename(file)}: tenants[0].name: getCloudTenant: EM has no cloud tenant named 'XYZ Corp'; its tenants are: `);
      expect(err.message).to.include("ABC Company");
    });

    it("a role that EM does not have", async () => {
      const file = edited((d) => (d.tenants[0].accounts[1].roles = ["VM Restore Operator", "Backup Wizard"]));
      const err = await failure(run({ dataFile: file }));
      expect(err.message).to.include(`${path.basename(file)}: tenants[0].accounts[1].roles[1]: getRole: EM has no role named 'Backup Wizard'; its roles are: `);
      expect(err.message).to.include("Portal User");
    });

    it("a quota resource that the tenant does not have", async () => {
      const file = edited((d) => (d.tenants[0].subtenants[1].quotaResource = "Gold Repository"));
      const err = await failure(run({ dataFile: file }));
      expect(err.message).to.include("tenants[0].subtenants[1].quotaResource: getTenantQuota: tenant 'ABC Company' has no quota resource with display name 'Gold Repository'");
    });

    it("a quota below 1024 MB, before asking EM anything", async () => {
      const before = em.requests.length;
      const file = edited((d) => (d.tenants[0].subtenants[0].quotaMb = 512));
      const err = await failure(run({ dataFile: file }));
      expect(err.message).to.equal(`${file}: tenants[0].subtenants[0].quotaMb: must be at least 1024 MB (EM refuses smaller subtenant quotas), got 512`);
      expect(em.requests.length).to.equal(before);
    });

    it("a quota above the tenant's quota on that resource", async () => {
      const file = edited((d) => (d.tenants[0].subtenants[0].quotaMb = 204800));
      const err = await failure(run({ dataFile: file }));
      expect(err.message).to.include("tenants[0].subtenants[0].quotaMb: 204800 MB exceeds the quota of tenant 'ABC Company' on 'ABC Company Cloud Repository' (102400 MB)");
    });

    it("every problem at once, each on its line", async () => {
      const file = edited((d) => {
        d.tenants[0].subtenants[0].quotaMB = 2048; // typo
        d.tenants[0].subtenants[2].name = "ABC-Finance"; // same name as [0], ignoring case
        d.tenants[0].accounts[0].type = "Person";
        d.tenants[0].accounts[1].name = "bob.restore";
      });
      const err = await failure(run({ dataFile: file }));
      expect(err).to.be.instanceOf(Error);
      const lines = err.message.split("\n");
      expect(lines[0]).to.equal(`${file} has 4 problems:`);
      expect(lines.slice(1)).to.deep.equal([
        `  - ${file}: tenants[0].subtenants[0].quotaMB: unknown key 'quotaMB' (did you mean 'quotaMb'?); allowed keys: name, description, quotaMb, quotaResource, quotaResourceId, enabled, adopt, passwordConfig, passwordPolicy`,
        `  - ${file}: tenants[0].subtenants[2].name: subtenant 'ABC-Finance' is already listed at tenants[0].subtenants[0]; EM needs unique subtenant names per tenant (ignoring case)`,
        `  - ${file}: tenants[0].accounts[0].type: must be one of User, Group, ExternalUser, ExternalGroup, got string "Person"`,
        `  - ${file}: tenants[0].accounts[1].name: a User account name must be in the Domain\\Name format, e.g. TECH\\william.fox; got 'bob.restore'`,
      ]);
    });

    it("a file that is not JSON, or missing", async () => {
      const broken = dataFile('{ "tenants": [ }');
      expect((await failure(run({ dataFile: broken }))).message).to.match(new RegExp(`^${escape(broken)}: is not valid JSON: `));
      const missing = path.join(tmp, "nope.json");
      expect((await failure(run({ dataFile: missing }))).message).to.match(new RegExp(`^${escape(missing)}: cannot read the data file: ENOENT`));
    });

    it("a subtenant without a password in stack config, naming the config key and the command to set it", async () => {
      const before = em.requests.length;
      const { "abc-archive": _, ...others } = PASSWORDS["ABC Company"];
      let err = await failure(run({ passwords: { "ABC Company": others } }));
      expect(err.message).to.include("missing subtenant password in stack config (passwords never go in ");
      expect(err.message).to.include(
        `subtenant 'abc-archive' of tenant 'ABC Company' (${DATA_FILE.startsWith(process.cwd()) ? path.relative(process.cwd(), DATA_FILE) : DATA_FILE}: tenants[0].subtenants[2]): config ${PROJECT}:subtenantPasswords["ABC Company"]["abc-archive"] is not set; run: pulumi config set --secret --path 'subtenantPasswords["ABC Company"]["abc-archive"]' <password>`,
      );
      expect(err.message).to.not.include("abc-finance");

      err = await failure(run({ passwords: null }));
      expect(err.message).to.include("missing subtenant passwords in stack config");
      for (const name of ["abc-finance", "abc-engineering", "abc-archive"]) expect(err.message).to.include(`["ABC Company"]["${name}"] is not set`);
      expect(em.requests.length, "no EM call before the passwords are there").to.equal(before);
    });

    it("a missing EM connection once, with every place that needed it", async () => {
      const saved = { ...process.env };
      for (const key of Object.keys(process.env)) if (key.startsWith("VEEAM_EM_")) delete process.env[key];
      try {
        const { config: full, secretKeys } = config(em);
        const { "veeam-em:url": _, ...withoutUrl } = full;
        const err = await failure(runProgram({ project: PROJECT, program: PROGRAM, argument: { dataFile: DATA_FILE }, config: withoutUrl, secretKeys }));
        expect(err.message.split("\n")).to.have.length(1);
        expect(err.message).to.include(": tenants[0].name, tenants[0].accounts[0].roles[0], tenants[0].accounts[1].roles[0]: veeam-em: url is not set");
        expect(err.message).to.include("pulumi config set veeam-em:url");
      } finally {
        Object.assign(process.env, saved);
      }
    });

    it("declares no resource at all when anything is wrong", async () => {
      const file = edited((d) => (d.tenants[0].accounts[0].roles = ["No Such Role"]));
      const registered: Registration[] = [];
      const err = await failure(runProgram({ project: PROJECT, program: PROGRAM, argument: { dataFile: file }, sink: registered, ...config(em) }));
      expect(err.message).to.include("No Such Role");
      expect(registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack", "veeam-em:onboarding:TenantOnboarding"]);
    });
  });

  describe("data file format (provider/onboarding/data.ts)", () => {
    const parse = (json: unknown) => {
      try {
        parseOnboardingData(json, "t.json");
      } catch (err) {
        expect(err).to.be.instanceOf(OnboardingDataError);
        return (err as OnboardingDataError).problems.map((p) => `${p.at}: ${p.message}`);
      }
      return [];
    };

    it("accepts the repository's file, with defaults for enabled and restoreScope", () => {
      const data = parseOnboardingData(JSON.parse(fs.readFileSync(DATA_FILE, "utf8")), "tenants.json");
      expect(data.tenants.map((t) => [t.name, t.subtenants.length, t.accounts.length])).to.deep.equal([["ABC Company", 3, 2]]);
      const minimal = parseOnboardingData({ tenants: [{ name: "T", subtenants: [{ name: "s", quotaMb: 1024 }], accounts: [{ type: "Group", name: "TECH\\ops", roles: ["Portal User"] }] }] }, "t.json");
      expect(minimal.tenants[0].subtenants[0]).to.include({ enabled: true, quotaMb: 1024 });
      expect(minimal.tenants[0].accounts[0].restoreScope).to.equal("all");
    });

    it("names each problem by its place", () => {
      expect(parse([])).to.deep.equal([": must be an object, got a list"]);
      expect(parse({})).to.deep.equal(["tenants: is required: a list"]);
      expect(parse({ tenants: [{ name: " T" }, { name: "t" }] })).to.deep.equal(['tenants[0].name: must not start or end with spaces, got " T"']);
      expect(parse({ tenants: [{ name: "T" }, { name: "t" }] })).to.deep.equal(["tenants[1].name: tenant 't' is already listed at tenants[0]; list each tenant once"]);
      expect(parse({ tenants: [{ name: "T", subtenants: [{ name: "s" }] }] })).to.deep.equal(['tenants[0].subtenants[0].quotaMb: is required: a size in MB of at least 1024, or "unlimited"']);
      expect(parse({ tenants: [{ name: "T", subtenants: [{ name: "s", quotaMb: "10 GB", enabled: "yes" }] }] })).to.deep.equal([
        'tenants[0].subtenants[0].quotaMb: must be a whole number of MB (at least 1024) or "unlimited", got string "10 GB"',
        'tenants[0].subtenants[0].enabled: must be true or false, got string "yes"',
      ]);
      expect(parse({ tenants: [{ name: "T", accounts: [{ type: "User", name: "TECH\\a", roles: [] }] }] })).to.deep.equal(['tenants[0].accounts[0].roles: must name at least one EM role, e.g. ["Portal User"]']);
      expect(parse({ tenants: [{ name: "T", accounts: [{ type: "User", name: "TECH\\a", roles: ["Portal User"], restoreScope: [] }] }] })[0]).to.match(/^tenants\[0\]\.accounts\[0\]\.restoreScope: must be "all" or a non-empty list/);
      expect(parse({ tenants: [{ name: "T", accounts: [{ type: "User", name: "TECH\\a", roles: ["Portal User"], restoreScope: [{}] }] }] })).to.deep.equal([
        "tenants[0].accounts[0].restoreScope[0].objectName: is required: a non-empty string",
      ]);
      expect(
        parse({
          tenants: [
            { name: "A", accounts: [{ type: "ExternalUser", name: "x@y.com", roles: ["Portal User"] }] },
            { name: "B", accounts: [{ type: "ExternalUser", name: "X@Y.com", roles: ["Portal User"] }] },
          ],
        }),
      ).to.deep.equal(["tenants[1].accounts[0].name: account 'X@Y.com' is already listed at tenants[0].accounts[0]; EM accounts are global, list each once"]);
      expect(parse({ $schema: "x", tenants: [{ name: "T", $comment: "ok", password: "no" }] })).to.deep.equal([
        "tenants[0].password: unknown key 'password'; allowed keys: name, subtenants, accounts, backupServer, description, enabled, leaseExpiration, maxConcurrentTasks, throttling, backupResources, deleteBackupsOnDestroy, allowBackupResourceDataLoss, adopt, passwordConfig, passwordPolicy",
      ]);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
