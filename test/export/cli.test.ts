import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { parseOnboardingData } from "../../provider/onboarding";
import { passwordPaths, runCli } from "./cli";
import { DECLARED_TENANTS, EXPORTABLE_ACCOUNTS, ROLES, SUBTENANTS, TENANTS, largeSeed } from "./seed";

const ADMIN_PASSWORD = "Em-Adm1n-Exp0rt-8812";
const REPO = path.resolve(__dirname, "../../..");

describe("veeam-em export (the bin)", function () {
  this.timeout(60_000);
  let em: Emulator;
  let tmp: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "export-cli-"));
    em = await startEmulator({ port: 0, taskDurationMs: 5, adminPassword: ADMIN_PASSWORD, seed: largeSeed() });
  });
  after(async () => {
    await em?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const env = () => ({ VEEAM_EM_PASSWORD: ADMIN_PASSWORD });
  const exportTo = (file: string, ...args: string[]) => runCli(["export", "--url", em.url, "--username", "admin", "-o", file, "--quiet", ...args], env());
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
  const out = (name: string) => path.join(tmp, name);

  describe("the file", () => {
    let data: any;
    let run: Awaited<ReturnType<typeof runCli>>;
    before(async () => {
      run = await runCli(["export", "--url", em.url, "--username", "admin", "-o", out("all.json")], env());
      expect(run.code, run.stderr).to.equal(0);
      data = read(out("all.json"));
    });
    const tenant = (name: string) => data.tenants.find((t: any) => t.name === name);

    it("passes the component's own checks, as written", () => {
      const parsed = parseOnboardingData(data, "all.json");
      expect(parsed.tenants.flatMap((t) => t.subtenants)).to.have.length(SUBTENANTS);
      expect(parsed.accounts).to.have.length(EXPORTABLE_ACCOUNTS);
    });

    it("lists tenants, subtenants and accounts by name, sorted; declares each standalone tenant with its backup resources, one without subtenants too", () => {
      expect(data.tenants.map((t: any) => t.name)).to.deep.equal(["ACME Corp", "Globex", "Initech", "Umbrella Health", "Wayne Enterprises"]);
      for (const t of data.tenants) expect((t.subtenants ?? []).map((s: any) => s.name)).to.deep.equal((t.subtenants ?? []).map((s: any) => s.name).sort());
      expect(tenant("Wayne Enterprises")).to.deep.equal({
        name: "Wayne Enterprises",
        backupServer: "vbr01",
        description: "Wayne Enterprises (seeded)",
        enabled: true,
        maxConcurrentTasks: 2,
        backupResources: [{ name: "Wayne Repository", repository: "Wayne Enterprises repository 1", quotaMb: 10_000_000 }],
        adopt: true,
      });
      expect(tenant("Globex").backupResources.map((r: any) => r.name)).to.deep.equal(["Gold", "Silver"]);
      // Two backup resources of one name (ignoring case) cannot be declared: the tenant is named for its subtenants.
      expect(tenant("Initech")).to.not.have.property("backupServer");
      expect(run.stderr).to.include("note: tenant 'Initech' has backup resources that share a name (ignoring case): written as a tenant EM has, not declared by the file (its subtenants are)");
    });

    it("writes each subtenant as EM has it, with adopt: true and the config key of its password", () => {
      const s = largeSeed().subtenants!.find((x) => x.name === "acme-dept-07")!; // unlimited
      expect(tenant("ACME Corp").subtenants.find((x: any) => x.name === "acme-dept-07")).to.deep.equal({
        name: "acme-dept-07",
        description: s.description,
        quotaMb: "unlimited",
        quotaResource: "ACME Repository",
        enabled: true,
        adopt: true,
        passwordConfig: 'subtenantPasswords["ACME Corp"]["acme-dept-07"]',
      });
      const disabled = tenant("ACME Corp").subtenants.find((x: any) => x.name === "acme-dept-06");
      expect(disabled).to.include({ enabled: false, quotaMb: 1024 * 7 });
      expect(tenant("ACME Corp").subtenants.find((x: any) => x.name === "acme-dept-05")).to.not.have.property("description");
    });

    it("names a quota resource by display name where that is unique in the tenant, by id otherwise", () => {
      expect(new Set(tenant("Globex").subtenants.map((s: any) => s.quotaResource))).to.deep.equal(new Set(["Gold", "Silver"]));
      const initech = TENANTS.find((t) => t.name === "Initech")!;
      for (const s of tenant("Initech").subtenants) {
        expect(s).to.not.have.property("quotaResource");
        expect(initech.resources.map((r) => r.id)).to.include(s.quotaResourceId);
      }
    });

    it("names roles by name where EM has one of that name, by UID otherwise (role names differ between EM versions)", () => {
      const all = data.accounts.flatMap((a: any) => a.roles);
      expect(all).to.include("File Restore Operator");
      const auditors = ROLES.filter((r) => r.name.toLowerCase() === "auditor").map((r) => `urn:veeam:EnterpriseRole:${r.id}`);
      expect(all.filter((r: string) => /auditor/i.test(r))).to.deep.equal([]);
      expect(all.filter((r: string) => auditors.includes(r)).length).to.be.greaterThan(0);
    });

    it("writes restricted restore scopes as their objects' names, and 'all' otherwise", () => {
      const restricted = data.accounts.find((a: any) => a.name === "TECH\\group-5");
      expect(restricted.restoreScope).to.deep.equal([{ objectName: "VM-5-1" }, { objectName: "VM-5-2" }]);
      expect(data.accounts.find((a: any) => a.name === "TECH\\group-1").restoreScope).to.equal("all");
      expect(data.accounts.every((a: any) => a.adopt === true)).to.equal(true);
    });

    it("leaves out EM's built-in accounts and an account the file cannot declare, saying why", () => {
      const names = data.accounts.map((a: any) => a.name);
      expect(names).to.not.include("BUILTIN\\Administrators");
      expect(names).to.not.include("TECH\\legacy-operator");
      expect(run.stderr).to.include("note: account 'BUILTIN\\Administrators' is one of EM's built-in accounts: left out (--include-builtin takes it");
      expect(run.stderr).to.include(`note: account 'TECH\\legacy-operator' may restore everything but also holds 1 restore scope object(s) (OLD-VM): left out`);
    });

    it("references the package's JSON Schema relative to the file, and says where it came from", () => {
      expect(path.resolve(tmp, data.$schema)).to.equal(path.join(REPO, "provider/onboarding/onboarding.schema.json"));
      expect(data.$comment).to.include(em.url);
    });

    it("prints one `pulumi config set --secret` line per declared tenant and subtenant on stdout, with no value, and progress on stderr", () => {
      const paths = passwordPaths(run.stdout);
      expect(paths).to.have.length(DECLARED_TENANTS + SUBTENANTS);
      expect(run.stdout).to.include(`pulumi config set --secret --path 'tenantPasswords["Wayne Enterprises"]' <password>`);
      expect(run.stdout).to.not.include(`'tenantPasswords["Initech"]'`);
      expect(run.stdout).to.not.match(/tenant-\d/);
      expect(run.stdout).to.include(`pulumi config set --secret --path 'subtenantPasswords["Initech"]["initech-dept-01"]' <password>`);
      expect(run.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("pulumi config set --secret --path '"))).to.deep.equal([]);
      expect(run.stdout + run.stderr).to.not.include(ADMIN_PASSWORD);
      expect(run.stdout + run.stderr).to.not.match(/old-password-/);
      // Read: the exportable accounts and the one left out after reading it (TECH\legacy-operator).
      expect(run.stderr).to.include(`veeam-em export: accounts read: 50/${EXPORTABLE_ACCOUNTS + 1}`);
      expect(run.stderr).to.include(`veeam-em export: exported 5 tenants, ${SUBTENANTS} subtenants, ${EXPORTABLE_ACCOUNTS} accounts`);
    });
  });

  it("filters tenants and accounts by name patterns, without case", async () => {
    const file = out("filtered.json");
    const run = await exportTo(file, "--tenant", "acme*", "--tenant", "G?OBEX", "--account", "TECH\\user-*", "--exclude", "globex", "--exclude", "*-1?");
    expect(run.code, run.stderr).to.equal(0);
    const data = read(file);
    expect(data.tenants.map((t: any) => t.name)).to.deep.equal(["ACME Corp"]);
    const names: string[] = data.accounts.map((a: any) => a.name);
    expect(names.length).to.be.greaterThan(5);
    expect(names.every((n) => /^TECH\\user-\d+$/.test(n) && !/-1\d$/.test(n))).to.equal(true);
    expect(passwordPaths(run.stdout)).to.have.length(31); // the tenant's and its 30 subtenants'
  });

  it("says so when no name matches the patterns, listing EM's names", async () => {
    const run = await exportTo(out("none.json"), "--tenant", "Nobody*", "--account", "nobody*");
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.include("note: no tenant matches the patterns given; EM's tenants are: ACME Corp, Globex, Initech, Umbrella Health, Wayne Enterprises");
    expect(run.stderr).to.match(/note: no account matches the patterns given; EM's accounts are: .* and \d+ more/);
    expect(read(out("none.json")).tenants).to.deep.equal([]);
  });

  it("writes the same file whether it speaks XML or JSON to EM", async () => {
    const [xml, json] = [out("wire-xml.json"), out("wire-json.json")];
    expect((await exportTo(xml, "--format", "xml")).code).to.equal(0);
    const mark = em.requests.length;
    expect((await exportTo(json, "--format", "json")).code).to.equal(0);
    expect(em.requests.slice(mark).every((r) => r.responseFormat === "json")).to.equal(true);
    expect(read(json)).to.deep.equal(read(xml));
  });

  it("--no-accounts exports subtenants only; the data file can go to stdout, the commands then to stderr", async () => {
    const run = await runCli(["export", "--url", em.url, "--username", "admin", "--no-accounts", "--tenant", "Umbrella*", "--quiet"], env());
    expect(run.code, run.stderr).to.equal(0);
    const data = JSON.parse(run.stdout);
    expect(data).to.not.have.property("accounts");
    expect(data.tenants).to.have.length(1);
    expect(passwordPaths(run.stderr)).to.have.length(31);
  });

  it("never overwrites a file unless told to", async () => {
    const file = out("existing.json");
    fs.writeFileSync(file, "keep me");
    const run = await exportTo(file);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`${file} exists; give --force to overwrite it`);
    expect(fs.readFileSync(file, "utf8")).to.equal("keep me");
    expect((await exportTo(file, "--force")).code).to.equal(0);
    expect(read(file).tenants).to.have.length(5);
  });

  describe("refuses bad command lines with exit code 2 and a message that names the flag", () => {
    const cases: Array<[string, string[], Record<string, string>, string]> = [
      ["a password flag", ["--password", "x"], {}, "--password is not accepted: a password on the command line ends up in shell history"],
      ["a password flag with =", ["--password=x"], {}, "--password is not accepted"],
      ["an unknown flag", ["--tenants", "x"], {}, "Unknown option '--tenants'"],
      ["no url", ["--username", "admin"], { VEEAM_EM_PASSWORD: "x" }, "--url is required (or set VEEAM_EM_URL)"],
      ["a bad url", ["--url", "em.example.com:9398", "--username", "admin"], {}, "--url: "],
      ["no username", ["--url", "https://em.example.com:9398/api/"], {}, "--username is required"],
      ["a bad format", ["--url", "https://em:9398", "--username", "a", "--format", "yaml"], {}, "--format must be xml or json, got 'yaml'"],
      ["contradicting TLS flags", ["--url", "https://em:9398", "--username", "a", "--ca-cert", "ca.pem", "--insecure-skip-tls-verify"], {}, "--ca-cert and --insecure-skip-tls-verify contradict"],
      ["a missing CA file", ["--url", "https://em:9398", "--username", "a", "--ca-cert", "/nonexistent/ca.pem"], {}, "--ca-cert: no file at /nonexistent/ca.pem"],
      ["an empty pattern", ["--url", "https://em:9398", "--username", "a", "--tenant", ""], {}, "--tenant needs a name pattern"],
      ["no password and no terminal", ["--url", "https://em:9398", "--username", "a"], {}, "no EM password: set VEEAM_EM_PASSWORD (stdin is not a terminal"],
      ["a bad VEEAM_EM_ALLOW_INSECURE_HTTP", ["--url", "https://em:9398", "--username", "a"], { VEEAM_EM_PASSWORD: "x", VEEAM_EM_ALLOW_INSECURE_HTTP: "maybe" }, "VEEAM_EM_ALLOW_INSECURE_HTTP must be true or false, got 'maybe' (or give --allow-insecure-http)"],
    ];
    for (const [what, args, extraEnv, message] of cases) {
      it(what, async () => {
        const run = await runCli(["export", ...args], extraEnv);
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr).to.include(message);
        expect(run.stderr).to.include("Run 'veeam-em export --help' for the options.");
        expect(run.stdout).to.equal("");
      });
    }
  });

  it("refuses plain http to another host before any request, naming its own flag --allow-insecure-http", async () => {
    const run = await runCli(["export", "--url", "http://em.example.com:9398/api/", "--username", "admin", "--quiet"], { VEEAM_EM_PASSWORD: "Http-Pa55-Value" });
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stderr).to.include("allowInsecureHttp").and.to.include("(for veeam-em export, those settings are the flags --allow-insecure-http)");
    expect(run.stderr).not.to.include("Http-Pa55-Value");
  });

  it("reports a refused logon with exit code 1, without the password", async () => {
    const run = await runCli(["export", "--url", em.url, "--username", "admin", "--quiet"], { VEEAM_EM_PASSWORD: "Wr0ng-Pa55-Value" });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/reading EM at http:\/\/127\.0\.0\.1:\d+\/api\/ failed: .*401/);
    expect(run.stderr).to.not.include("Wr0ng-Pa55-Value");
  });

  it("is the package's `veeam-em` bin, runnable as a script; the component is the package's `./onboarding` export", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    expect(path.resolve(REPO, pkg.bin["veeam-em"])).to.equal(path.join(REPO, "dist/provider/cli/veeam-em.js"));
    expect(fs.readFileSync(path.join(REPO, pkg.bin["veeam-em"]), "utf8").split("\n")[0]).to.equal("#!/usr/bin/env node");
    expect(require.resolve("pulumi-veeam-em/onboarding")).to.equal(path.join(REPO, "dist/provider/onboarding/index.js"));
  });

  it("--help shows the options, and exits 0", async () => {
    const run = await runCli(["export", "--help"]);
    expect(run.code).to.equal(0);
    for (const flag of ["--url", "--username", "--ca-cert", "--insecure-skip-tls-verify", "--tenant", "--exclude", "--output", "VEEAM_EM_PASSWORD"]) expect(run.stdout).to.include(flag);
  });
});
