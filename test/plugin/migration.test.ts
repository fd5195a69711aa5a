/**
 * Moving a stack from the dynamic resources to the veeam-em plugin: the state the SDK's dynamic-provider plugin
 * wrote, carried over under the new type (an alias), is read and diffed by the plugin with no replacement, no
 * change and no request that changes EM.
 */
import { expect } from "chai";
import { PACKAGE_ROOT } from "../../tools/engine/harness";
import { NativeEngine, type NativeState } from "../../tools/engine/native-engine";
import { NativePlugin } from "../../tools/engine/native-plugin";
import type { ResourceState } from "../../tools/engine/engine";
import { secret, wrapSecrets } from "../../tools/engine/secrets";
import { startEmulator } from "../../emulator/server";
import { accountArgs, EM_ADMIN_PASSWORD, ROLE, subtenantArgs, SUBTENANT_PASSWORD, TENANT, useStack } from "../engine/support";

/** The state of a dynamic resource as it would be under the plugin's type: secrets marked as the engine keeps them. */
function carriedOver(engine: NativeEngine, s: ResourceState, kind: string): NativeState {
  return { urn: engine.urn(`veeam-em:index:${kind}`, s.name), type: `veeam-em:index:${kind}`, name: s.name, id: s.id, inputs: wrapSecrets(s.inputs, s.secretKeys), outputs: wrapSecrets(s.outputs, s.secretKeys) };
}

const TENANT_PASSWORD = "Ten4nt-P4ss-S3cret-6120";

for (const format of ["xml", "json"] as const) {
  describe(`moving a stack from the dynamic resources to the veeam-em plugin (${format.toUpperCase()})`, function () {
    this.timeout(30_000);
    const stack = useStack(format);
    let plugin: NativePlugin;
    const config = () => ({ url: stack.em.url, username: "admin", password: secret(EM_ADMIN_PASSWORD), format });

    before(async function () {
      this.timeout(30_000);
      plugin = await NativePlugin.start({ cwd: PACKAGE_ROOT });
      await plugin.configure(config());
    });
    after(async () => plugin?.stop());

    it("the provider change is no replacement: DiffConfig from the dynamic provider's (empty) config reports none", async () => {
      const diff = await plugin.diffConfig({}, config());
      expect(diff.replaces).to.deep.equal([]);
      expect(diff.changes).to.equal("some");
      const same = await plugin.diffConfig(config(), config());
      expect(same.changes).to.equal("none");
      // Another url is a new address of the same EM: an update of the provider, never a replacement.
      const moved = await plugin.diffConfig(config(), { ...config(), url: "https://em-new.example.com:9398/api/" });
      expect(moved).to.deep.include({ changes: "some", replaces: [] });
    });

    it("Subtenant, EnterpriseAccount (with a per-resource connection) and CloudTenant made by the dynamic resources: no change, no replace, no write; refresh keeps them", async () => {
      const { types } = stack.texts;
      const sub = await stack.engine.register(types.Subtenant, "sub", subtenantArgs(stack));
      const connection = secret({ url: stack.em.url, username: "admin", password: EM_ADMIN_PASSWORD, format });
      const acc = await stack.engine.register(types.EnterpriseAccount, "acc", accountArgs(stack, { connection }));
      const tenantInputs = { name: "Moved Co", password: secret(TENANT_PASSWORD), backupServer: "172.24.31.67", backupResources: [{ repository: "Silver Repository", quotaMb: 4096, name: "Moved quota" }] };
      const ten = await stack.engine.register(types.CloudTenant, "ten", { __provider: stack.texts.CloudTenant, ...tenantInputs }, { additionalSecretOutputs: ["password"] });
      const mark = stack.em.requests.length;

      const engine = new NativeEngine(plugin, stack.engine.project, stack.engine.stack);
      const moved = [carriedOver(engine, sub.state, "Subtenant"), carriedOver(engine, acc.state, "EnterpriseAccount"), carriedOver(engine, ten.state, "CloudTenant")];
      for (const s of moved) engine.put(s);

      // The program now declares them through the plugin: the same arguments, without __provider or connection.
      const programs: Array<[string, string, Record<string, unknown>]> = [
        ["Subtenant", "sub", { tenantName: TENANT.name, name: "sub-finance", password: secret(SUBTENANT_PASSWORD), description: "Finance backups", tenantResourceId: TENANT.resourceId, quotaMb: 2048 }],
        ["EnterpriseAccount", "acc", { accountType: "User", accountName: "TECH\\alice", roles: [ROLE.portalUser.name] }],
        ["CloudTenant", "ten", tenantInputs],
      ];
      for (const [kind, name, inputs] of programs) {
        const result = await engine.up(`veeam-em:index:${kind}`, name, inputs);
        expect(result.op, kind).to.equal("same");
        expect(result.diff!.replaces, kind).to.deep.equal([]);
      }
      for (const s of moved) {
        const refreshed = await engine.refresh(s.urn);
        expect(refreshed.op).to.equal("refreshed");
        expect(refreshed.state!.id).to.equal(s.id);
      }
      // After the refresh, another up is still no change.
      for (const [kind, name, inputs] of programs) expect((await engine.up(`veeam-em:index:${kind}`, name, inputs)).op, kind).to.equal("same");
      expect(stack.em.requests.slice(mark).filter((r) => r.method !== "GET" && !/sessionMngr/i.test(r.url))).to.deep.equal([]);
    });
  });
}

describe("veeam-em plugin: provider configuration and deadlines", function () {
  this.timeout(30_000);
  let plugin: NativePlugin;
  before(async () => {
    plugin = await NativePlugin.start({ cwd: PACKAGE_ROOT });
  });
  after(async () => plugin?.stop());

  it("CheckConfig names a malformed setting and lets missing ones pass (a preview needs no EM)", async () => {
    const bad = await plugin.checkConfig({ url: "https://em.example.com:9398/api/", username: "admin", password: secret("x"), format: "yaml" });
    expect(bad.failures.map((f) => f.property)).to.deep.equal(["format"]);
    expect(bad.failures[0].reason).to.match(/format must be xml or json, got 'yaml'/);
    expect((await plugin.checkConfig({})).failures).to.deep.equal([]);
    const secs = await plugin.checkConfig({ url: "https://em.example.com:9398/api/", username: "admin", password: secret("x"), taskTimeoutSeconds: 0 });
    expect(secs.failures.map((f) => f.property)).to.deep.equal(["taskTimeoutSeconds"]);
  });

  it("a step that runs past the engine's timeout fails as not known (never as done) and records nothing: the message sends the user to refresh", async () => {
    const em = await startEmulator({ port: 0, taskDurationMs: 5_000, adminPassword: EM_ADMIN_PASSWORD });
    try {
      await plugin.configure({ url: em.url, username: "admin", password: secret(EM_ADMIN_PASSWORD) });
      const engine = new NativeEngine(plugin);
      let error: Error | undefined;
      const inputs = { tenantName: TENANT.name, name: "slow", password: secret(SUBTENANT_PASSWORD), tenantResourceId: TENANT.resourceId, quotaMb: 2048 };
      await engine.up("veeam-em:index:Subtenant", "slow", inputs, 0.2).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/Creating Subtenant did not finish within 0.2 s .*run 'pulumi refresh'/);
      expect(engine.get(engine.urn("veeam-em:index:Subtenant", "slow"))).to.equal(undefined);
    } finally {
      await em.stop();
    }
  });
});
