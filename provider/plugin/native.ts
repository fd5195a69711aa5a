/**
 * What the `veeam-em` plugin does for each provider call, on plain values (secrets already unwrapped; server.ts
 * does the wire). Every resource call goes to the same resource providers the dynamic resources use
 * (provider/resources/<kind>/provider.ts) with one client pool per plugin process; this adds only what a real
 * provider needs besides: configuration per provider instance, a detailed diff, import from an id, deadlines,
 * and the look-ups as functions.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionSettings } from "../client";
import { EnterpriseAccountProvider } from "../resources/account/provider";
import type { ProviderBase } from "../resources/base";
import { ConnectionConfigError } from "../resources/connection";
import { checkInputs, diffInputs, isArgument, secretNames, type Field, type ResourceFields } from "../resources/fields";
import { log, poolLog } from "../resources/log";
import { processClientPool } from "../resources/process-pool";
import { SubtenantProvider } from "../resources/subtenant/provider";
import { CloudTenantProvider } from "../resources/tenant/provider";
import { ACCOUNT_FIELDS } from "../resources/account/fields";
import { SUBTENANT_FIELDS } from "../resources/subtenant/fields";
import { TENANT_FIELDS } from "../resources/tenant/fields";
import { configFailures, configSource, configValues, settingsOf } from "./config";
import { FUNCTIONS, projected } from "./functions";
import { IMPORT_SEEDS } from "./import-seed";
import { NOT_IN_SCHEMA, PACKAGE, token } from "./schema";

type Props = Record<string, unknown>;
type Methods = ProviderBase & Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;
export type Failure = { property: string; reason: string };

export interface Kind {
  name: string;
  table: ResourceFields<any>;
  provider: Methods;
}

/** How one property changed, for the engine's detailed diff. */
export type PropertyChange = "update" | "replace";

export interface NativeDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Per argument that changed: an update in place or the reason for a replacement. */
  detailed: Record<string, PropertyChange>;
}

/** The name of the resource kind in a URN (urn:pulumi:stack::project::veeam-em:index:Subtenant::name). */
export function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  return (parts[2] ?? "").split("$").pop() ?? "";
}

/** A step that ran past the engine's `timeout`: the outcome in EM is not known (never "gone"). */
export class StepTimeoutError extends Error {
  constructor(what: string, seconds: number) {
    super(`${what} did not finish within ${seconds} s (the resource's customTimeouts). EM may still finish it: run 'pulumi refresh' to see where it stands before trying again.`);
    this.name = "StepTimeoutError";
  }
}

/** `work`, failing when it runs past `seconds` (0: the engine set no timeout). */
export async function withinTimeout<T>(seconds: number, what: string, work: () => Promise<T>): Promise<T> {
  if (!(seconds > 0)) return work();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeoutError(what, seconds)), Math.min(seconds * 1000, 2 ** 31 - 1));
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Outputs and inputs without what belongs to the other path: the dynamic plugin's code and a per-resource connection. */
function ownProps(props: Props): Props {
  const { __provider: _code, connection: _connection, ...rest } = props;
  return rest;
}

