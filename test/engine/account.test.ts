import { expect } from "chai";
import { CheckFailedError } from "../../tools/engine/engine";
import { PluginCallError } from "../../tools/engine/plugin";
import { UNKNOWN } from "../../tools/engine/secrets";
import { accountArgs, accountType, mutations, requestsSince, ROLE, useStack, type Stack } from "./support";

const rpcs = (stack: Stack) => stack.engine.rpcs.map((r) => r.rpc);
const inEm = (stack: Stack, id: string) => stack.em.store.state.accounts.find((a) => a.id === id);
const SCOPE = [{ hierarchyObjRef: "urn:VMware:Vm:7f6b6270-1f3b-4dc6-872f-2d1dfc519c00.vm-1401", objectName: "VM01" }];

describe("engine protocol: EnterpriseAccount through the SDK's plugin (XML)", function () {
  this.timeout(20_000);
  const stack = useStack("xml");

  async function up(overrides: Record<string, unknown> = {}, name = "alice") {
    return stack.engine.register(accountType(stack), name, accountArgs(stack, overrides));
  }

  it("first up: Check then Create; the outputs hold EM's id, UID and the held roles", async () => {
    const { op, state } = await up();
    expect(op).to.equal("create");
    expect(rpcs(stack)).to.deep.equal(["Check", "Create"]);
    expect(inEm(stack, state.id)).to.deep.include({ type: "User", name: "TECH\\alice", roleIds: [ROLE.portalUser.id], allowRestoreAllVms: true });
    expect(state.outputs).to.deep.include({
      accountId: state.id,
      accountUid: `urn:veeam:EnterpriseAccount:${state.id}`,
      accountType: "User",
      accountName: "TECH\\alice",
      roles: [ROLE.portalUser.name],
      roleUids: [`urn:veeam:EnterpriseRole:${ROLE.portalUser.id}`],
      roleNames: [ROLE.portalUser.name],
      allowRestoreAllVms: true,
    });
    expect(state.secretKeys).to.deep.equal([]);
  });

  it("second up without a change: DIFF_NONE, no request reaches EM", async () => {
    await up();
    stack.mark = stack.em.requests.length;
    const second = await up();
    expect(second.op).to.equal("same");
    expect(second.diff?.changes).to.equal("none");
    expect(requestsSince(stack)).to.deep.equal([]);
  });

  it("roles, then allowRestoreAllVms with a restore scope, update in place and keep every output", async () => {
    const first = await up();
    const withRoles = await up({ roles: [ROLE.portalUser.name, `urn:veeam:EnterpriseRole:${ROLE.restoreOperator.id}`] });
    expect(withRoles.op).to.equal("update");
    expect(withRoles.state.id).to.equal(first.state.id);
    expect(withRoles.state.outputs.roleNames).to.have.members([ROLE.portalUser.name, ROLE.restoreOperator.name]);
    expect(inEm(stack, first.state.id)!.roleIds).to.have.members([ROLE.portalUser.id, ROLE.restoreOperator.id]);

    const scoped = await up({ roles: [ROLE.restoreOperator.name], allowRestoreAllVms: false, hierarchyScopeObjects: SCOPE });
    expect(scoped.op).to.equal("update");
    expect(scoped.diff?.replaces).to.deep.equal([]);
    expect(scoped.state.id).to.equal(first.state.id);
    expect(Object.keys(scoped.state.outputs)).to.include.members(Object.keys(first.state.outputs));
    expect(scoped.state.outputs).to.deep.include({ accountId: first.state.id, allowRestoreAllVms: false, roleNames: [ROLE.restoreOperator.name], hierarchyScopeObjects: SCOPE });
    const em = inEm(stack, first.state.id)!;
    expect(em.allowRestoreAllVms).to.equal(false);
    expect(em.roleIds).to.deep.equal([ROLE.restoreOperator.id]);
    expect(em.scope.map((s) => s.objectName)).to.deep.equal(["VM01"]);
    expect(rpcs(stack).filter((r) => r === "Create" || r === "Delete")).to.deep.equal(["Create"]);
  });

  it("a new account name replaces the account: create the new one, then delete the old one", async () => {
    const first = await up();
    const second = await up({ accountName: "TECH\\alice.smith" });
    expect(second.op).to.equal("replace");
    expect(second.diff?.replaces).to.deep.equal(["accountName"]);
    expect(rpcs(stack)).to.deep.equal(["Check", "Create", "Check", "Diff", "Create", "Delete"]);
    expect(second.state.id).to.not.equal(first.state.id);
    expect(inEm(stack, first.state.id)).to.equal(undefined);
    expect(inEm(stack, second.state.id)?.name).to.equal("TECH\\alice.smith");
  });

  it("refresh after out-of-band edits shows EM's roles and scope; the program's inputs then diff as drift", async () => {
    const { state } = await up();
    const em = inEm(stack, state.id)!;
    em.roleIds.push(ROLE.restoreOperator.id);
    em.allowRestoreAllVms = false;
    em.scope.push({ id: "c0ffee00-0000-4000-8000-000000000001", hierarchyObjRef: SCOPE[0].hierarchyObjRef, objectName: "VM01" });

    const refreshed = await stack.engine.refresh(state.urn);
    expect(refreshed.op).to.equal("refreshed");
    expect(refreshed.state!.outputs).to.deep.include({ allowRestoreAllVms: false, roleNames: [ROLE.portalUser.name, ROLE.restoreOperator.name] });
    expect(refreshed.state!.inputs).to.deep.include({ allowRestoreAllVms: false, roles: [ROLE.portalUser.name, ROLE.restoreOperator.name] });
    expect(refreshed.state!.inputs.hierarchyScopeObjects).to.deep.equal([{ objectName: "VM01" }]);

    const preview = await stack.engine.preview(accountType(stack), "alice", accountArgs(stack));
    expect(preview.op).to.equal("update");
    const healed = await up();
    expect(healed.op).to.equal("update");
    expect(inEm(stack, state.id)).to.deep.include({ roleIds: [ROLE.portalUser.id], allowRestoreAllVms: true, scope: [] });
  });

  it("refresh after an out-of-band delete returns an empty id, and the engine drops the account", async () => {
    const { state } = await up();
    stack.em.store.state.accounts = stack.em.store.state.accounts.filter((a) => a.id !== state.id);
    expect((await stack.engine.refresh(state.urn)).op).to.equal("dropped");
    expect(stack.engine.rawView()).to.deep.equal([]);
  });

  it("destroy sends Delete and the account is gone from EM", async () => {
    const { state } = await up();
    await stack.engine.destroy(state.urn);
    expect(rpcs(stack)).to.deep.equal(["Check", "Create", "Delete"]);
    expect(inEm(stack, state.id)).to.equal(undefined);
    expect(mutations(requestsSince(stack)).filter((r) => r.method === "DELETE").map((r) => r.url)).to.deep.equal([`/api/security/accounts/${state.id}`]);
  });

  describe("adoption", () => {
    const id = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    const preCreate = () => stack.em.store.state.accounts.push({ id, type: "User", name: "TECH\\alice", roleIds: [ROLE.restoreOperator.id], allowRestoreAllVms: true, scope: [] });

    it("with adopt: true, Create takes over the existing account (same id) and converges its roles", async () => {
      preCreate();
      const { state } = await up({ adopt: true });
      expect(state.id).to.equal(id);
      expect(inEm(stack, id)!.roleIds).to.deep.equal([ROLE.portalUser.id]);
      expect(stack.em.store.state.accounts.filter((a) => a.name === "TECH\\alice")).to.have.length(1);
      expect(mutations(requestsSince(stack)).some((r) => r.method === "POST" && r.url === "/api/security/accounts")).to.equal(false);
    });

    it("without adopt, Create fails with a message that names the account and the way out", async () => {
      preCreate();
      const err = await up().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(PluginCallError);
      expect((err as Error).message).to.include("already has an account named 'TECH\\alice'").and.include(id).and.include("adopt: true");
      expect(stack.engine.rawView()).to.deep.equal([]);
    });
  });

  it("Check with invalid inputs returns failures that name each field; nothing reaches EM", async () => {
    const err = await up({ accountName: "alice", roles: [], allowRestoreAllVms: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CheckFailedError);
    const failures = (err as CheckFailedError).failures;
    expect(failures.map((f) => f.property).sort()).to.deep.equal(["accountName", "hierarchyScopeObjects", "roles"]);
    expect(failures.find((f) => f.property === "accountName")!.reason).to.include("Domain\\Name");
    expect(requestsSince(stack)).to.deep.equal([]);
  });

  it("a preview with unknown values passes Check and Diff", async () => {
    const fresh = await stack.engine.preview(accountType(stack), "alice", accountArgs(stack, { accountName: UNKNOWN, roles: [UNKNOWN], allowRestoreAllVms: UNKNOWN }));
    expect(fresh).to.deep.include({ op: "create", failures: [] });
    const whole = await stack.engine.preview(accountType(stack), "alice", accountArgs(stack, { roles: UNKNOWN, hierarchyScopeObjects: UNKNOWN }));
    expect(whole.failures).to.deep.equal([]);
    await up();
    const planned = await stack.engine.preview(accountType(stack), "alice", accountArgs(stack, { roles: [ROLE.portalUser.name, UNKNOWN] }));
    expect(planned).to.deep.include({ op: "update", failures: [] });
  });

  it("a preview where a whole list (roles, hierarchyScopeObjects) is unknown passes Diff", async () => {
    await up();
    const roles = await stack.engine.preview(accountType(stack), "alice", accountArgs(stack, { roles: UNKNOWN }));
    expect(roles).to.deep.include({ op: "update", failures: [] });
    const scope = await stack.engine.preview(accountType(stack), "alice", accountArgs(stack, { allowRestoreAllVms: false, hierarchyScopeObjects: UNKNOWN }));
    expect(scope).to.deep.include({ op: "update", failures: [] });
  });
});
