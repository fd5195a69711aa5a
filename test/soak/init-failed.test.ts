/**
 * The test engine models the Pulumi engine's handling of a partial failure: a create or update whose error carries
 * `id` and `properties` reaches the engine as ErrorResourceInitFailed (sent by the SDK's own dynamic-provider plugin),
 * the object is recorded in state, and when the error had reasons the next `up` updates it whatever Diff says.
 * The provider here is a small one of the test's own, serialized by the SDK as a program would.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Engine } from "../../tools/engine/engine";
import { startHarness, type Harness } from "../../tools/engine/harness";
import { PluginCallError } from "../../tools/engine/plugin";

const TYPE = "pulumi-nodejs:dynamic:Resource";

/** Create fails as `inputs.createFails` says: "with-reasons", "without-reasons" (both with an id) or "no-id". */
const provider = {
  async create(inputs: Record<string, unknown>) {
    const mode = inputs.createFails;
    if (mode === undefined) return { id: "made-ok", outs: { ...inputs, via: "create" } };
    const err = new Error(`the object exists but did not finish (${String(mode)})`);
    if (mode !== "no-id") Object.assign(err, { id: "made-half", properties: { ...inputs, via: "partial create" }, reasons: mode === "with-reasons" ? ["the task could not be polled"] : [] });
    throw err;
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { changes: olds.round !== news.round };
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    if (news.updateFails === true) throw Object.assign(new Error("update failed part-way"), { id: _id, properties: { ...news, via: "partial update" }, reasons: ["roles not set"] });
    return { outs: { ...news, via: "update" } };
  },
  async delete() {},
};

describe("test engine: partial failures (ErrorResourceInitFailed) as the Pulumi engine records them", function () {
  this.timeout(30_000);
  let harness: Harness;
  let providerText: string;
  let engine: Engine;

  before(async () => {
    providerText = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false })).text;
    harness = await startHarness({ url: "http://127.0.0.1:9/api/", username: "unused", password: "unused" });
  });
  beforeEach(() => {
    engine = new Engine(harness.plugin, "init-failed", "test");
  });
  after(async () => {
    await harness?.stop();
  });

  const up = (inputs: Record<string, unknown>) => engine.register(TYPE, "thing", { __provider: providerText, ...inputs });
  const rpcs = () => engine.rpcs.map((r) => r.rpc);

  it("a create error with id, properties and reasons: the plugin sends the detail, the engine records the object, the next up updates it", async () => {
    const err = await up({ createFails: "with-reasons" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(PluginCallError);
    expect((err as PluginCallError).message).to.include("did not finish (with-reasons)");
    expect((err as PluginCallError).initFailure).to.deep.include({ id: "made-half", reasons: ["the task could not be polled"] });
    const recorded = engine.get(engine.urn(TYPE, "thing"))!;
    expect(recorded.id).to.equal("made-half");
    expect(recorded.outputs).to.include({ via: "partial create" });
    expect(recorded.initErrors).to.deep.equal(["the task could not be polled"]);

    // Diff says no change, but the resource had init errors: the engine updates it.
    const next = await up({ createFails: "with-reasons" });
    expect(next.op).to.equal("update");
    expect(next.state.id).to.equal("made-half");
    expect(next.state.outputs).to.include({ via: "update" });
    expect(next.state.initErrors).to.equal(undefined);
    expect(rpcs()).to.deep.equal(["Check", "Create", "Check", "Diff", "Update"]);
  });

  it("a create error with an id and no reasons is recorded; the next up follows Diff (here: no change)", async () => {
    await up({ createFails: "without-reasons" }).catch(() => undefined);
    expect(engine.get(engine.urn(TYPE, "thing"))?.id).to.equal("made-half");
    const next = await up({ createFails: "without-reasons" });
    expect(next.op).to.equal("same");
    expect(rpcs()).to.deep.equal(["Check", "Create", "Check", "Diff"]);
  });

  it("a create error without an id leaves nothing in state; the next up creates again", async () => {
    const err = await up({ createFails: "no-id" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as PluginCallError).initFailure).to.equal(undefined);
    expect(engine.get(engine.urn(TYPE, "thing"))).to.equal(undefined);
    const next = await up({});
    expect(next.op).to.equal("create");
    expect(next.state.id).to.equal("made-ok");
  });

  it("an update error with an id records the provider's properties and reasons; the following up updates again", async () => {
    await up({});
    await up({ updateFails: true, round: 1 }).catch(() => undefined);
    expect(engine.get(engine.urn(TYPE, "thing"))).to.deep.include({ id: "made-ok", initErrors: ["roles not set"] });
    expect(engine.get(engine.urn(TYPE, "thing"))!.outputs).to.include({ via: "partial update", round: 1 });
    // The recorded outputs hold round 1, so Diff says no change: only the init errors make this an update.
    const next = await up({ round: 1 });
    expect(next.op).to.equal("update");
    expect(next.state.outputs).to.include({ via: "update", round: 1 });
    expect(rpcs().slice(-3)).to.deep.equal(["Check", "Diff", "Update"]);
  });
});
