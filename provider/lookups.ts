/**
 * Look-ups for writing stacks by name instead of GUID. They run in the Pulumi program (not in the provider
 * plugin), with the same connection settings: stack config `veeam-em:*`, else the VEEAM_EM_* environment; or
 * with `options.connection`, the same connection a resource of another EM declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CloudTenant, CloudTenantResource, ConnectionSettings, EmClient } from "./client";
import { ConnectionConfigError, connectionProblem, connectionSettings, settingsOfConnection, type ConnectionArgs, type EmConnection } from "./resources/connection";
import { ADMIN_ONLY } from "./resources/base";
import { log, programPoolLog } from "./resources/log";
import { processClientPool } from "./resources/process-pool";
import { sameName } from "./resources/names";

export interface LookupOptions {
  /**
   * The EM to ask instead of the stack config and environment: the `connection` a resource declares (url,
   * username, password, ...; members may be Outputs, the password a secret), or the client's settings.
   */
  connection?: pulumi.Input<ConnectionArgs> | ConnectionSettings;
}

export type CloudTenantInfo = CloudTenant;
export type TenantQuotaInfo = CloudTenantResource & { tenantId: string; tenantName: string };
export interface RoleInfo {
  id: string;
  uid: string;
  name: string;
}

/** The process's clients, made on the first look-up (so a plugin process that loads this module never sets their log). */
const pool = () => processClientPool(programPoolLog(log));
let logOutHookInstalled = false;

const isClientSettings = (c: unknown): c is ConnectionSettings => c !== null && typeof c === "object" && !pulumi.Output.isInstance(c) && "credentials" in c;

/** The settings of a declared connection, its Outputs resolved (a secret password stays in memory only). */
async function settingsOf(connection: LookupOptions["connection"]): Promise<ConnectionSettings> {
  if (connection === undefined) return connectionSettings({ get: (key) => pulumi.runtime.getConfig(key) });
  if (isClientSettings(connection)) return connection;
  const plain = await new Promise<EmConnection>((resolve) => pulumi.output(connection).apply((c) => void resolve(c as EmConnection)));
  const problem = connectionProblem(plain, "options.connection");
  if (problem) throw new Error(`veeam-em look-up: ${problem.reason}`);
  return settingsOfConnection(plain);
}

async function client(options: LookupOptions | undefined): Promise<EmClient> {
  // Log out once the program has nothing left to do, rather than leave sessions for EM to expire. Installed by
  // the first look-up, so a program that only imports the package keeps its process as it was.
  if (!logOutHookInstalled) {
    logOutHookInstalled = true;
    process.once("beforeExit", () => void pool().closeAll());
  }
  const settings = await settingsOf(options?.connection);
  // EM's query service and role list are for administrators: a tenant session would only be answered 403.
  if (settings.credentials.kind !== "admin") {
      const key = settings.credentials.kind === "tenant" ? "tenantName" : "vcdOrganization";
      throw new ConnectionConfigError(ADMIN_ONLY(key), { key });
    }
  // One client per distinct connection: look-ups of different EMs share no session.
  return pool().get(settings);
}

/** A cloud tenant by name (EM compares names without case), with its quota resources. */
export async function getCloudTenant(args: { name: string }, options?: LookupOptions): Promise<CloudTenantInfo> {
  const em = await client(options);
  const tenant = await em.findTenantByName(args.name);
  if (tenant) return tenant;
  const names = (await em.listTenants()).map((t) => t.name);
  throw new Error(`getCloudTenant: EM has no cloud tenant named '${args.name}'; its tenants are: ${names.join(", ") || "(none)"}`);
}

/**
 * One quota resource of a tenant, by its display name or its repository's UID; with neither, the tenant's only
 * resource (an error if it has several).
 */
export async function getTenantQuota(args: { tenantName: string; displayName?: string; repositoryUid?: string }, options?: LookupOptions): Promise<TenantQuotaInfo> {
  const tenant = await getCloudTenant({ name: args.tenantName }, options);
  const candidates = tenant.resources.filter(
    (r) => (args.displayName === undefined || sameName(r.displayName, args.displayName)) && (args.repositoryUid === undefined || sameName(r.repositoryUid, args.repositoryUid)),
  );
  if (candidates.length === 1) return { ...candidates[0], tenantId: tenant.id, tenantName: tenant.name };
  const available = tenant.resources.map((r) => `'${r.displayName}' (${r.repositoryUid})`).join(", ") || "(none)";
  const wanted = [args.displayName && `display name '${args.displayName}'`, args.repositoryUid && `repository ${args.repositoryUid}`].filter(Boolean).join(" and ") || "no filter";
  const problem = candidates.length === 0 ? "has no quota resource with" : "has several quota resources matching";
  throw new Error(`getTenantQuota: tenant '${tenant.name}' ${problem} ${wanted}; its quota resources are: ${available}`);
}

/** An EM role by name (e.g. "Portal User"). */
export async function getRole(args: { name: string }, options?: LookupOptions): Promise<RoleInfo> {
  const roles = await (await client(options)).listRoles();
  const role = roles.find((r) => sameName(r.name, args.name));
  if (role) return role;
  throw new Error(`getRole: EM has no role named '${args.name}'; its roles are: ${roles.map((r) => r.name).join(", ")}`);
}
