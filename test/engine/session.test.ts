import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../provider/resources/shim";
import { CheckFailedError, type ResourceState } from "../../tools/engine/engine";
import { PluginCallError } from "../../tools/engine/plugin";
import { MASK, secret } from "../../tools/engine/secrets";
import { accountArgs, accountType, EM_ADMIN_PASSWORD, leakedSecrets, logons, ROLE, SUBTENANT_PASSWORD, SUBTENANT_PASSWORD_2, subtenantArgs, subtenantType, useStack } from "./support";

/** Every place a value of `state` holds a secret under a key that is not secret-marked. */
function secretsOutsideSecretKeys(states: ResourceState[]): string[] {
  const found: string[] = [];
  for (const s of states) {
    for (const [where, bag] of [["inputs", s.inputs], ["outputs", s.outputs]] as const) {
      for (const [key, value] of Object.entries(bag)) {
        if (s.secretKeys.includes(key)) continue;
        for (const leaked of leakedSecrets(JSON.stringify(value))) found.push(`${s.name}.${where}.${key} holds ${leaked}`);
      }
    }
  }
  return found;
}

describe("engine protocol: configuration, sessions and secrets", function () {
  this.timeout(20_000);
  const stack = useStack("xml");

  it("__provider is the SDK's own serialization of the shim: under 2 KB, with no URL, user name or password", async () => {
    for (const kind of ["Subtenant", "EnterpriseAccount", "CloudTenant"] as const) {
      const text = stack.texts[kind];
      expect(Buffer.byteLength(text), kind).to.be.below(2048);
      for (const forbidden of [EM_ADMIN_PASSWORD, SUBTENANT_PASSWORD, stack.em.url, "127.0.0.1", "http", "admin", "password"]) {
        expect(text, `${kind} __provider contains '${forbidden}'`).to.not.include(forbidden);
      }
      // Named as in the resource modules, since the serializer records the captured variable's name.
      const provider = providerShim(kind);
      const direct = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      expect(direct.containsSecrets).to.equal(false);
      expect(direct.text, "what the class registers is what the serializer makes of the shim").to.equal(text);
    }
    expect(stack.texts.types).to.deep.equal({
      Subtenant: "pulumi-nodejs:dynamic/veeam-em:Subtenant",
      EnterpriseAccount: "pulumi-nodejs:dynamic/veeam-em:EnterpriseAccount",
      CloudTenant: "pulumi-nodejs:dynamic/veeam-em:CloudTenant",
    });
  });

  it("Configure answers acceptSecrets=false, and the provider logs on with the stack config alone (no VEEAM_EM_* in its environment)", async () => {
    expect(stack.harness.configured).to.deep.equal({ acceptSecrets: false, supportsPreview: false });
    const { state } = await stack.engine.register(accountType(stack), "alice", accountArgs(stack));
    expect(state.id).to.match(/^[0-9a-f-]{36}$/);
  });

  it("one logon serves every resource of both kinds for the whole plugin process; secrets stay under secret keys", async () => {
    const engine = stack.engine;
    const subs = [];
    for (const name of ["finance", "engineering", "archive"]) {
      subs.push(await engine.register(subtenantType(stack), name, subtenantArgs(stack, { name: `sub-${name}` })));
    }
    const accounts = await Promise.all([
      engine.register(accountType(stack), "alice", accountArgs(stack)),
      engine.register(accountType(stack), "bob", accountArgs(stack, { accountName: "TECH\\bob", roles: [ROLE.restoreOperator.name] })),
    ]);
    await engine.register(subtenantType(stack), "finance", subtenantArgs(stack, { name: "sub-finance", password: secret(SUBTENANT_PASSWORD_2) }));
    for (const s of [...subs, ...accounts]) await engine.refresh(s.state.urn);

    // A quota beyond the tenant's is refused by the preview's look-up in EM; the failure must not carry a password.
    const beyond = await engine.register(subtenantType(stack), "huge", subtenantArgs(stack, { name: "sub-huge", quotaMb: 10_000_000 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(beyond).to.be.instanceOf(CheckFailedError);
    expect(leakedSecrets((beyond as Error).message)).to.deep.equal([]);
    // A create EM refuses: its task fails; the error must not carry a password either.
    stack.em.faults.update({ taskFailureRate: 1, onlyMethods: ["POST"] });
    const refused = await engine.register(subtenantType(stack), "huge", subtenantArgs(stack, { name: "sub-huge" })).then(
      () => undefined,
      (e: unknown) => e,
    );
    stack.em.faults.reset();
    expect(refused).to.be.instanceOf(PluginCallError);
    expect(leakedSecrets((refused as Error).message)).to.deep.equal([]);

    await engine.destroy(subs[2].state.urn);
    await engine.destroy(accounts[1].state.urn);

    const raw = engine.rawView();
    expect(raw.map((s) => s.name).sort()).to.deep.equal(["alice", "engineering", "finance"]);
    const finance = raw.find((s) => s.name === "finance")!;
    expect(finance.secretKeys).to.deep.equal(["password"]);
    expect(finance.outputs.password, "the provider echoes the password, so it must come back secret-marked").to.equal(SUBTENANT_PASSWORD_2);
    expect(secretsOutsideSecretKeys(raw)).to.deep.equal([]);

    const dump = engine.plainTextDump();
    expect(leakedSecrets(dump)).to.deep.equal([]);
    expect(JSON.parse(dump).find((s: { urn: string }) => s.urn === finance.urn).outputs.password).to.equal(MASK);

    expect(leakedSecrets(stack.harness.plugin.output()), "the plugin's stdout and stderr").to.deep.equal([]);
    expect(stack.harness.plugin.output()).to.include("Logged on to EM as admin");
    expect(logons(stack.em.requests)).to.have.length(1);
  });
});
