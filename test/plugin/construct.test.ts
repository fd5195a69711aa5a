/**
 * Construct of veeam-em:index:TenantOnboarding over gRPC, as the engine calls it for a Python / C# / Go / YAML
 * program: the plugin runs the component against a fake resource monitor (loopback) that records what it
 * registers. The children must be the plugin's own resources, parented to the component, with EM's ids found by
 * the look-ups (through the plugin's provider instance) and every password secret.
 */
import { expect } from "chai";
import { FakeResourceMonitor, type Registration } from "../../tools/engine/native-monitor";
import { isSecret } from "../../tools/engine/secrets";
import { ROLE, TENANT, leakedSecrets } from "../engine/support";
import { native, expectRejection, useNativeStack, writesSince } from "./support";

const PROJECT = "construct-test";
const STACK = "dev";
const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
const PROVIDER_REF = `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:veeam-em::site1::0f6c5a7e-4b1c-4f3e-9a55-3f1c2f0d9e11`;
const PASSWORDS = { tenant: "Acme-T3nant-Pa55-8812", laptops: "Lap-Pa55-C0nstr-5531", hr: "Hr-Pa55-C0nstr-2207" };

const DATA = {
  tenants: [
    {
      name: "Acme Corp",
      backupServer: "172.24.31.67",
      backupResources: [{ name: "Acme primary", repository: "Silver Repository", quotaMb: 40960 }],
      subtenants: [{ name: "acme-laptops", quotaMb: 10240, quotaResource: "Acme primary" }],
    },
    { name: TENANT.name, subtenants: [{ name: "abc-hr", quotaMb: 2048 }], accounts: [{ type: "User", name: "TECH\\hr-admin", roles: [ROLE.portalUser.name] }] },
  ],
};
const CONFIG = {
  [`${PROJECT}:tenantPasswords`]: JSON.stringify({ "Acme Corp": PASSWORDS.tenant }),
  [`${PROJECT}:subtenantPasswords`]: JSON.stringify({ "Acme Corp": { "acme-laptops": PASSWORDS.laptops }, [TENANT.name]: { "abc-hr": PASSWORDS.hr } }),
};

