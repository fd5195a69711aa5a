/**
 * Look-ups for writing stacks by name instead of GUID. They run in the Pulumi program (not in the provider
 * plugin), with the same connection settings: stack config `veeam-em:*`, else the VEEAM_EM_* environment.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CloudTenant, CloudTenantResource, ConnectionSettings, EmClient } from "./client";
import { ClientPool, connectionSettings } from "./resources/connection";
import { log, poolLog } from "./resources/log";
import { sameName } from "./resources/names";

export interface LookupOptions {
  /** Connect with these settings instead of the stack config and environment. */
  connection?: ConnectionSettings;
}

export type CloudTenantInfo = CloudTenant;
export type TenantQuotaInfo = CloudTenantResource & { tenantId: string; tenantName: string };
export interface RoleInfo {
  id: string;
  uid: string;
  name: string;
}

const pool = new ClientPool(poolLog(log));
let logOutHookInstalled = false;

function client(options: LookupOptions | undefined): EmClient {
  // Log out once the program has nothing left to do, rather than leave sessions for EM to expire. Installed by
  // the first look-up, so a program that only imports the package keeps its process as it was.
  if (!logOutHookInstalled) {
    logOutHookInstalled = true;
    process.once("beforeExit", () => void pool.closeAll());
  }
  return pool.get(options?.connection ?? connectionSettings({ get: (key) => pulumi.runtime.getConfig(key) }));
}

/** A cloud tenant by name (EM compares names without case), with its quota resources. */
export async function getCloudTenant(args: { name: string }, options?: LookupOptions): Promise<CloudTenantInfo> {
  const em = client(options);
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
  const roles = await client(options).listRoles();
  const role = roles.find((r) => sameName(r.name, args.name));
  if (role) return role;
  throw new Error(`getRole: EM has no role named '${args.name}'; its roles are: ${roles.map((r) => r.name).join(", ")}`);
}
