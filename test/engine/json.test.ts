import { expect } from "chai";
import { secret } from "../../tools/engine/secrets";
import { accountArgs, accountType, leakedSecrets, logons, requestsSince, ROLE, SUBTENANT_PASSWORD_2, subtenantArgs, subtenantType, TENANT, useStack } from "./support";

describe("engine protocol: both resources with veeam-em:format json", function () {
  this.timeout(20_000);
  const stack = useStack("json");

  it("up, up without change, in-place updates, refresh with drift, out-of-band delete and destroy", async () => {
    const { engine } = stack;
    const sub = await engine.register(subtenantType(stack), "finance", subtenantArgs(stack));
    const acc = await engine.register(accountType(stack), "alice", accountArgs(stack));
    expect(sub.state.outputs).to.include({ subtenantId: sub.state.id, tenantId: TENANT.id, quotaMb: 2048 });
    expect(acc.state.outputs).to.deep.include({ accountId: acc.state.id, roleNames: [ROLE.portalUser.name] });

    stack.mark = stack.em.requests.length;
    expect((await engine.register(subtenantType(stack), "finance", subtenantArgs(stack))).op).to.equal("same");
    expect((await engine.register(accountType(stack), "alice", accountArgs(stack))).op).to.equal("same");
    expect(requestsSince(stack)).to.deep.equal([]);

    const sub2 = await engine.register(subtenantType(stack), "finance", subtenantArgs(stack, { quotaMb: 5120, password: secret(SUBTENANT_PASSWORD_2) }));
    const acc2 = await engine.register(accountType(stack), "alice", accountArgs(stack, { roles: [ROLE.restoreOperator.name] }));
    expect([sub2.op, acc2.op]).to.deep.equal(["update", "update"]);
    expect(sub2.state.outputs).to.include({ subtenantId: sub.state.id, quotaMb: 5120 });
    expect(acc2.state.outputs).to.deep.include({ accountId: acc.state.id, roleNames: [ROLE.restoreOperator.name] });
    expect(stack.em.store.state.subtenants.find((s) => s.id === sub.state.id)!.password).to.equal(SUBTENANT_PASSWORD_2);

    stack.em.store.state.subtenants.find((s) => s.id === sub.state.id)!.description = "changed in EM";
    const refreshed = await engine.refresh(sub.state.urn);
    expect(refreshed.state!.inputs.description).to.equal("changed in EM");
    expect((await engine.preview(subtenantType(stack), "finance", subtenantArgs(stack, { quotaMb: 5120, password: secret(SUBTENANT_PASSWORD_2) }))).op).to.equal("update");

    stack.em.store.state.accounts = stack.em.store.state.accounts.filter((a) => a.id !== acc.state.id);
    expect((await engine.refresh(acc.state.urn)).op).to.equal("dropped");

    await engine.destroy(sub.state.urn);
    expect(stack.em.store.state.subtenants.some((s) => s.id === sub.state.id)).to.equal(false);
    expect(engine.rawView()).to.deep.equal([]);
    expect(logons(stack.em.requests)).to.have.length(1);
    expect(leakedSecrets(stack.harness.plugin.output())).to.deep.equal([]);
  });
});
