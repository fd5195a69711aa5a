/**
 * A tiny deterministic engine over the dynamic-provider plugin: per resource, what `pulumi up`, `pulumi refresh`
 * and `pulumi destroy` do (engine: pkg/resource/deploy/step_generator.go, step.go), with a state map
 * urn → {id, inputs, outputs, secretKeys} and a log of every RPC it made.
 */
import { maskSecrets, unwrapSecrets, wrapSecrets } from "./secrets";
import { PluginCallError, type DiffReply, type DynamicProviderPlugin } from "./plugin";

type Props = Record<string, unknown>;

export const PROVIDER_KEY = "__provider";

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** Checked inputs, plain, with __provider. */
  inputs: Props;
  /** What the provider returned, plain, with __provider. */
  outputs: Props;
  /** Keys whose values are secret in both inputs and outputs. */
  secretKeys: string[];
  /**
   * The reasons of a create or update that failed part-way (ErrorResourceInitFailed): the engine keeps the object
   * and, when there are reasons, the next `up` updates it whatever Diff says.
   */
  initErrors?: string[];
}

export type Rpc = "Check" | "Diff" | "Create" | "Read" | "Update" | "Delete";
export interface RpcRecord {
  rpc: Rpc;
  urn: string;
}

export type UpOperation = "create" | "same" | "update" | "replace";

export interface UpResult {
  op: UpOperation;
  state: ResourceState;
  diff?: DiffReply;
}

export interface RegisterOptions {
  /** Output keys to mark secret besides those that were secret inputs (the resource option). */
  additionalSecretOutputs?: string[];
  /**
   * Called once the step is decided (after Check and Diff), before the provider acts on it: where the CLI shows
   * the row's "creating…". `inputs` are the checked inputs.
   */
  onStep?: (op: UpOperation, inputs: Props, diff?: DiffReply) => void;
}

