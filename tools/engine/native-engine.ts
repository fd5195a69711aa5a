/**
 * What `pulumi up`, `refresh`, `import` and `destroy` do with a provider that accepts secrets, per resource
 * (engine: pkg/resource/deploy/step_generator.go, step.go), over the veeam-em plugin. State keeps values as the
 * plugin returns them, secret markers included, as a state file keeps them encrypted; `stateDump` shows it the
 * way `pulumi stack export` would without --show-secrets.
 */
import { isSecret, MASK } from "./secrets";
import type { ResourceState } from "./engine";
import type { NativeDiffReply, NativePlugin } from "./native-plugin";

type Props = Record<string, unknown>;

/** A resource in state; its values keep the secret markers the plugin returned. */
export type NativeState = Pick<ResourceState, "urn" | "type" | "name" | "id" | "inputs" | "outputs">;

export type NativeOp = "create" | "same" | "update" | "replace";

/** Every secret value (at any depth) replaced by the mask. */
export function maskDeep(value: unknown): unknown {
  if (isSecret(value)) return MASK;
  if (Array.isArray(value)) return value.map(maskDeep);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)]));
  return value;
}

export class NativeCheckFailedError extends Error {
  constructor(
    readonly urn: string,
    readonly failures: Array<{ property: string; reason: string }>,
  ) {
    super(`${urn}: check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
}

export class NativeEngine {
  private readonly state = new Map<string, NativeState>();

  constructor(
    readonly plugin: NativePlugin,
    readonly project = "veeam-em-test",
    readonly stack = "test",
  ) {}

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  get(urn: string): NativeState | undefined {
    const s = this.state.get(urn);
    return s && structuredClone(s);
  }

  /** Puts a resource into state as another stack (or another provider) left it. */
  put(s: NativeState): void {
    this.state.set(s.urn, structuredClone(s));
  }

  stateDump(): string {
    return JSON.stringify([...this.state.values()].map((s) => ({ ...s, inputs: maskDeep(s.inputs), outputs: maskDeep(s.outputs) })), null, 2);
  }

  private async checked(urn: string, old: NativeState | undefined, inputs: Props): Promise<Props> {
    const c = await this.plugin.check(urn, old?.inputs ?? {}, inputs);
    if (c.failures.length > 0) throw new NativeCheckFailedError(urn, c.failures);
    return c.inputs;
  }

  async preview(type: string, name: string, inputs: Props): Promise<{ op: NativeOp; diff?: NativeDiffReply }> {
    const urn = this.urn(type, name);
    const old = this.state.get(urn);
    const news = await this.checked(urn, old, inputs);
    if (!old) return { op: "create" };
    const diff = await this.plugin.diff(old.id, urn, old.outputs, news, old.inputs);
    return { op: diff.changes !== "some" ? "same" : diff.replaces.length > 0 ? "replace" : "update", diff };
  }

  async up(type: string, name: string, inputs: Props, timeoutSeconds = 0): Promise<{ op: NativeOp; state: NativeState; diff?: NativeDiffReply }> {
    const urn = this.urn(type, name);
    const old = this.state.get(urn);
    const news = await this.checked(urn, old, inputs);
    if (!old) {
      const created = await this.plugin.create(urn, news, timeoutSeconds);
      const s = { urn, type, name, id: created.id, inputs: news, outputs: created.properties };
      this.state.set(urn, s);
      return { op: "create", state: structuredClone(s) };
    }
    const diff = await this.plugin.diff(old.id, urn, old.outputs, news, old.inputs);
    if (diff.changes !== "some") {
      const s = { ...old, inputs: news };
      this.state.set(urn, s);
      return { op: "same", state: structuredClone(s), diff };
    }
    if (diff.replaces.length === 0) {
      const outputs = await this.plugin.update(old.id, urn, old.outputs, news, old.inputs, timeoutSeconds);
      const s = { ...old, inputs: news, outputs };
      this.state.set(urn, s);
      return { op: "update", state: structuredClone(s), diff };
    }
    if (diff.deleteBeforeReplace) await this.plugin.delete(old.id, urn, old.outputs);
    const created = await this.plugin.create(urn, news, timeoutSeconds);
    if (!diff.deleteBeforeReplace) await this.plugin.delete(old.id, urn, old.outputs);
    const s = { urn, type, name, id: created.id, inputs: news, outputs: created.properties };
    this.state.set(urn, s);
    return { op: "replace", state: structuredClone(s), diff };
  }

  async refresh(urn: string): Promise<{ op: "refreshed" | "dropped"; state?: NativeState }> {
    const old = this.require(urn);
    const read = await this.plugin.read(old.id, urn, old.outputs, old.inputs);
    if (read.id === "") {
      this.state.delete(urn);
      return { op: "dropped" };
    }
    const s = { ...old, id: read.id, outputs: read.properties, inputs: read.inputs ?? old.inputs };
    this.state.set(urn, s);
    return { op: "refreshed", state: structuredClone(s) };
  }

  /**
   * `pulumi import` (no `inputs`): Read with the id only; the read inputs become the state's inputs. With
   * `inputs` (the `import` resource option): the program's inputs are then checked and diffed against what was
   * read, and any difference fails the import, as the engine's ImportStep does.
   */
  async import(type: string, name: string, id: string, inputs?: Props): Promise<NativeState> {
    const urn = this.urn(type, name);
    if (this.state.has(urn)) throw new Error(`${urn} is already in the stack`);
    const read = await this.plugin.read(id, urn, {}, {});
    if (read.id === "") throw new Error(`${urn}: there is no object with id ${id} to import`);
    if (!read.inputs) throw new Error(`${urn}: Read returned no inputs, so the object cannot be imported`);
    let s: NativeState = { urn, type, name, id: read.id, inputs: read.inputs, outputs: read.properties };
    if (inputs) {
      const news = await this.checked(urn, s, inputs);
      const diff = await this.plugin.diff(s.id, urn, s.outputs, news, s.inputs);
      if (diff.changes === "some") throw new Error(`${urn}: inputs to import do not match the existing resource: ${Object.keys(diff.detailedDiff).join(", ")}`);
      s = { ...s, inputs: news };
    }
    this.state.set(urn, s);
    return structuredClone(s);
  }

  async destroy(urn: string, timeoutSeconds = 0): Promise<void> {
    const old = this.require(urn);
    await this.plugin.delete(old.id, urn, old.outputs, timeoutSeconds);
    this.state.delete(urn);
  }

  private require(urn: string): NativeState {
    const s = this.state.get(urn);
    if (!s) throw new Error(`the engine holds no resource ${urn}`);
    return s;
  }
}
