/**
 * A preview that tells the truth: what only EM can answer (a tenant, quota resource or role EM does not have, a
 * name taken by an object the stack does not manage) fails `pulumi preview` for the plain resources, naming the
 * field, through the SDK's dynamic-provider plugin. Values a preview does not know yet are not asked about, and
 * an unchanged stack asks EM nothing.
 */
import { expect } from "chai";
import { UNKNOWN } from "../../provider/resources/validation";
import { accountArgs, accountType, requestsSince, ROLE, subtenantArgs, subtenantType, TENANT, useStack } from "./support";

describe("engine protocol: preview asks EM what only EM knows", function () {
  this.timeout(20_000);
  const stack = useStack("xml");
  const reasonFor = (failures: Array<{ property: string; reason: string }>, property: string) => failures.find((f) => f.property === property)?.reason;

  // First in this plugin process: the run's list of the tenant's subtenants is made here, with the object in it.
  it("Subtenant: a name another owner holds fails on name, unless adopt is set; the stack's own object passes", async () => {
    const theirs = "0d7f1c3e-5b8a-4c1e-9a77-2f2e0c1d9b10";
    stack.em.store.state.subtenants.push({
      id: theirs,
      tenantId: TENANT.id,
      name: "sub-finance",
      description: "made by hand",
      password: "their-password",
      enabled: true,
      quota: { unlimited: false, displayName: "sub-finance", tenantResourceId: TENANT.resourceId, quotaMb: 1024, usedQuotaMb: 0, quotaId: "7e1b9c4d-2a3f-4e5d-8c6b-1a2b3c4d5e6f" },
    });
    const { failures } = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { name: "sub-finance" }));
    expect(reasonFor(failures, "name")).to.equal(
      `Tenant 'ABC Company' already has a subtenant named 'sub-finance' (id ${theirs}), which this stack does not manage. Set adopt: true to take it over (dynamic providers cannot use 'pulumi import'), or choose another name.`,
    );
    // A name EM may count as the same (its database may ignore case) is never taken over: the field says so.
    const cased = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { name: "SUB-finance" }));
    expect(reasonFor(cased.failures, "name")).to.match(/EM has a subtenant of tenant .* named 'sub-finance', which EM may count as the same name as 'SUB-finance'/);
    expect((await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { adopt: true }))).failures).to.deep.equal([]);
    // Once adopted, the same declaration is no change and asks EM nothing.
    const adopted = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { adopt: true, description: "made by hand", quotaMb: 1024 }));
    expect(adopted.state.id).to.equal(theirs);
    const mark = stack.em.requests.length;
    const own = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { adopt: true, description: "made by hand", quotaMb: 1024 }));
    expect(own.failures).to.deep.equal([]);
    expect(own.op).to.equal("same");
    expect(stack.em.requests.slice(mark)).to.deep.equal([]);
  });

  it("Subtenant: a name the run's list shows taken but EM has since freed passes", async () => {
    // EM was put back to its seed: the list made by the test before still names 'sub-finance'.
    const { failures } = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack));
    expect(failures).to.deep.equal([]);
  });

  it("Subtenant: an unknown tenant fails the preview on tenantName, listing EM's tenants", async () => {
    const { failures } = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { tenantName: "ABC Compnay" }));
    expect(reasonFor(failures, "tenantName")).to.equal("EM has no cloud tenant named 'ABC Compnay' (did you mean 'ABC Company'?); its tenants are: 'ABC Company', 'tech\\john.smith', 'tech\\william.fox', 'vCDOrg1'");
  });

  it("Subtenant: a tenant id EM does not have fails on tenantId", async () => {
    const { failures } = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { tenantName: undefined, tenantId: "00000000-0000-4000-8000-000000000001" }));
    expect(reasonFor(failures, "tenantId")).to.match(/^EM has no cloud tenant with id 00000000-0000-4000-8000-000000000001; its tenants are: 'ABC Company', /);
  });

  it("Subtenant: a quota resource of another tenant, and a quota above the resource's, fail on their fields", async () => {
    const wrong = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { tenantResourceId: "9a9a9a9a-0000-4000-8000-000000000002" }));
    expect(reasonFor(wrong.failures, "tenantResourceId")).to.include(`Tenant 'ABC Company' has no quota resource with id 9a9a9a9a-0000-4000-8000-000000000002; its quota resources are: `).and.include(TENANT.resourceId);
    const big = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { quotaMb: 204800 }));
    expect(reasonFor(big.failures, "quotaMb")).to.match(/^quota of 204800 MB is more than tenant 'ABC Company' has on quota resource '.*' \(102400 MB\)$/);
  });

  it("Subtenant: values a preview does not know yet are not asked about", async () => {
    const { failures } = await stack.engine.preview(subtenantType(stack), "fin", subtenantArgs(stack, { tenantName: UNKNOWN, tenantResourceId: UNKNOWN }));
    expect(failures).to.deep.equal([]);
    expect(requestsSince(stack).filter((r) => r.method === "GET")).to.deep.equal([]);
  });

  it("EnterpriseAccount: an unknown role fails on its place in roles, listing EM's roles", async () => {
    const { failures } = await stack.engine.preview(accountType(stack), "alice", accountArgs(stack, { roles: [ROLE.portalUser.name, "Portal Usr"] }));
    expect(failures.map((f) => f.property)).to.deep.equal(["roles[1]"]);
    expect(reasonFor(failures, "roles[1]")).to.match(/^EM has no role 'Portal Usr' \(did you mean 'Portal User'\?\); its roles are: .*'Portal User'/);
  });

  it("EnterpriseAccount: a name EM already has fails on accountName unless adopt is set", async () => {
    const { failures } = await stack.engine.preview(accountType(stack), "admins", accountArgs(stack, { accountType: "Group", accountName: "builtin\\administrators" }));
    expect(reasonFor(failures, "accountName")).to.match(/^EM already has an account named 'BUILTIN\\Administrators' \(id [0-9a-f-]+\), which this stack does not manage\. Set adopt: true/);
    const adopting = await stack.engine.preview(accountType(stack), "admins", accountArgs(stack, { accountType: "Group", accountName: "builtin\\administrators", adopt: true }));
    expect(adopting.failures).to.deep.equal([]);
  });

});

describe("engine protocol: what the preview's checks cost an up", function () {
  this.timeout(20_000);
  const stack = useStack("xml");

  it("one list of the tenant's subtenants per run, not a request per object", async () => {
    for (const name of ["a-1", "a-2", "a-3"]) await stack.engine.register(subtenantType(stack), name, subtenantArgs(stack, { name }));
    const lists = requestsSince(stack).filter((r) => r.method === "GET" && /CloudTenantUid/.test(decodeURIComponent(r.url)));
    // The create's own look-up of the new id (by name) aside.
    expect(lists.filter((r) => !decodeURIComponent(r.url).includes('Name=="'))).to.have.length(1);
    expect(stack.em.store.state.subtenants.map((s) => s.name).sort()).to.deep.equal(["a-1", "a-2", "a-3"]);
  });
});