/** Check refused the inputs: the engine stops before touching the resource. */
export class CheckFailedError extends Error {
  constructor(
    readonly urn: string,
    readonly failures: Array<{ property: string; reason: string }>,
  ) {
    super(`${urn}: check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    this.name = "CheckFailedError";
  }
}

/** The partial-failure detail of a failed create or update, when it names the object. */
function initFailure(err: unknown) {
  return err instanceof PluginCallError && err.initFailure && err.initFailure.id !== "" ? err.initFailure : undefined;
}

const clone = <T>(value: T): T => structuredClone(value);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class Engine {
  private readonly state = new Map<string, ResourceState>();
  readonly rpcs: RpcRecord[] = [];

  constructor(
    private currentPlugin: DynamicProviderPlugin,
    readonly project = "project",
    readonly stack = "stack",
  ) {}

  get plugin(): DynamicProviderPlugin {
    return this.currentPlugin;
  }

  /** Every `pulumi up` starts a new plugin process and works on the state the last one left: swap the plugin. */
  usePlugin(plugin: DynamicProviderPlugin): void {
    this.currentPlugin = plugin;
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  get(urn: string): ResourceState | undefined {
    const s = this.state.get(urn);
    return s && clone(s);
  }

  /** Every resource the engine holds, raw: plaintext values, with the keys that are secret. */
  rawView(): ResourceState[] {
    return [...this.state.values()].map(clone);
  }

  /** Everything the engine holds as a state file would show it: secret values masked. */
  plainTextDump(): string {
    const masked = [...this.state.values()].map((s) => ({
      urn: s.urn,
      type: s.type,
      id: s.id,
      inputs: maskSecrets(s.inputs, s.secretKeys),
      outputs: maskSecrets(s.outputs, s.secretKeys),
      secretKeys: s.secretKeys,
    }));
    return JSON.stringify(masked, null, 2);
  }

  private log(rpc: Rpc, urn: string): void {
    this.rpcs.push({ rpc, urn });
  }

  /** Check, then what an `up` does for one resource. `inputs` may hold secret-wrapped values and __provider. */
  async register(type: string, name: string, inputs: Props, options: RegisterOptions = {}): Promise<UpResult> {
    const urn = this.urn(type, name);
    const { plain: news, secretKeys: inputSecrets } = unwrapSecrets(inputs);
    const old = this.state.get(urn);
    const secretKeys = [...new Set([...inputSecrets, ...(options.additionalSecretOutputs ?? [])])];

    this.log("Check", urn);
    const checked = await this.plugin.check(urn, old?.inputs ?? {}, news);
    if (checked.failures.length > 0) throw new CheckFailedError(urn, checked.failures);
    const checkedInputs = checked.inputs;

    if (!old) {
      options.onStep?.("create", checkedInputs);
      const created = await this.create(urn, type, name, checkedInputs, secretKeys);
      return { op: "create", state: clone(created) };
    }

    this.log("Diff", urn);
    const diff = await this.plugin.diff(old.id, urn, old.outputs, checkedInputs, old.inputs);
    // DIFF_UNKNOWN: the engine compares old and new inputs itself, __provider included. A resource whose last
    // step failed part-way with reasons is updated whatever Diff says (step_generator: hasInitErrors).
    const hasInitErrors = (old.initErrors ?? []).length > 0;
    const changed = hasInitErrors || diff.changes === "some" || (diff.changes === "unknown" && !same(old.inputs, checkedInputs));
    options.onStep?.(!changed ? "same" : diff.replaces.length > 0 ? "replace" : "update", checkedInputs, diff);
    if (!changed) {
      // Nothing to do; the new inputs (and their secretness) are recorded.
      const kept: ResourceState = { ...old, inputs: checkedInputs, secretKeys: [...new Set([...old.secretKeys, ...secretKeys])] };
      this.state.set(urn, kept);
      return { op: "same", state: clone(kept), diff };
    }
    if (diff.replaces.length === 0) {
      this.log("Update", urn);
      let updated: { properties: Props };
      try {
        updated = await this.plugin.update(old.id, urn, old.outputs, checkedInputs, old.inputs);
      } catch (err) {
        // A partial failure: the engine records what the provider reports (step.go, UpdateStep.Apply).
        const failed = initFailure(err);
        if (failed) this.state.set(urn, { ...old, inputs: checkedInputs, outputs: failed.properties, secretKeys, initErrors: failed.reasons });
        throw err;
      }
      const { initErrors: _, ...rest } = old;
      const next: ResourceState = { ...rest, inputs: checkedInputs, outputs: updated.properties, secretKeys };
      this.state.set(urn, next);
      return { op: "update", state: clone(next), diff };
    }
    if (diff.deleteBeforeReplace) {
      await this.deleteFromProvider(old);
      this.state.delete(urn);
      const created = await this.create(urn, type, name, checkedInputs, secretKeys);
      return { op: "replace", state: clone(created), diff };
    }
    const replacement = await this.createInProvider(urn, checkedInputs);
    await this.deleteFromProvider(old);
    const next: ResourceState = { urn, type, name, id: replacement.id, inputs: checkedInputs, outputs: replacement.properties, secretKeys };
    this.state.set(urn, next);
    return { op: "replace", state: clone(next), diff };
  }

  /** What a preview does: Check and Diff only; nothing changes. */
  async preview(type: string, name: string, inputs: Props): Promise<{ op: UpOperation; failures: CheckFailedError["failures"]; diff?: DiffReply }> {
    const urn = this.urn(type, name);
    const { plain: news } = unwrapSecrets(inputs);
    const old = this.state.get(urn);
    this.log("Check", urn);
    const checked = await this.plugin.check(urn, old?.inputs ?? {}, news);
    if (!old || checked.failures.length > 0) return { op: "create", failures: checked.failures };
    this.log("Diff", urn);
    const diff = await this.plugin.diff(old.id, urn, old.outputs, checked.inputs, old.inputs);
    const changed = diff.changes === "some" || (diff.changes === "unknown" && !same(old.inputs, checked.inputs));
    const op: UpOperation = !changed ? "same" : diff.replaces.length > 0 ? "replace" : "update";
    return { op, failures: [], diff };
  }

  /** `pulumi refresh` of one resource: Read with the stored outputs and inputs; an empty id drops it. */
  async refresh(urn: string): Promise<{ op: "refreshed" | "dropped"; state?: ResourceState }> {
    const old = this.require(urn);
    this.log("Read", urn);
    const read = await this.plugin.read(old.id, urn, old.outputs, old.inputs);
    if (read.id === "") {
      this.state.delete(urn);
      return { op: "dropped" };
    }
    const next: ResourceState = { ...old, id: read.id, outputs: read.properties, inputs: read.inputs ?? old.inputs };
    this.state.set(urn, next);
    return { op: "refreshed", state: clone(next) };
  }

  /** `pulumi destroy` of one resource. */
  async destroy(urn: string): Promise<void> {
    const old = this.require(urn);
    await this.deleteFromProvider(old);
    this.state.delete(urn);
  }

  /** Deletes, newest first, every resource not in `keep` (what an `up` does with resources the program dropped). */
  async prune(keep: ReadonlySet<string>): Promise<string[]> {
    const gone = [...this.state.keys()].filter((urn) => !keep.has(urn)).reverse();
    for (const urn of gone) await this.destroy(urn);
    return gone;
  }

  /** The outputs as the program sees them: secret keys wrapped again, without __provider. */
  programOutputs(urn: string): Props {
    const s = this.require(urn);
    const { [PROVIDER_KEY]: _, ...outputs } = s.outputs;
    return wrapSecrets(outputs, s.secretKeys);
  }

  private require(urn: string): ResourceState {
    const s = this.state.get(urn);
    if (!s) throw new Error(`the engine holds no resource ${urn}`);
    return s;
  }

  private async createInProvider(urn: string, inputs: Props) {
    this.log("Create", urn);
    const created = await this.plugin.create(urn, inputs);
    if (!created.id) throw new Error(`${urn}: Create returned no id`);
    return created;
  }

  private async create(urn: string, type: string, name: string, inputs: Props, secretKeys: string[]): Promise<ResourceState> {
    let created: { id: string; properties: Props };
    try {
      created = await this.createInProvider(urn, inputs);
    } catch (err) {
      // The object exists but its create did not finish: the engine records it (step.go, CreateStep.Apply), so
      // the next `up` diffs against it instead of creating another.
      const failed = initFailure(err);
      if (failed) this.state.set(urn, { urn, type, name, id: failed.id, inputs, outputs: failed.properties, secretKeys, initErrors: failed.reasons });
      throw err;
    }
    const s: ResourceState = { urn, type, name, id: created.id, inputs, outputs: created.properties, secretKeys };
    this.state.set(urn, s);
    return s;
  }

  private async deleteFromProvider(s: ResourceState): Promise<void> {
    this.log("Delete", s.urn);
    await this.plugin.delete(s.id, s.urn, s.outputs, s.inputs);
  }
}
