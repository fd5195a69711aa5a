/** TenantOnboarding as a library user calls it: content or path, ids and UIDs, adopt, password keys, secrets. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { TenantOnboarding, OnboardingDataError, formatConfigPath, parseConfigPath, passwordCommand } from "../../provider/onboarding";
import { readConfigPath } from "../../provider/onboarding/config-path";
import { runUnderMocks, type MockResourceArgs } from "../../tools/engine/program";

const PROJECT = "onboarding-lib";
const ADMIN_PASSWORD = "Em-Adm1n-C0mp-3390";
const ABC = { id: "28ddf9b9-12fa-431a-a34c-a327f05c3920", resourceId: "11c59670-23df-448c-a4b3-74c42669633e" };
const PORTAL_USER_UID = "urn:veeam:EnterpriseRole:d19a3d33-cb77-4ffe-94e6-001432483a4e";
const FILE_RESTORE_OPERATOR_UID = "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6";

const DATA = {
  tenants: [
    {
      name: "ABC Company",
      subtenants: [
        { name: "abc-hr", quotaMb: 4096, quotaResourceId: ABC.resourceId, adopt: true },
        { name: "abc-lab", quotaMb: "unlimited", passwordConfig: "lab:password" },
        { name: "abc-ops", quotaMb: 2048, passwordConfig: 'vaultPasswords.sites["eu-1"].ops' },
      ],
    },
  ],
  accounts: [{ type: "ExternalUser", name: "carol@partner.example", roles: ["Portal User", FILE_RESTORE_OPERATOR_UID], adopt: true }],
};
const PASSWORDS = { "abc-hr": "Hr-Pa55-0001", "abc-lab": "Lab-Pa55-0002", "abc-ops": "Ops-Pa55-0003" };

interface Run {
  registrations: MockResourceArgs[];
  outputs: Record<string, unknown>;
}

describe("TenantOnboarding (pulumi-veeam-em/onboarding)", () => {
  let em: Emulator;
  let tmp: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "onboarding-lib-"));
    em = await startEmulator({ port: 0, taskDurationMs: 5, adminPassword: ADMIN_PASSWORD });
  });
  after(async () => {
    await em.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function config(passwords: Partial<typeof PASSWORDS> = PASSWORDS): Record<string, string> {
    return {
      "veeam-em:url": em.url,
      "veeam-em:username": "admin",
      "veeam-em:password": ADMIN_PASSWORD,
      ...(passwords["abc-hr"] && { [`${PROJECT}:subtenantPasswords`]: JSON.stringify({ "ABC Company": { "abc-hr": passwords["abc-hr"] } }) }),
      ...(passwords["abc-lab"] && { "lab:password": passwords["abc-lab"] }),
      ...(passwords["abc-ops"] && { [`${PROJECT}:vaultPasswords`]: JSON.stringify({ sites: { "eu-1": { ops: passwords["abc-ops"] } } }) }),
    };
  }

  async function run(args: ConstructorParameters<typeof TenantOnboarding>[1], cfg = config()): Promise<Run> {
    const registrations: MockResourceArgs[] = [];
    const outputs = await runUnderMocks(
      async () => {
        const onboarding = new TenantOnboarding("onb", args);
        await onboarding.ready;
        return { tenants: onboarding.tenants, accounts: onboarding.accounts };
      },
      async (a) => {
        if (a.type !== "pulumi:pulumi:Stack") registrations.push(a);
        const made = a.type.endsWith(":Subtenant") ? { subtenantId: `${a.name}-id` } : a.type.endsWith(":EnterpriseAccount") ? { accountId: `${a.name}-id`, roleNames: ["x"] } : {};
        return { id: `${a.name}-id`, state: { ...a.inputs, ...made } };
      },
      { project: PROJECT, config: cfg, secretConfigKeys: Object.keys(cfg).filter((k) => /password/i.test(k)) },
    );
    return { registrations, outputs };
  }
  const named = (r: Run, name: string) => r.registrations.find((x) => x.name === name)!;
  const failure = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (err) {
      return (err as { errors?: Error[] }).errors?.[0] ?? (err as Error);
    }
    throw new Error("expected a failure");
  };

  it("declares the same resources from the content as an object, as JSON text, and from a path", async () => {
    const file = path.join(tmp, "data.json");
    fs.writeFileSync(file, JSON.stringify(DATA));
    const shapes = [];
    for (const args of [{ data: DATA }, { data: JSON.stringify(DATA) }, { path: file }]) {
      const r = await run(args);
      shapes.push(r.registrations.map((x) => [x.type, x.name, JSON.stringify({ ...x.inputs, __provider: undefined })]).sort());
    }
    expect(shapes[0]).to.have.length(5); // the component, three subtenants, one account
    expect(shapes[1]).to.deep.equal(shapes[0]);
    expect(shapes[2]).to.deep.equal(shapes[0]);
  });

  it("registers itself with no inputs, and its resources under it with the names the example always used", async () => {
    const r = await run({ data: DATA });
    const component = r.registrations.find((x) => x.type === "veeam-em:onboarding:TenantOnboarding")!;
    expect(component.name).to.equal("onb");
    expect(component.inputs).to.deep.equal({});
    expect(r.registrations.map((x) => x.name).sort()).to.deep.equal(["ABC Company/abc-hr", "ABC Company/abc-lab", "ABC Company/abc-ops", "carol@partner.example", "onb"]);
  });

  it("declares an alias with no parent on each resource, so stacks of the earlier example (resources at the top level) keep theirs", async () => {
    const aliases = new Map<string, unknown[]>();
    await runUnderMocks(
      async () => {
        const monitor = pulumi.runtime.getMonitor() as any;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: any) => {
          aliases.set(req.getName(), req.getAliasesList().map((a: any) => a.toObject().spec));
          return register(req, callback);
        };
        await new TenantOnboarding("onb", { data: DATA }).ready;
      },
      async (a) => ({ id: `${a.name}-id`, state: a.inputs }),
      { project: PROJECT, config: config(), secretConfigKeys: Object.keys(config()).filter((k) => /password/i.test(k)) },
    );
    expect(aliases.get("onb")).to.deep.equal([]);
    for (const name of ["ABC Company/abc-hr", "carol@partner.example"]) {
      const specs = aliases.get(name) as Array<Record<string, unknown>>;
      expect(specs, name).to.have.length(1);
      expect(specs[0]).to.include({ name: "", type: "", noparent: true });
      expect(specs[0].parenturn ?? "").to.equal("");
    }
  });

  it("takes a quota resource by id, role UIDs as they are, and passes adopt only where the file sets it", async () => {
    const r = await run({ data: DATA });
    const hr = named(r, "ABC Company/abc-hr").inputs;
    expect(hr).to.include({ tenantId: ABC.id, tenantResourceId: ABC.resourceId, quotaMb: 4096, unlimitedQuota: false, adopt: true, enabled: true });
    expect(named(r, "ABC Company/abc-lab").inputs).to.include({ unlimitedQuota: true, tenantResourceId: ABC.resourceId }).and.not.have.property("adopt");
    const carol = named(r, "carol@partner.example").inputs;
    expect(carol).to.deep.include({ accountType: "ExternalUser", roles: [PORTAL_USER_UID, FILE_RESTORE_OPERATOR_UID], allowRestoreAllVms: true, adopt: true });
    expect((r.outputs.accounts as any)["carol@partner.example"]).to.include({ accountId: "carol@partner.example-id", restoreScope: "all" });
    expect((r.outputs.tenants as any)["ABC Company"].subtenants["abc-hr"]).to.include({ quotaResource: "ABC Company Cloud Repository", subtenantId: "ABC Company/abc-hr-id" });
  });

  it("takes __proto__ and constructor as subtenants' names like any other: their resources and passwords", async () => {
    const data = { tenants: [{ name: "ABC Company", subtenants: [{ name: "__proto__", quotaMb: 2048 }, { name: "constructor", quotaMb: 2048 }] }] };
    const cfg = { ...config({}), [`${PROJECT}:subtenantPasswords`]: '{"ABC Company":{"__proto__":"Proto-Pa55-0004","constructor":"Ctor-Pa55-0005"}}' };
    const r = await run({ data: JSON.stringify(data) }, cfg);
    expect(pulumi.runtime.unwrapRpcSecret(named(r, "ABC Company/__proto__").inputs.password)).to.equal("Proto-Pa55-0004");
    expect(pulumi.runtime.unwrapRpcSecret(named(r, "ABC Company/constructor").inputs.password)).to.equal("Ctor-Pa55-0005");

    const unset = await failure(run({ data: JSON.stringify(data) }, { ...config({}), [`${PROJECT}:subtenantPasswords`]: '{"ABC Company":{}}' }));
    expect(unset.message).to.contain(`subtenant '__proto__' of tenant 'ABC Company'`);
    expect(unset.message).to.contain(`subtenant 'constructor' of tenant 'ABC Company'`);
  });

  it("reads each password from the config key its entry names, as a secret, and exports none", async () => {
    const r = await run({ data: DATA });
    for (const [name, password] of Object.entries(PASSWORDS)) {
      const inputs = named(r, `ABC Company/${name}`).inputs;
      expect(pulumi.runtime.isRpcSecret(inputs.password), name).to.equal(true);
      expect(pulumi.runtime.unwrapRpcSecret(inputs.password)).to.equal(password);
    }
    const text = JSON.stringify(r.outputs);
    for (const p of [...Object.values(PASSWORDS), ADMIN_PASSWORD]) expect(text).to.not.include(p);
  });

  it("names every missing password's key and command at once, before asking EM anything", async () => {
    const before = em.requests.length;
    const err = await failure(run({ data: DATA }, config({})));
    expect(err.message).to.include("missing subtenant passwords in stack config (passwords never go in onboarding data)");
    expect(err.message).to.include(`subtenant 'abc-hr' of tenant 'ABC Company' (onboarding data: tenants[0].subtenants[0]): config ${PROJECT}:subtenantPasswords["ABC Company"]["abc-hr"] is not set; run: pulumi config set --secret --path 'subtenantPasswords["ABC Company"]["abc-hr"]' <password>`);
    expect(err.message).to.include(`config lab:password is not set; run: pulumi config set --secret 'lab:password' <password>`);
    expect(err.message).to.include(`config ${PROJECT}:vaultPasswords.sites["eu-1"].ops is not set; run: pulumi config set --secret --path 'vaultPasswords.sites["eu-1"].ops' <password>`);
    expect(em.requests.length).to.equal(before);
  });

  it("refuses a password stored in plain text, naming each and the command that stores it as a secret", async () => {
    const cfg = config();
    const before = em.requests.length;
    const err = await failure(
      runUnderMocks(async () => new TenantOnboarding("onb", { data: DATA }).ready, async (a) => ({ id: `${a.name}-id`, state: a.inputs }), {
        project: PROJECT,
        config: cfg,
        secretConfigKeys: Object.keys(cfg).filter((k) => /password/i.test(k) && k !== `${PROJECT}:subtenantPasswords`),
      }),
    );
    expect(err.message).to.include("passwords stored in stack config in plain text");
    expect(err.message).to.include(`subtenant 'abc-hr' of tenant 'ABC Company' (onboarding data: tenants[0].subtenants[0]): run: pulumi config set --secret --path 'subtenantPasswords["ABC Company"]["abc-hr"]' <password>`);
    expect(err.message).to.not.include("abc-ops", "a password stored as a secret is not named");
    for (const p of Object.values(PASSWORDS)) expect(err.message).to.not.include(p);
    expect(em.requests.length).to.equal(before);
  });

  it("refuses a passwordConfig that names the provider's settings or a key not meant for passwords", async () => {
    for (const [passwordConfig, reason] of [
      ["veeam-em:password", "the veeam-em: namespace holds the provider's own settings"],
      ["veeam-em:passwords", "the veeam-em: namespace holds the provider's own settings"],
      ["dataFile", "'dataFile' is not a key meant for passwords"],
      ["aws:region", "'region' is not a key meant for passwords"],
    ]) {
      const bad = structuredClone(DATA) as any;
      bad.tenants[0].subtenants[0].passwordConfig = passwordConfig;
      const err = await failure(run({ data: bad }));
      expect(err.message, passwordConfig).to.include(`tenants[0].subtenants[0].passwordConfig: ${reason}`);
    }
  });

  it("reports every problem of the file at once with its place, named as `source` says", async () => {
    const bad = structuredClone(DATA) as any;
    bad.tenants[0].subtenants[0].quotaResource = "Gold";
    bad.accounts[0].roles.push("urn:veeam:EnterpriseRole:nope");
    bad.tenants[0].subtenants[1].adopt = "yes";
    const err = await failure(run({ data: bad, source: "sites/eu.json" }));
    expect(err).to.be.instanceOf(OnboardingDataError);
    expect(err.message.split("\n")).to.deep.equal([
      "sites/eu.json has 3 problems:",
      "  - sites/eu.json: tenants[0].subtenants[0].quotaResourceId: give quotaResource (the display name) or quotaResourceId, not both",
      '  - sites/eu.json: tenants[0].subtenants[1].adopt: must be true or false, got string "yes"',
      "  - sites/eu.json: accounts[0].roles[2]: 'urn:veeam:EnterpriseRole:nope' is not a role UID (urn:veeam:EnterpriseRole:<GUID>); give the UID or the role's name",
    ]);
  });

  it("names a quota resource id the tenant does not have, with the ones it has; and declares nothing", async () => {
    const bad = structuredClone(DATA) as any;
    bad.tenants[0].subtenants[0].quotaResourceId = "00000000-0000-0000-0000-000000000000";
    const registered: MockResourceArgs[] = [];
    const err = await failure(
      runUnderMocks(
        async () => {
          await new TenantOnboarding("onb", { data: bad }).ready;
        },
        async (a) => {
          registered.push(a);
          return { id: "x", state: a.inputs };
        },
        { project: PROJECT, config: config(), secretConfigKeys: Object.keys(config()).filter((k) => /password/i.test(k)) },
      ),
    );
    expect(err.message).to.equal(
      "onboarding data: tenants[0].subtenants[0].quotaResourceId: tenant 'ABC Company' has no quota resource with id 00000000-0000-0000-0000-000000000000; its quota resources are: 'ABC Company Cloud Repository' (11c59670-23df-448c-a4b3-74c42669633e)",
    );
    expect(registered.map((a) => a.type)).to.deep.equal(["pulumi:pulumi:Stack", "veeam-em:onboarding:TenantOnboarding"]);
  });

  it("wants exactly one of data and path", async () => {
    expect((await failure(run({}))).message).to.include("give the data file's content as `data` or its location as `path` (exactly one)");
    expect((await failure(run({ data: DATA, path: "x.json" }))).message).to.include("(exactly one)");
    expect((await failure(run({ data: "{ nope" }))).message).to.match(/^onboarding data: is not valid JSON: /);
  });
});

describe("config paths (as `pulumi config set --path` writes them)", () => {
  it("parses keys, namespaces, dotted names, quoted names and indexes", () => {
    expect(parseConfigPath("subtenantPasswords")).to.deep.equal({ namespace: undefined, key: "subtenantPasswords", steps: [] });
    expect(parseConfigPath('subtenantPasswords["ABC Company"]["abc-finance"]')).to.deep.equal({ namespace: undefined, key: "subtenantPasswords", steps: ["ABC Company", "abc-finance"] });
    expect(parseConfigPath('ns:key.a["b.c"][2]')).to.deep.equal({ namespace: "ns", key: "key", steps: ["a", "b.c", 2] });
    expect(parseConfigPath('k["say \\"hi\\""]["C:\\\\x"]').steps).to.deep.equal(['say "hi"', "C:\\\\x"]);
  });

  it("writes what it reads, for names with quotes, dots, brackets and backslashes", () => {
    for (const name of ['a "quoted" name', "dots.and[brackets]", "TECH\\alice", "it's"]) {
      const text = formatConfigPath({ key: "subtenantPasswords", steps: ["T", name] });
      expect(parseConfigPath(text).steps).to.deep.equal(["T", name]);
    }
  });

  it("refuses what the CLI would refuse, saying where", () => {
    expect(() => parseConfigPath('k["open')).to.throw("missing closing quote");
    expect(() => parseConfigPath('k["a"x')).to.throw("missing ']'");
    expect(() => parseConfigPath("k.")).to.throw("a name must follow '.'");
    expect(() => parseConfigPath("")).to.throw("is not a config key");
  });

  it("reads only the config object's own keys: a step named __proto__ or constructor that is not set is not set", () => {
    const read = (path: string, json: string) => readConfigPath(parseConfigPath(path), () => json);
    expect(read('k["ABC"]["__proto__"]', '{"ABC":{}}')).to.equal(undefined);
    expect(read('k["ABC"]["constructor"]', '{"ABC":{}}')).to.equal(undefined);
    expect(read('k["ABC"]["__proto__"]', '{"ABC":{"__proto__":"pw-1"}}')).to.equal("pw-1");
    expect(read("k[0]", '["pw-2"]')).to.equal("pw-2");
  });

  it("quotes the path for a POSIX shell in the printed command", () => {
    expect(passwordCommand(`subtenantPasswords["O'Brien Ltd"]["x"]`)).to.equal(`pulumi config set --secret --path 'subtenantPasswords["O'\\''Brien Ltd"]["x"]' <password>`);
  });
});
