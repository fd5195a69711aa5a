import type * as pulumi from "@pulumi/pulumi";
import type { EmClient } from "../client";
import { connectionOf } from "./connection-of";
import { UNKNOWN, type Failure } from "./validation";
import { type ClientPool, CONFIG_NAMESPACE, ConnectionConfigError, connectionSettings, type ConfigSource } from "./connection";
import { processClientPool } from "./process-pool";

export interface ProviderOptions {
  /** Where clients come from; the process's one pool by default (one logon per run), unless a test hands in its own. */
  pool?: ClientPool;
  /** Environment for the fallbacks of the connection settings; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Connection handling common to the providers: configuration from `configure`, else from the environment. */
export abstract class ProviderBase {
  private config?: ConfigSource;
  protected readonly pool: ClientPool;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: ProviderOptions = {}) {
    this.pool = options.pool ?? processClientPool();
    this.env = options.env ?? process.env;
  }

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.useConfig(request.config);
  }

  /** Stack configuration for the connection (namespace `veeam-em`); the environment fills what it lacks. */
  useConfig(config: ConfigSource): void {
    this.config = config;
  }

  /**
   * What only EM can answer about a declaration (see em-check.ts), for `check`: nothing when the EM to ask is not
   * known yet (no connection configured, or a declared connection with values a preview does not know), so a
   * stack without EM settings still previews as before and `up` reports the missing settings.
   */
  protected async inEm(props: object, ask: (client: EmClient) => Promise<Failure[]>): Promise<Failure[]> {
    if (JSON.stringify((props as { connection?: unknown }).connection ?? null).includes(UNKNOWN)) return [];
    let client: EmClient;
    try {
      client = this.client(props);
    } catch (err) {
      if (err instanceof ConnectionConfigError) return [];
      throw err;
    }
    return ask(client);
  }

  /**
   * The client for the configured connection; settings are read when first needed, so preview needs none.
   * Only an EM administrator can manage subtenants and accounts: tenant and vCD organization logons are refused
   * here, before any request.
   */
  protected client(props?: object): EmClient {
    const settings = connectionOf(props) ?? connectionSettings(this.config, this.env);
    if (settings.credentials.kind !== "admin") {
      const key = settings.credentials.kind === "tenant" ? "tenantName" : "vcdOrganization";
      throw new ConnectionConfigError(ADMIN_ONLY(key), { key });
    }
    return this.pool.get(settings);
  }
}

/**
 * EM lets a tenant (or vCD organization) session only list its cloud failover plans, replicas and replica points
 * and start or undo a failover plan (EM REST reference: seed 000 "Tenant Logon Session", and
 * cloud_connect_tenant_credentials). Portal User has the whole of /cloud/tenants, not /security, and its list of query
 * types (security_roles_concept) names neither CloudTenant nor CloudSubtenant: Portal Administrator is what is sure.
 */
export const ADMIN_ONLY = (setting: string) =>
  `veeam-em: ${setting} is set, so the provider would log on as a Cloud Connect tenant (or vCD organization), ` +
  "but EM lets tenant sessions only start and undo cloud failover plans: they cannot read cloud tenants, their quota resources or EM's roles, nor read or change subtenants or EM accounts. " +
  `Remove ${CONFIG_NAMESPACE}:tenantName and ${CONFIG_NAMESPACE}:vcdOrganization and log on with an EM administrator account ` +
  `(a user with EM's Portal Administrator role, via HTTP Basic: ${CONFIG_NAMESPACE}:username and ${CONFIG_NAMESPACE}:password). ` +
  "EM's Portal User role covers the whole of /cloud/tenants (subtenants included) but not EM accounts and roles, and EM's security roles page " +
  "does not list for it the CloudTenant and CloudSubtenant queries the provider reads with.";

/**
 * An object this resource made exists in EM, but the step could not finish (a later request failed). The SDK's
 * dynamic-provider plugin turns an error with `id` and `properties` into ErrorResourceInitFailed: the engine
 * records the object with these outputs, and the next `pulumi up` calls `update`, which converges it.
 */
export class CreatedButFailedError extends Error {
  readonly reasons: string[];
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    what: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${what} exists in EM (id ${id}) but could not be finished: ${reason}. It is recorded in the stack; run 'pulumi up' again to finish it.`, { cause });
    this.name = "CreatedButFailedError";
    this.reasons = [reason];
  }
}

/** Runs the steps after an object exists; a failure becomes a CreatedButFailedError carrying the object. */
export async function finishCreated<T>(id: string, properties: () => Record<string, unknown>, what: string, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (err) {
    throw new CreatedButFailedError(id, plain(properties()), what, err);
  }
}

/** Outputs must be plain JSON for the engine: no undefined values anywhere. */
export function plain<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The declared arguments among `inputs`: what a refresh may hand back as inputs (the engine keeps no others). */
export function declaredArgs(inputs: object, argNames: readonly string[]): string[] {
  return argNames.filter((name) => (inputs as Record<string, unknown>)[name] !== undefined);
}

/** Only the named keys of a record, for inputs rebuilt from outputs on refresh. */
export function pick<T extends object>(record: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(record).filter(([k]) => keys.includes(k))) as T;
}
