import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator } from "../../emulator/server";
import { EmClient } from "../../provider/client";
import { exportOnboarding } from "../../provider/export/export";
import { OnboardingDataError, parseOnboardingData } from "../../provider/onboarding";
import { ACCOUNT_TYPES, MAX_QUOTA_MB, MIN_QUOTA_MB, SUBTENANT_NAME_MAX } from "../../provider/onboarding/format";
import { SCHEMA_FILE, onboardingSchemaText } from "../../provider/onboarding/schema";
import { largeSeed } from "../export/seed";
import { validate } from "./json-schema";

const REPO = path.resolve(__dirname, "../../..");
const EXAMPLE = path.join(REPO, "examples/onboarding/tenants.json");
const shipped = () => JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));

/** The code's verdict on a file: the places of its problems, [] when it is accepted. */
function codeProblems(json: unknown): string[] {
  try {
    parseOnboardingData(json, "t.json");
    return [];
  } catch (err) {
    if (!(err instanceof OnboardingDataError)) throw err;
    return err.problems.map((p) => `${p.at}: ${p.message}`);
  }
}

describe("the onboarding data file's JSON Schema", () => {
  it("is the file the package ships, up to date with the reader's constants", () => {
    expect(SCHEMA_FILE).to.equal(path.join(REPO, "provider/onboarding/onboarding.schema.json"));
    const text = fs.readFileSync(SCHEMA_FILE, "utf8");
    expect(text, "onboarding.schema.json is stale: run `npm run build && node dist/provider/onboarding/schema.js > provider/onboarding/onboarding.schema.json`").to.equal(onboardingSchemaText());
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    expect(pkg.files).to.include("provider/onboarding/onboarding.schema.json");
  });

  it("is draft 2020-12, and carries the code's enums and limits", () => {
    const schema = shipped();
    expect(schema.$schema).to.equal("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$defs.account.properties.type.enum).to.deep.equal([...ACCOUNT_TYPES]);
    expect(schema.$defs.subtenant.properties.quotaMb.oneOf[0].minimum).to.equal(MIN_QUOTA_MB);
    expect(schema.$defs.subtenant.properties.name.maxLength).to.equal(SUBTENANT_NAME_MAX);
  });

  it("is what the example's data file names in $schema (in the installed package), and the example validates against it", () => {
    const data = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
    const installed = "./node_modules/pulumi-veeam-em/";
    expect(data.$schema.startsWith(installed), data.$schema).to.equal(true);
    expect(path.resolve(SCHEMA_FILE, "..", "..", "..", data.$schema.slice(installed.length))).to.equal(SCHEMA_FILE);
    expect(validate(shipped(), data)).to.deep.equal([]);
    expect(codeProblems(data)).to.deep.equal([]);
  });

  it("validates an exported file", async () => {
    const em = await startEmulator({ port: 0, seed: largeSeed(), adminPassword: "Sch3ma-Test-Pw" });
    const client = new EmClient({ url: em.url, credentials: { kind: "admin", username: "admin", password: "Sch3ma-Test-Pw" } });
    try {
      const { data, counts } = await exportOnboarding(client, { schema: "x.json" });
      expect(counts.subtenants + counts.accounts).to.be.greaterThan(200);
      expect(validate(shipped(), data)).to.deep.equal([]);
      expect(codeProblems(data)).to.deep.equal([]);
    } finally {
      await client.close();
      await em.stop();
    }
  });

  describe("accepts and refuses the same files as the component", () => {
    const base = () => ({
      $schema: "s.json",
      tenants: [
        {
          name: "T",
          $comment: "any $ key is allowed",
          subtenants: [{ name: "s", quotaMb: 2048, quotaResource: "R", enabled: true, adopt: true, passwordConfig: 'subtenantPasswords["T"]["s"]' }],
          accounts: [{ type: "User", name: "TECH\\a", roles: ["Portal User"], restoreScope: "all", adopt: false }],
        },
      ],
      accounts: [{ type: "ExternalGroup", name: "partners", roles: ["urn:veeam:EnterpriseRole:d19a3d33-cb77-4ffe-94e6-001432483a4e"], restoreScope: [{ objectName: "VM01", hierarchyObjRef: "urn:VMware:Vm:x.vm-1" }] }],
    });
    const sub = (d: any) => d.tenants[0].subtenants[0];
    const acc = (d: any) => d.tenants[0].accounts[0];
    const cases: Array<[string, (d: any) => void]> = [
      ["the base file", () => undefined],
      ["no tenants key", (d) => delete d.tenants],
      ["tenants not a list", (d) => (d.tenants = {})],
      ["an unknown top-level key", (d) => (d.tenant = [])],
      ["an unknown subtenant key (a typo)", (d) => (sub(d).quotaMB = 1)],
      ["a tenant without a name", (d) => delete d.tenants[0].name],
      ["a name with a leading space", (d) => (d.tenants[0].name = " T")],
      ["an empty name", (d) => (sub(d).name = "")],
      [`a name of ${SUBTENANT_NAME_MAX} characters`, (d) => (sub(d).name = "n".repeat(SUBTENANT_NAME_MAX))],
      [`a name of ${SUBTENANT_NAME_MAX + 1} characters`, (d) => (sub(d).name = "n".repeat(SUBTENANT_NAME_MAX + 1))],
      ["no quotaMb", (d) => delete sub(d).quotaMb],
      [`quotaMb ${MIN_QUOTA_MB}`, (d) => (sub(d).quotaMb = MIN_QUOTA_MB)],
      [`quotaMb ${MIN_QUOTA_MB - 1}`, (d) => (sub(d).quotaMb = MIN_QUOTA_MB - 1)],
      [`quotaMb ${MAX_QUOTA_MB}, EM's largest`, (d) => (sub(d).quotaMb = MAX_QUOTA_MB)],
      [`quotaMb ${MAX_QUOTA_MB + 1}, past what EM holds`, (d) => (sub(d).quotaMb = MAX_QUOTA_MB + 1)],
      ["quotaMb 2^53 + 2", (d) => (sub(d).quotaMb = 2 ** 53 + 2)],
      ["a name of zero-width and bidirectional controls only", (d) => (sub(d).name = "\u200b\u202e\u2066")],
      ["a tenant name of a Hangul filler only", (d) => (d.tenants[0].name = "\u3164")],
      ["a role of a zero-width joiner only", (d) => (acc(d).roles = ["\u200d"])],
      ["a name with a zero-width space inside visible text", (d) => (sub(d).name = "abc\u200bdef")],
      ["a subtenant named __proto__", (d) => ((sub(d).name = "__proto__"), (sub(d).passwordConfig = 'subtenantPasswords["T"]["__proto__"]'))],
      ["quotaMb fractional", (d) => (sub(d).quotaMb = 2048.5)],
      ['quotaMb "unlimited"', (d) => (sub(d).quotaMb = "unlimited")],
      ['quotaMb "Unlimited"', (d) => (sub(d).quotaMb = "Unlimited")],
      ['quotaMb "10 GB"', (d) => (sub(d).quotaMb = "10 GB")],
      ["quotaResourceId instead of quotaResource", (d) => ((sub(d).quotaResourceId = "id-1"), delete sub(d).quotaResource)],
      ["both quotaResource and quotaResourceId", (d) => (sub(d).quotaResourceId = "id-1")],
      ["neither quota resource key", (d) => delete sub(d).quotaResource],
      ['enabled "yes"', (d) => (sub(d).enabled = "yes")],
      ['adopt "true"', (d) => (sub(d).adopt = "true")],
      ["a description that is not a string", (d) => (sub(d).description = 1)],
      ["an empty description", (d) => (sub(d).description = "")],
      ["an empty passwordConfig", (d) => (sub(d).passwordConfig = "")],
      ...ACCOUNT_TYPES.filter((t) => t !== "User").map((t): [string, (d: any) => void] => [`account type ${t}`, (d) => ((acc(d).type = t), (acc(d).name = t === "ExternalUser" ? "a@b.c" : "TECH\\a"))]),
      ['account type "Person"', (d) => (acc(d).type = "Person")],
      ["an account without roles", (d) => delete acc(d).roles],
      ["an empty role list", (d) => (acc(d).roles = [])],
      ["a role listed twice", (d) => (acc(d).roles = ["Portal User", "Portal User"])],
      ["a role that is not a string", (d) => (acc(d).roles = [7])],
      ['restoreScope "none"', (d) => (acc(d).restoreScope = "none")],
      ["an empty restoreScope list", (d) => (acc(d).restoreScope = [])],
      ["a scope object without objectName", (d) => (acc(d).restoreScope = [{ hierarchyObjRef: "urn:x" }])],
      ["a scope object with an unknown key", (d) => (acc(d).restoreScope = [{ objectName: "VM", name: "VM" }])],
      ["subtenants not a list", (d) => (d.tenants[0].subtenants = "s")],
      ["a top-level account that is not an object", (d) => (d.accounts = ["TECH\\a"])],
    ];
    const valid = /^(the base file|a name of \d+ characters|quotaMb 1024|quotaMb \d+, EM's largest|quotaMb "unlimited"|quotaResourceId instead|neither quota resource key|an empty description|account type [A-Z]|a name with a zero-width space inside|a subtenant named __proto__)/;
    for (const [what, edit] of cases) {
      it(`${what}: ${valid.test(what) && !what.includes(`${SUBTENANT_NAME_MAX + 1}`) ? "accepted" : "refused"}`, () => {
        const data = base();
        edit(data);
        const schemaSays = validate(shipped(), data);
        const codeSays = codeProblems(data);
        expect(schemaSays.length === 0, `schema: ${schemaSays.join("; ") || "valid"} / code: ${codeSays.join("; ") || "valid"}`).to.equal(codeSays.length === 0);
        expect(codeSays.length === 0, codeSays.join("; ")).to.equal(valid.test(what) && !what.includes(`${SUBTENANT_NAME_MAX + 1}`));
      });
    }

    it("the validator really refuses (it is not a stub): a file of the wrong shape fails with the place", () => {
      expect(validate(shipped(), { tenants: [{ name: "T", subtenants: [{ name: "s", quotaMb: 5 }] }] })).to.include("/tenants/0/subtenants/0/quotaMb: oneOf: not exactly one alternative matches");
    });
  });
});
