import { expect } from "chai";
import { CheckFailedError } from "../../tools/engine/engine";
import { PluginCallError } from "../../tools/engine/plugin";
import { secret, UNKNOWN } from "../../tools/engine/secrets";
import { mutations, requestsSince, SUBTENANT_PASSWORD, SUBTENANT_PASSWORD_2, subtenantArgs, subtenantType, TENANT, useStack, type Stack } from "./support";

const rpcs = (stack: Stack) => stack.engine.rpcs.map((r) => r.rpc);
const inEm = (stack: Stack, id: string) => stack.em.store.state.subtenants.find((s) => s.id === id);

describe("engine protocol: Subtenant through the SDK's plugin (XML)", function () {
  this.timeout(20_000);
  const stack = useStack("xml");

  async function up(overrides: Record<string, unknown> = {}, name = "finance") {
    return stack.engine.register(subtenantType(stack), name, subtenantArgs(stack, overrides));
  }

  it("first up: Check then Create; the outputs hold EM's ids and every declared field", async () => {
    const { op, state } = await up();
    expect(op).to.equal("create");
    expect(rpcs(stack)).to.deep.equal(["Check", "Create"]);
    const em = inEm(stack, state.id);
    expect(em, "the subtenant exists in EM").to.not.equal(undefined);
    expect(em!.password).to.equal(SUBTENANT_PASSWORD);
    expect(state.outputs).to.include({
      subtenantId: state.id,
      tenantId: TENANT.id,
      tenantName: TENANT.name,
      name: "sub-finance",
      description: "Finance backups",
      enabled: true,
      tenantResourceId: TENANT.resourceId,
      unlimitedQuota: false,
      quotaMb: 2048,
      usedQuotaMb: 0,
      password: SUBTENANT_PASSWORD,
    });
    expect(state.outputs.quotaId).to.be.a("string").and.not.equal("");
    expect(state.outputs.quotaName).to.be.a("string");
    expect(state.outputs.__provider).to.equal(stack.texts.Subtenant);
    expect(state.secretKeys).to.deep.equal(["password"]);
    // The logon (once per plugin process) is asserted in session.test.ts.
    expect(mutations(requestsSince(stack)).filter((r) => !r.url.startsWith("/api/sessionMngr/")).map((r) => `${r.method} ${r.url}`)).to.deep.equal([
      `POST /api/cloud/tenants/${TENANT.id}/subtenants`,
    ]);
  });

  it("second up without a change: Diff answers DIFF_NONE and EM receives no request at all", async () => {
    const first = await up();
    stack.mark = stack.em.requests.length;
    const second = await up();
    expect(second.op).to.equal("same");
    expect(second.diff?.changes).to.equal("none");
    expect(second.state.outputs).to.deep.equal(first.state.outputs);
    expect(rpcs(stack)).to.deep.equal(["Check", "Create", "Check", "Diff"]);
    expect(requestsSince(stack)).to.deep.equal([]);
  });

  it("editable changes (description, quotaMb, enabled, password) update in place and keep every output", async () => {
    const first = await up();
    const second = await up({ description: "Finance, 4 GB", quotaMb: 4096, enabled: false, password: secret(SUBTENANT_PASSWORD_2) });
    expect(second.op).to.equal("update");
    expect(second.diff).to.include({ changes: "some", deleteBeforeReplace: false });
    expect(second.diff?.replaces).to.deep.equal([]);
    expect(second.state.id).to.equal(first.state.id);
    expect(Object.keys(second.state.outputs).sort()).to.deep.equal(Object.keys(first.state.outputs).sort());
    expect(second.state.outputs).to.include({ subtenantId: first.state.id, description: "Finance, 4 GB", quotaMb: 4096, enabled: false, password: SUBTENANT_PASSWORD_2, quotaId: first.state.outputs.quotaId });
    const em = inEm(stack, first.state.id)!;
    expect(em).to.deep.include({ description: "Finance, 4 GB", enabled: false, password: SUBTENANT_PASSWORD_2 });
    expect(em.quota.quotaMb).to.equal(4096);
    expect(mutations(requestsSince(stack)).filter((r) => r.method === "PUT")).to.have.length(1);
  });

  it("a new name replaces the subtenant: the new one is created before the old one is deleted", async () => {
    const first = await up();
    const second = await up({ name: "sub-finance-eu" });
    expect(second.op).to.equal("replace");
    expect(second.diff?.replaces).to.deep.equal(["name"]);
    expect(rpcs(stack)).to.deep.equal(["Check", "Create", "Check", "Diff", "Create", "Delete"]);
    expect(second.state.id).to.not.equal(first.state.id);
    expect(inEm(stack, first.state.id)).to.equal(undefined);
    expect(inEm(stack, second.state.id)?.name).to.equal("sub-finance-eu");
    expect(second.state.outputs).to.include({ subtenantId: second.state.id, name: "sub-finance-eu" });
  });

  it("a name that differs only in case is no change (EM compares names without case and may report its own case)", async () => {
    const first = await up();
    const second = await up({ name: "SUB-finance" });
    expect(second.op).to.equal("same");
    expect(second.state!.id).to.equal(first.state.id);
    expect(stack.em.store.state.subtenants.filter((s) => s.tenantId === TENANT.id && s.name.toLowerCase() === "sub-finance")).to.have.length(1);
  });

  it("refresh after an out-of-band edit shows EM's values in outputs and inputs; the program's inputs then diff as drift", async () => {
    const { state } = await up();
    const em = inEm(stack, state.id)!;
    em.description = "edited in the EM console";
    em.quota.quotaMb = 3072;
    em.enabled = false;

    const refreshed = await stack.engine.refresh(state.urn);
    expect(refreshed.op).to.equal("refreshed");
    expect(refreshed.state!.id).to.equal(state.id);
    expect(refreshed.state!.outputs).to.include({ description: "edited in the EM console", quotaMb: 3072, enabled: false, subtenantId: state.id });
    expect(refreshed.state!.inputs).to.include({ description: "edited in the EM console", quotaMb: 3072, enabled: false });
    expect(refreshed.state!.inputs.__provider).to.equal(stack.texts.Subtenant);

    const preview = await stack.engine.preview(subtenantType(stack), "finance", subtenantArgs(stack));
    expect(preview.op).to.equal("update");
    expect(preview.diff?.changes).to.equal("some");

    const healed = await up();
    expect(healed.op).to.equal("update");
    expect(inEm(stack, state.id)).to.deep.include({ description: "Finance backups", enabled: true });
    expect(inEm(stack, state.id)!.quota.quotaMb).to.equal(2048);
  });

  it("refresh after an out-of-band delete returns an empty id, and the engine drops the resource", async () => {
    const { state } = await up();
    stack.em.store.state.subtenants = stack.em.store.state.subtenants.filter((s) => s.id !== state.id);
    const refreshed = await stack.engine.refresh(state.urn);
    expect(refreshed.op).to.equal("dropped");
    expect(stack.engine.get(state.urn)).to.equal(undefined);
    // The next up creates it again.
    const again = await up();
    expect(again.op).to.equal("create");
  });

  it("destroy sends Delete and the subtenant is gone from EM", async () => {
    const { state } = await up();
    await stack.engine.destroy(state.urn);
    expect(rpcs(stack)).to.deep.equal(["Check", "Create", "Delete"]);
    expect(inEm(stack, state.id)).to.equal(undefined);
    expect(mutations(requestsSince(stack)).filter((r) => r.method === "DELETE").map((r) => r.url)).to.deep.equal([`/api/cloud/tenants/${TENANT.id}/subtenants/${state.id}`]);
  });

  describe("adoption", () => {
    function preCreate(stack: Stack) {
      const id = "0d7f1c3e-5b8a-4c1e-9a77-2f2e0c1d9b10";
      stack.em.store.state.subtenants.push({
        id,
        tenantId: TENANT.id,
        name: "sub-finance",
        description: "made by hand",
        password: "old-password",
        enabled: true,
        quota: { unlimited: false, displayName: "sub-finance", tenantResourceId: TENANT.resourceId, quotaMb: 1024, usedQuotaMb: 10, quotaId: "7e1b9c4d-2a3f-4e5d-8c6b-1a2b3c4d5e6f" },
      });
      return id;
    }

    it("with adopt: true, Create takes over the existing subtenant (same id) and makes it match the declaration but for the password, which EM keeps", async () => {
      const id = preCreate(stack);
      const { op, state } = await up({ adopt: true });
      expect(op).to.equal("create");
      expect(state.id).to.equal(id);
      expect(stack.em.store.state.subtenants.filter((s) => s.name === "sub-finance")).to.have.length(1);
      expect(inEm(stack, id)).to.deep.include({ description: "Finance backups", password: "old-password" });
      expect(inEm(stack, id)!.quota.quotaMb).to.equal(2048);
      expect(mutations(requestsSince(stack)).some((r) => r.method === "POST" && r.url.endsWith("/subtenants"))).to.equal(false);
      // The declared password is the baseline from now on: the next run with it sends nothing.
      const again = await up({ adopt: true });
      expect(again.op).to.equal("same");
      expect(inEm(stack, id)!.password).to.equal("old-password");
    });

    it("without adopt, Create fails with a message that names the subtenant and the way out", async () => {
      const id = preCreate(stack);
      const err = await up().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(PluginCallError);
      expect((err as Error).message).to.include("already has a subtenant named 'sub-finance'").and.include(id).and.include("adopt: true");
      expect(stack.engine.rawView()).to.deep.equal([]);
      expect(inEm(stack, id)?.description).to.equal("made by hand");
    });
  });

  it("Check with invalid inputs returns failures that name each field; nothing reaches EM", async () => {
    const err = await up({ quotaMb: 100, tenantResourceId: undefined, enabled: "yes" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CheckFailedError);
    const failures = (err as CheckFailedError).failures;
    expect(failures.map((f) => f.property).sort()).to.deep.equal(["enabled", "quotaMb", "tenantResourceId"]);
    expect(failures.find((f) => f.property === "quotaMb")!.reason).to.include("1024");
    expect(rpcs(stack)).to.deep.equal(["Check"]);
    expect(requestsSince(stack)).to.deep.equal([]);
  });

  it("a preview with unknown values passes Check and Diff", async () => {
    const unknowns = { tenantResourceId: UNKNOWN, quotaMb: UNKNOWN, description: UNKNOWN, enabled: UNKNOWN, unlimitedQuota: UNKNOWN };
    const fresh = await stack.engine.preview(subtenantType(stack), "finance", subtenantArgs(stack, unknowns));
    expect(fresh).to.deep.include({ op: "create", failures: [] });

    await up();
    const planned = await stack.engine.preview(subtenantType(stack), "finance", subtenantArgs(stack, { description: UNKNOWN }));
    expect(planned.failures).to.deep.equal([]);
    expect(planned.op).to.equal("update");
    const renamed = await stack.engine.preview(subtenantType(stack), "finance", subtenantArgs(stack, { name: UNKNOWN }));
    expect(renamed.op).to.equal("replace");
    expect(requestsSince(stack).filter((r) => r.method !== "GET" && !r.url.startsWith("/api/sessionMngr")).length).to.equal(1);
  });
});