describe("veeam-em plugin: Construct of TenantOnboarding against a fake resource monitor", function () {
  this.timeout(30_000);
  const stack = useNativeStack("json");
  let monitor: FakeResourceMonitor;
  beforeEach(async () => {
    // A created tenant's backup resources get ids; the fake answers them the way the plugin's Create would.
    monitor = await FakeResourceMonitor.start({
      project: PROJECT,
      stack: STACK,
      outputsOf: (r: Registration) => (r.type === native("CloudTenant") ? { tenantId: "acme-id", backupResources: (r.inputs.backupResources as object[]).map((b) => ({ ...b, id: "acme-primary-id", usedQuotaMb: 0 })) } : {}),
    });
  });
  afterEach(() => monitor.stop());

  const call = (inputs: Record<string, unknown>, config: Record<string, string> = CONFIG) =>
    stack.plugin.construct({
      project: PROJECT,
      stack: STACK,
      monitor: monitor.address,
      type: native("TenantOnboarding"),
      name: "onboarding",
      parent: STACK_URN,
      inputs,
      config,
      secretConfigKeys: Object.keys(config),
      providers: { "veeam-em": PROVIDER_REF },
    });

  it("registers the component and the plugin's own resources as its children, with EM's ids and secret passwords", async () => {
    const result = await call({ data: JSON.stringify(DATA) });

    const [component] = monitor.ofType(native("TenantOnboarding"));
    expect(component, "the component").to.include({ name: "onboarding", custom: false, parent: STACK_URN });
    expect(result.urn).to.equal(component.urn);
    // Only the plugin's resources: nothing dynamic, nothing outside the component.
    expect(monitor.registrations.map((r) => r.type).sort()).to.deep.equal([native("CloudTenant"), native("EnterpriseAccount"), native("Subtenant"), native("Subtenant"), native("TenantOnboarding")]);
    for (const child of monitor.registrations.filter((r) => r.custom)) {
      expect(child.parent, child.name).to.equal(component.urn);
      // The children inherit the component's explicit provider: the provider instance is their EM.
      expect(child.provider, child.name).to.equal(PROVIDER_REF);
      expect(child.inputs, child.name).to.not.have.property("connection");
    }

    const tenant = monitor.ofType(native("CloudTenant"))[0];
    expect(tenant.inputs).to.deep.include({ name: "Acme Corp", backupServer: "172.24.31.67" });
    expect(isSecret(tenant.inputs.password)).to.equal(true);

    const subs = Object.fromEntries(monitor.ofType(native("Subtenant")).map((r) => [r.inputs.name as string, r.inputs]));
    // An existing tenant's ids come from EM through the plugin's look-ups; a declared tenant's from its outputs.
    expect(subs["abc-hr"]).to.include({ tenantId: TENANT.id, tenantResourceId: TENANT.resourceId, quotaMb: 2048, unlimitedQuota: false });
    expect(subs["acme-laptops"]).to.include({ tenantId: "acme-id", tenantResourceId: "acme-primary-id", quotaMb: 10240 });
    for (const sub of Object.values(subs)) expect(isSecret(sub.password)).to.equal(true);

    const account = monitor.ofType(native("EnterpriseAccount"))[0];
    expect(account.inputs).to.deep.include({ accountType: "User", accountName: "TECH\\hr-admin", roles: [`urn:veeam:EnterpriseRole:${ROLE.portalUser.id}`] });

    // The component's outputs are the ones the schema lists.
    const schema = JSON.parse(await stack.plugin.getSchema());
    expect(Object.keys(result.state)).to.have.members(Object.keys(schema.resources[native("TenantOnboarding")].properties));
    // The component's outputs: its summary, with the children's outputs, and the component's own registration.
    const tenants = result.state.tenants as Record<string, { tenantId: string; declared: boolean; subtenants: Record<string, unknown> }>;
    expect(tenants[TENANT.name]).to.include({ tenantId: TENANT.id, declared: false });
    expect(tenants["Acme Corp"]).to.include({ tenantId: "acme-id", declared: true });
    expect(Object.keys(tenants[TENANT.name].subtenants)).to.deep.equal(["abc-hr"]);
    expect(monitor.componentOutputs.get(component.urn)).to.have.property("tenants");

    // Construct creates nothing in EM itself (the engine then creates each child through Create), and no
    // password appears outside a secret marker.
    expect(writesSince(stack)).to.deep.equal([]);
    const plainText = JSON.stringify(monitor.registrations.map((r) => ({ ...r, inputs: { ...r.inputs, password: undefined } }))) + JSON.stringify(result) + stack.plugin.output();
    expect(leakedSecrets(plainText, Object.values(PASSWORDS))).to.deep.equal([]);
  });

  it("fails with the data file's problems, registering no child: an unknown tenant, a missing password, a foreign argument", async () => {
    const unknownTenant = { tenants: [{ name: "No Such Tenant", subtenants: [{ name: "x", quotaMb: 1024 }] }] };
    await expectRejection(call({ data: JSON.stringify(unknownTenant) }, { [`${PROJECT}:subtenantPasswords`]: JSON.stringify({ "No Such Tenant": { x: "X-Pa55-0001" } }) }), /tenants\[0\]\.name.*No Such Tenant/s);
    await expectRejection(call({ data: JSON.stringify(DATA) }, {}), /missing tenant and subtenant passwords in stack config/);
    await expectRejection(call({ data: JSON.stringify(DATA), connection: { url: "https://em2.example.com:9398/api/" } }), /connection is not an argument of the plugin's component/);
    expect(monitor.registrations.filter((r) => r.custom)).to.deep.equal([]);
  });
});
