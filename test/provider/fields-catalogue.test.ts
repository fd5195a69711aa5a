/**
 * A catalogue of bad inputs for both resources: each is refused by `check` with a failure on the field, and a
 * message that names the field, says what was wrong and what is allowed. A few go through the SDK's own
 * dynamic-provider plugin, as the engine sends them. Values unknown during a preview still pass.
 */
import { expect } from "chai";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import { CheckFailedError } from "../../tools/engine/engine";
import { UNKNOWN } from "../../tools/engine/secrets";
import { accountArgs, accountType, requestsSince, subtenantArgs, subtenantType, useStack } from "../engine/support";

type Entry = [what: string, change: Record<string, unknown>, property: string, allowed: RegExp];

const SUBTENANT = { tenantId: "28ddf9b9-12fa-431a-a34c-a327f05c3920", name: "laptop-01", password: "Pass-1", tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e", quotaMb: 2048 };
const ACCOUNT = { accountType: "User", accountName: "TECH\\alice", roles: ["Portal User"] };

const subtenantCases: Entry[] = [
  ["no tenant at all", { tenantId: undefined }, "tenantId", /set tenantId .* or tenantName/],
  ["both tenant fields", { tenantName: "ABC Company" }, "tenantName", /only one of tenantId and tenantName/],
  ["a tenant id that is not a GUID (a path escape)", { tenantId: "../cloud" }, "tenantId", /must be a GUID such as .*; got '\.\.\/cloud'/],
  ["a tenant id that is a number", { tenantId: 42 }, "tenantId", /must be a string \(the cloud tenant's id, a GUID\), got number 42/],
  ["an empty tenant name", { tenantId: undefined, tenantName: "" }, "tenantName", /must not be empty: give the cloud tenant's name/],
  ["no name", { name: undefined }, "name", /is required \(the subtenant's user name, at most 128 characters\)/],
  ["a blank name", { name: "   " }, "name", /must not be empty/],
  ["a name of 129 characters", { name: "n".repeat(129) }, "name", /must be at most 128 characters, got 129/],
  ["a name with a leading space", { name: " laptop-01" }, "name", /must not begin or end with a space .*got " laptop-01"/],
  ["a name with a trailing space", { name: "laptop-01 " }, "name", /must not begin or end with a space/],
  ["a name with a slash", { name: "laptop/01" }, "name", /must not contain any of these characters: \\ \/ : \* \? " < > \| = ; \(got 'laptop\/01', which has '\/'\)/],
  ["a name with a backslash", { name: "TECH\\laptop" }, "name", /must not contain any of .* which has '\\'/],
  ["a name with a colon", { name: "laptop:01" }, "name", /must not contain any of .* which has ':'/],
  ["a name with an equals sign", { name: "a=b" }, "name", /must not contain any of .* which has '='/],
  ["a name with a semicolon", { name: "a;b" }, "name", /must not contain any of .* which has ';'/],
  ["a name with a quotation mark", { name: 'say "hi"' }, "name", /must not contain any of .* which has '"'/],
  ["a name with a tab", { name: "laptop\t01" }, "name", /must not contain control characters .* with U\+0009/],
  ["a name with a line feed at the end", { name: "laptop-01\n" }, "name", /must not contain control characters .* with U\+000A/],
  ["a name ending with a period", { name: "laptop." }, "name", /must not end with a period/],
  ["a name that is a number", { name: 7 }, "name", /must be a string .*got number 7/],
  ["no password", { password: undefined }, "password", /is required \(the subtenant's password\)/],
  ["an empty password", { password: "" }, "password", /must not be empty/],
  ["a password that is a number", { password: 1234 }, "password", /must be a string/],
  ["a description that is a number", { description: 5 }, "description", /must be a string, got number 5/],
  ["enabled as text", { enabled: "yes" }, "enabled", /must be true or false, got 'yes'/],
  ["no tenant resource", { tenantResourceId: undefined }, "tenantResourceId", /is required \(the id of one of the tenant's quota resources/],
  ["an empty quota name", { quotaName: " " }, "quotaName", /must not be empty/],
  ["a quota under 1 GB", { quotaMb: 1023 }, "quotaMb", /must be at least 1024, got 1023/],
  ["a fractional quota", { quotaMb: 1500.5 }, "quotaMb", /must be a whole number of at least 1024, got 1500.5/],
  ["a quota given as text", { quotaMb: "2048" }, "quotaMb", /must be a whole number of at least 1024, got '2048'/],
  ["no quota for a limited subtenant", { quotaMb: undefined }, "quotaMb", /required unless unlimitedQuota is true; give a size in MB of at least 1024/],
  ["unlimitedQuota as text", { unlimitedQuota: "no" }, "unlimitedQuota", /must be true or false, got 'no'/],
  ["adopt as text", { adopt: "yes" }, "adopt", /must be true or false/],
  ["a mistyped description", { desciption: "Laptop" }, "desciption", /is not an argument of Subtenant; did you mean 'description'\? Its arguments are: tenantId, tenantName, name/],
  ["a mistyped quota size", { quotaMB: 4096 }, "quotaMB", /did you mean 'quotaMb'\?/],
  ["an argument of the other resource", { roles: ["Portal User"] }, "roles", /is not an argument of Subtenant.* Its arguments are:/],
];

const accountCases: Entry[] = [
  ["an unknown account type", { accountType: "Robot" }, "accountType", /must be one of User, Group, ExternalUser, ExternalGroup; got 'Robot'/],
  ["no account type", { accountType: undefined }, "accountType", /is required \(one of User, Group, ExternalUser, ExternalGroup\)/],
  ["no account name", { accountName: undefined }, "accountName", /is required \(DOMAIN\\name for User and Group/],
  ["an empty account name", { accountName: "" }, "accountName", /must not be empty/],
  ["a user without a domain", { accountName: "alice" }, "accountName", /must be in the Domain\\Name format, e.g. TECH\\william.fox; got 'alice'/],
  ["a user name with a leading space", { accountName: " TECH\\alice" }, "accountName", /must not begin or end with a space/],
  ["a user name with a trailing space", { accountName: "TECH\\alice " }, "accountName", /must not begin or end with a space/],
  ["spaces around the backslash", { accountName: "TECH\\ alice" }, "accountName", /no spaces around the backslash/],
  ["an asterisk in the user name", { accountName: "TECH\\al*ce" }, "accountName", /must not contain any of these characters, which Windows refuses: " \/ \\ \[ \] : ; \| = , \+ \* \? < > \(got 'TECH\\al\*ce', which has '\*'\)/],
  ["a comma in a group name", { accountType: "Group", accountName: "TECH\\ops,eu" }, "accountName", /must not contain any of .* which has ','/],
  ["a colon in the domain", { accountType: "Group", accountName: "TE:CH\\ops" }, "accountName", /the domain of a Group account name must not contain any of .* which has ':'/],
  ["two backslashes", { accountName: "TECH\\ops\\alice" }, "accountName", /Domain\\Name format/],
  ["a control character in a user name", { accountName: "TECH\\al\u0007ice" }, "accountName", /must not contain control characters .* U\+0007/],
  ["a Windows name for an external user", { accountType: "ExternalUser", accountName: "TECH\\alice" }, "accountName", /Username@Suffix format, e.g. william.fox@tech.com/],
  ["an external user without a suffix", { accountType: "ExternalUser", accountName: "alice@" }, "accountName", /Username@Suffix format/],
  ["an external group with a trailing line feed", { accountType: "ExternalGroup", accountName: "Restore desk\n" }, "accountName", /must not contain control characters/],
  ["an external group with a leading space", { accountType: "ExternalGroup", accountName: " Restore desk" }, "accountName", /must not begin or end with a space/],
  ["no roles", { roles: undefined }, "roles", /is required \(a list of role names \(e.g. "Portal User"\) or role UIDs\)/],
  ["an empty role list", { roles: [] }, "roles", /must be a non-empty list of role names or role UIDs/],
  ["roles as one string", { roles: "Portal User" }, "roles", /must be a non-empty list of role names or role UIDs, got 'Portal User'/],
  ["an empty role", { roles: ["Portal User", ""] }, "roles[1]", /must be a role name or UID, got ''/],
  ["a role that is a number", { roles: [5] }, "roles[0]", /must be a role name or UID, got 5/],
  ["allowRestoreAllVms as text", { allowRestoreAllVms: "no" }, "allowRestoreAllVms", /must be true or false, got 'no'/],
  ["a restricted scope without objects", { allowRestoreAllVms: false }, "hierarchyScopeObjects", /required when allowRestoreAllVms is false: list the objects/],
  ["a restricted scope with an empty list", { allowRestoreAllVms: false, hierarchyScopeObjects: [] }, "hierarchyScopeObjects", /must not be empty when allowRestoreAllVms is false/],
  ["a scope given as a name", { hierarchyScopeObjects: "VM01" }, "hierarchyScopeObjects", /must be a list of \{ hierarchyObjRef\?, objectName \}, got 'VM01'/],
  ["a scope item given as a name", { hierarchyScopeObjects: ["VM01"] }, "hierarchyScopeObjects[0]", /must be an object \{ hierarchyObjRef\?, objectName \}, got 'VM01'/],
  ["a scope item without a name", { hierarchyScopeObjects: [{ hierarchyObjRef: "urn:VMware:Vm:x.vm-1" }] }, "hierarchyScopeObjects[0].objectName", /is required \(the object's name, e.g. VM01; EM reports restore scope items by name only\)/],
  ["a mistyped scope member", { hierarchyScopeObjects: [{ objectname: "VM01" }] }, "hierarchyScopeObjects[0].objectname", /is not an argument of hierarchyScopeObjects; did you mean 'objectName'\?/],
  ["FLR settings as a flag", { flrSettings: true }, "flrSettings", /must be an object \{ inplaceOnly, extensionRestrictions\? \}, got true/],
  ["FLR settings without inplaceOnly", { flrSettings: {} }, "flrSettings.inplaceOnly", /is required \(true or false\)/],
  ["in-place-only FLR without extensions", { flrSettings: { inplaceOnly: true } }, "flrSettings.extensionRestrictions", /required when flrSettings.inplaceOnly is true, e.g. "doc,pptx,pdf"/],
  ["FLR extensions as a list", { flrSettings: { inplaceOnly: true, extensionRestrictions: ["doc"] } }, "flrSettings.extensionRestrictions", /must be a string \(a comma-separated list of extensions, e.g. "doc,pdf"\)/],
  ["a non-boolean SQL setting", { sqlSettings: { denyInPlaceRestore: "yes" } }, "sqlSettings.denyInPlaceRestore", /must be true or false, got 'yes'/],
  ["a mistyped role list", { role: ["Portal User"] }, "role", /is not an argument of EnterpriseAccount; did you mean 'roles'\?/],
  ["a mistyped account name", { accountName: undefined, acountName: "TECH\\alice" }, "acountName", /did you mean 'accountName'\?/],
];

async function failuresOf(provider: SubtenantProvider | EnterpriseAccountProvider, news: Record<string, unknown>) {
  const defined = Object.fromEntries(Object.entries(news).filter(([, v]) => v !== undefined));
  return (await provider.check({} as never, defined as never)).failures ?? [];
}

describe("fields: a catalogue of bad inputs, refused by check", () => {
  const subtenants = new SubtenantProvider({ env: {} });
  const accounts = new EnterpriseAccountProvider({ env: {} });

  it("holds at least 40 bad inputs across both resources, and the good declarations pass", async () => {
    expect(subtenantCases.length + accountCases.length).to.be.at.least(40);
    expect(await failuresOf(subtenants, SUBTENANT)).to.deep.equal([]);
    expect(await failuresOf(accounts, ACCOUNT)).to.deep.equal([]);
  });

  const catalogue: Array<[string, SubtenantProvider | EnterpriseAccountProvider, Record<string, unknown>, Entry[]]> = [
    ["Subtenant", subtenants, SUBTENANT, subtenantCases],
    ["EnterpriseAccount", accounts, ACCOUNT, accountCases],
  ];
  for (const [resource, provider, good, cases] of catalogue) {
    for (const [what, change, property, allowed] of cases) {
      it(`${resource}: ${what} → ${property}`, async () => {
        const failures = await failuresOf(provider, { ...good, ...change });
        const failure = failures.find((f) => f.property === property);
        expect(failure, `no failure on ${property}: ${JSON.stringify(failures)}`).to.not.equal(undefined);
        // The message names the field (its path), and says what was wrong and what is allowed.
        expect(failure!.reason).to.contain(property);
        expect(failure!.reason).to.match(allowed);
        // Shown after the property, the reason does not repeat it ("name: name: …").
        expect(`${property}: ${failure!.reason}`).to.not.match(new RegExp(`^${property.replace(/[^\w]/g, "\\$&")}: ${property.replace(/[^\w]/g, "\\$&")}:`));
      });
    }
  }

  it("lets every value that is unknown during a preview pass, nested ones included", async () => {
    const subtenant = Object.fromEntries(Object.keys({ ...SUBTENANT, tenantName: 0, description: 0, enabled: 0, quotaName: 0, unlimitedQuota: 0, adopt: 0 }).map((k) => [k, UNKNOWN]));
    delete subtenant.tenantName;
    expect(await failuresOf(subtenants, subtenant)).to.deep.equal([]);
    const account = {
      accountType: UNKNOWN,
      accountName: UNKNOWN,
      roles: [UNKNOWN, "Portal User"],
      allowRestoreAllVms: false,
      hierarchyScopeObjects: [UNKNOWN, { objectName: UNKNOWN, hierarchyObjRef: UNKNOWN }],
      flrSettings: { inplaceOnly: UNKNOWN, extensionRestrictions: UNKNOWN },
      sqlSettings: UNKNOWN,
      adopt: UNKNOWN,
    };
    expect(await failuresOf(accounts, account)).to.deep.equal([]);
    // The name rule waits for a known account type.
    expect(await failuresOf(accounts, { ...ACCOUNT, accountType: UNKNOWN, accountName: "alice" })).to.deep.equal([]);
  });

  it("refuses Unicode characters in a subtenant name, as Veeam's Add-VBRCloudSubTenant does", async () => {
    expect(await failuresOf(subtenants, { ...SUBTENANT, name: "Müller's laptop" })).to.deep.equal([
      { property: "name", reason: "a subtenant name must not contain Unicode characters (Add-VBRCloudSubTenant); got 'Müller's laptop', which has 'ü'" },
    ]);
  });

  it("accepts the names EM and Windows allow: spaces inside, dots, dashes, apostrophes", async () => {
    for (const name of ["ABC Company User 01", "laptop.01-eu_x", "Muller's laptop", "n".repeat(128)]) expect(await failuresOf(subtenants, { ...SUBTENANT, name }), name).to.deep.equal([]);
    const accountNames: Array<[string, string]> = [
      ["User", "TECH\\william.fox"],
      ["Group", "BUILTIN\\Domain Users"],
      ["User", "SRV02\\Administrator"],
      ["ExternalUser", "william.fox@tech.com"],
      ["ExternalGroup", "Restore desk (EU) / 2nd line"],
    ];
    for (const [type, name] of accountNames) expect(await failuresOf(accounts, { ...ACCOUNT, accountType: type, accountName: name }), name).to.deep.equal([]);
  });
});

describe("fields: bad inputs through the SDK's dynamic-provider plugin", function () {
  this.timeout(20_000);
  const stack = useStack("xml");

  const refused: Array<[string, () => [string, string, Record<string, unknown>], string, RegExp]> = [
    ["a subtenant name with a trailing space", () => [subtenantType(stack), "finance", subtenantArgs(stack, { name: "sub-finance " })], "name", /must not begin or end with a space/],
    ["a mistyped subtenant argument", () => [subtenantType(stack), "finance", subtenantArgs(stack, { desciption: "x" })], "desciption", /did you mean 'description'\?/],
    ["a subtenant name with a forbidden character", () => [subtenantType(stack), "finance", subtenantArgs(stack, { name: "sub|finance" })], "name", /must not contain any of .* which has '\|'/],
    ["an account name with a forbidden character", () => [accountType(stack), "alice", accountArgs(stack, { accountName: "TECH\\ali?e" })], "accountName", /which has '\?'/],
    ["a mistyped account argument", () => [accountType(stack), "alice", accountArgs(stack, { allowRestoreAllVm: false })], "allowRestoreAllVm", /did you mean 'allowRestoreAllVms'\?/],
  ];
  for (const [what, args, property, allowed] of refused) {
    it(`Check refuses ${what}, and EM receives nothing`, async () => {
      const [type, name, inputs] = args();
      const err = await stack.engine.register(type, name, inputs).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(CheckFailedError);
      const failure = (err as CheckFailedError).failures.find((f) => f.property === property);
      expect(failure?.reason).to.contain(property).and.to.match(allowed);
      expect(requestsSince(stack)).to.deep.equal([]);
    });
  }

  it("a preview with unknown values (the engine's sentinel) passes Check", async () => {
    const preview = await stack.engine.preview(subtenantType(stack), "finance", subtenantArgs(stack, { name: UNKNOWN, tenantName: UNKNOWN, quotaMb: UNKNOWN }));
    expect(preview).to.deep.include({ op: "create", failures: [] });
  });
});