export class NativeProvider {
  /**
   * The process's pool, shared with the look-up functions: a plugin process serves one provider instance, and a
   * client is keyed by its whole settings, so another EM (or logon) is another client.
   */
  readonly pool = processClientPool(poolLog(log));
  private values: Record<string, string> = {};
  private cancelled = false;
  private readonly kinds: Map<string, Kind>;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    const options = { pool: this.pool, env };
    this.kinds = new Map<string, Kind>([
      [token("Subtenant"), { name: "Subtenant", table: SUBTENANT_FIELDS, provider: new SubtenantProvider(options) }],
      [token("EnterpriseAccount"), { name: "EnterpriseAccount", table: ACCOUNT_FIELDS, provider: new EnterpriseAccountProvider(options) }],
      [token("CloudTenant"), { name: "CloudTenant", table: TENANT_FIELDS, provider: new CloudTenantProvider(options) }],
    ]);
  }

  kind(urn: string): Kind {
    const type = typeOfUrn(urn);
    const kind = this.kinds.get(type);
    if (!kind) throw new Error(`the ${PACKAGE} plugin has no resource type '${type}' (it has: ${[...this.kinds.keys()].join(", ")})`);
    if (this.cancelled) throw new Error("the engine cancelled this deployment; nothing more is started");
    return kind;
  }

  /** The output and input keys to mark secret for `urn`'s kind. */
  secretKeys(urn: string): string[] {
    return secretNames(this.kind(urn).table);
  }

  checkConfig(news: Props): { inputs: Props; failures: Failure[] } {
    return { inputs: news, failures: configFailures(configValues(news), this.env) };
  }

  /**
   * A change of configuration never replaces a resource: another url may be a new address of the same EM, and
   * objects cannot move between EMs (the update checks the object is there). This is also what lets a stack move
   * from the dynamic resources' provider to this one without replacing anything (the engine asks the new
   * provider's DiffConfig whether the provider change replaces its resources).
   */
  diffConfig(olds: Props, news: Props): { changes: boolean; changed: string[] } {
    const [a, b] = [configValues(olds), configValues(news)];
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
    return { changes: changed.length > 0, changed };
  }

  configure(args: Props, variables: Record<string, string> = {}): void {
    this.values = configValues(args, variables);
    for (const kind of this.kinds.values()) kind.provider.useConfig(configSource(this.values));
  }

  /** The client settings of this provider instance; throws ConnectionConfigError naming what is missing. */
  settings(): ConnectionSettings {
    return settingsOf(this.values, this.env);
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: Failure[] }> {
    const kind = this.kind(urn);
    const refused = (NOT_IN_SCHEMA as readonly string[]).filter((k) => news[k] !== undefined && news[k] !== null);
    const failures: Failure[] = refused.map((k) => ({ property: k, reason: `${k} is not an argument of the ${PACKAGE} plugin's ${kind.name}: set the EM on the provider instance (url, username, password) instead` }));
    const result = await kind.provider.check(ownProps(olds), ownProps(news));
    return { inputs: (result.inputs ?? news) as Props, failures: [...failures, ...(result.failures ?? [])] };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<NativeDiff> {
    const kind = this.kind(urn);
    const old = importedOlds(kind.table, ownProps(olds), news);
    const result = await kind.provider.diff(id, old, ownProps(news));
    const replaces = result.replaces ?? [];
    const changes = result.changes === true || replaces.length > 0;
    const detailed: Record<string, PropertyChange> = {};
    if (changes) {
      for (const name of replaces) detailed[name] = "replace";
      // The fields that changed in place, by the same table rules the resource's own diff applied.
      for (const name of changedInPlace(kind.table, old, ownProps(news))) detailed[name] ??= "update";
    }
    return { changes, replaces, deleteBeforeReplace: result.deleteBeforeReplace === true, detailed };
  }

  async create(urn: string, news: Props, timeoutSeconds = 0): Promise<{ id: string; outs: Props }> {
    const kind = this.kind(urn);
    const result = await withinTimeout(timeoutSeconds, `Creating ${kind.name}`, () => kind.provider.create(ownProps(news)));
    return { id: result.id, outs: (result.outs ?? {}) as Props };
  }

  /**
   * A refresh reads with the outputs in state; an import has only the id, so the outputs a refresh would have
   * had are found in EM first. An empty id: gone from EM.
   */
  async read(id: string, urn: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }> {
    const kind = this.kind(urn);
    let known = ownProps(props);
    if (Object.keys(known).length === 0) {
      const seed = await IMPORT_SEEDS[kind.name](this.pool.get(this.adminSettings()), id);
      if (!seed) return { id: "", props: {} };
      known = seed;
    }
    const result = await kind.provider.read(id, known);
    if (!result.id) return { id: "", props: {} };
    return { id: result.id, props: (result.props ?? {}) as Props, inputs: result.inputs as Props | undefined };
  }

  async update(id: string, urn: string, olds: Props, news: Props, timeoutSeconds = 0): Promise<Props> {
    const kind = this.kind(urn);
    const old = importedOlds(kind.table, ownProps(olds), news);
    const result = await withinTimeout(timeoutSeconds, `Updating ${kind.name} ${id}`, () => kind.provider.update(id, old, ownProps(news)));
    return (result.outs ?? {}) as Props;
  }

  async delete(id: string, urn: string, props: Props, timeoutSeconds = 0): Promise<void> {
    const kind = this.kind(urn);
    await withinTimeout(timeoutSeconds, `Deleting ${kind.name} ${id}`, () => kind.provider.delete(id, ownProps(props)));
  }

  async invoke(tok: string, args: Props): Promise<{ outputs?: Props; failures: Failure[] }> {
    const fn = FUNCTIONS.find((f) => token(f.name) === tok);
    if (!fn) throw new Error(`the ${PACKAGE} plugin has no function '${tok}' (it has: ${FUNCTIONS.map((f) => token(f.name)).join(", ")})`);
    const { failures } = checkInputs({ resource: fn.name, fields: fn.inputs }, args);
    if (failures.length > 0) return { failures };
    return { outputs: projected(await fn.run(args, this.adminSettings()), fn.outputs), failures: [] };
  }

  /** Stops starting new work and logs out of EM. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    await this.pool.closeAll();
  }

  private adminSettings(): ConnectionSettings {
    const settings = this.settings();
    if (settings.credentials.kind !== "admin") throw new ConnectionConfigError(`${PACKAGE}: the plugin logs on as an EM administrator: set url, username and password`);
    return settings;
  }
}

/**
 * The outputs of an imported object hold no password (EM never returns one): the declared one is taken as the
 * password EM has, as adoption does, so an import is no change and a later change of the declaration is sent.
 */
function importedOlds(table: ResourceFields<any>, olds: Props, news: Props): Props {
  const unknownSecrets = table.fields.filter((f: Field) => f.secret && isArgument(f) && olds[f.name] === undefined && news[f.name] !== undefined && !(NOT_IN_SCHEMA as readonly string[]).includes(f.name));
  return unknownSecrets.length === 0 ? olds : { ...olds, ...Object.fromEntries(unknownSecrets.map((f) => [f.name, news[f.name]])) };
}

/**
 * The arguments that change in place, each by the table's own diff over a table of that one field (the same
 * comparison, optionalInDiff and all).
 */
function changedInPlace(table: ResourceFields<any>, olds: Props, news: Props): string[] {
  const changes = (field: Field) => diffInputs({ resource: table.resource, fields: [field] }, olds, news).changes;
  return table.fields.filter((f: Field) => isArgument(f) && (f.onChange === "update" || f.onChange === "state") && changes(f)).map((f: Field) => f.name);
}
