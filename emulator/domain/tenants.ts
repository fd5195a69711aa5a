import { randomUUID } from "node:crypto";
import { EmError } from "../http/context";
import type { BackupServer, EmState, Repository, Task, Tenant, TenantResource } from "../model";
import type { Decoded } from "../wire/schema";
import { outcomeOf, RuleViolation } from "./subtenants";

/**
 * Tenant and backup-resource writes (post_tenants, put_tenants_id, delete_tenants_id, post_tenants_id_resources,
 * delete_tenants_id_resources_id). Sources and assumptions: docs/em-api-tenants.md.
 */

type Outcome = ReturnType<typeof outcomeOf>;

/** "Storage quota cannot be less than 1GB" (post_tenants, post_tenants_id_resources). */
export const MIN_TENANT_QUOTA_MB = 1024;
/** Add-VBRCloudTenant, parameter Name. */
const MAX_NAME_LENGTH = 128;
const FORBIDDEN_NAME_CHARACTERS = /[\\/:*?"<>|=;]/;
const THROTTLING_UNITS = ["Mbps", "KBps", "MBps"] as const;

const bareId = (uid: string, kind: string) => uid.replace(new RegExp(`^urn:veeam:${kind}:`, "i"), "");
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A backup server by its UID (urn:veeam:BackupServer:<guid>) or bare id. */
export function backupServerByUid(state: EmState, uid: string): BackupServer | undefined {
  return state.backupServers.find((s) => same(s.id, bareId(uid, "BackupServer")));
}

export function repositoryByUid(state: EmState, uid: string): Repository | undefined {
  return state.repositories.find((r) => same(r.id, bareId(uid, "Repository")));
}

export function findResource(tenant: Tenant, resourceId: string): TenantResource {
  const resource = tenant.resources.find((r) => same(r.id, resourceId));
  if (!resource) throw new EmError(404, `Resource '${resourceId}' of cloud tenant '${tenant.name}' was not found`);
  return resource;
}

function checkTenantName(state: EmState, name: string, backupServerId: string): void {
  if (name.trim() === "") throw new RuleViolation("The tenant name must not be empty");
  if (name.length > MAX_NAME_LENGTH) throw new RuleViolation(`The tenant name must not be longer than ${MAX_NAME_LENGTH} characters`);
  if (FORBIDDEN_NAME_CHARACTERS.test(name)) throw new RuleViolation(`The tenant name '${name}' must not contain any of \\/:*?"<>|=;`);
  if (name.endsWith(".")) throw new RuleViolation(`The tenant name '${name}' must not end with a period`);
  if (state.tenants.some((t) => t.backupServerId === backupServerId && same(t.name, name))) {
    throw new RuleViolation(`Cloud tenant '${name}' already exists on this backup server`);
  }
}

/** ISO 8601 without milliseconds, as EM writes dates. */
function leaseDate(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RuleViolation(`'${value}' is not a valid date and time for the lease expiration`);
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function throttlingOf(body: Decoded, current: Tenant["throttling"]): Tenant["throttling"] {
  const enabled = (body.ThrottlingEnabled as boolean | undefined) ?? current?.enabled;
  const limit = (body.ThrottlingSpeedLimit as number | undefined) ?? current?.speedLimitMbps;
  const unit = (body.ThrottlingSpeedUnit as string | undefined) ?? current?.unit;
  if (enabled === undefined && limit === undefined && unit === undefined) return current;
  const knownUnit = unit === undefined ? undefined : THROTTLING_UNITS.find((u) => u === unit);
  if (unit !== undefined && !knownUnit) throw new RuleViolation(`ThrottlingSpeedUnit '${unit}' is not valid; allowed values: ${THROTTLING_UNITS.join(", ")}`);
  if (limit !== undefined && limit < 1) throw new RuleViolation(`ThrottlingSpeedLimit must be at least 1; got ${limit}`);
  return { enabled: enabled ?? false, speedLimitMbps: limit ?? 1, ...(knownUnit ? { unit: knownUnit } : {}) };
}

function checkMaxConcurrentTasks(value: number | undefined): void {
  if (value !== undefined && value < 1) throw new RuleViolation(`MaxConcurrentTasks must be at least 1; got ${value}`);
}

/** A quota on a repository of the tenant's backup server that the tenant has no quota on yet. */
function checkNewResource(state: EmState, tenant: Pick<Tenant, "name" | "backupServerId" | "resources">, spec: { name: string; repositoryUid: string; quotaMb: number }): Repository {
  const repository = repositoryByUid(state, spec.repositoryUid);
  if (!repository) throw new RuleViolation(`Repository '${spec.repositoryUid}' was not found`);
  if (repository.backupServerId !== tenant.backupServerId) {
    throw new RuleViolation(`Repository '${repository.name}' belongs to another backup server than cloud tenant '${tenant.name}'`);
  }
  if (spec.name.trim() === "") throw new RuleViolation("The backup resource name must not be empty");
  if (spec.quotaMb < MIN_TENANT_QUOTA_MB) throw new RuleViolation(`Storage quota cannot be less than 1 GB (${MIN_TENANT_QUOTA_MB} MB); got ${spec.quotaMb} MB`);
  if (tenant.resources.some((r) => same(bareId(r.repositoryUid, "Repository"), repository.id))) {
    throw new RuleViolation(`Cloud tenant '${tenant.name}' already has a quota on repository '${repository.name}'`);
  }
  if (tenant.resources.some((r) => same(r.displayName, spec.name))) throw new RuleViolation(`Cloud tenant '${tenant.name}' already has a backup resource named '${spec.name}'`);
  return repository;
}

function newResource(repository: Repository, spec: { name: string; quotaMb: number; wanAcceleratorUid?: string }): TenantResource {
  const wan = spec.wanAcceleratorUid === undefined || spec.wanAcceleratorUid === "" ? {} : { wanAcceleratorUid: spec.wanAcceleratorUid };
  return { id: randomUUID(), displayName: spec.name, repositoryUid: `urn:veeam:Repository:${repository.id}`, quotaMb: spec.quotaMb, usedQuotaMb: 0, ...wan };
}

function resourceSpec(body: Decoded): { name: string; repositoryUid: string; quotaMb: number; wanAcceleratorUid?: string } {
  return { name: String(body.Name), repositoryUid: String(body.RepositoryUid), quotaMb: body.QuotaMb as number, wanAcceleratorUid: body.WanAcceleratorUid as string | undefined };
}

/** A tenant's data on a repository it no longer has a quota on stays there (assumed; see docs/em-api-tenants.md). */
function retainBackups(state: EmState, tenant: Tenant, resource: TenantResource): void {
  if (resource.usedQuotaMb === 0) return;
  const repository = repositoryByUid(state, resource.repositoryUid);
  if (repository) (repository.retainedBackups ??= []).push({ tenantName: tenant.name, usedMb: resource.usedQuotaMb });
}

function tenantTypeOf(value: string | undefined): Tenant["type"] {
  if (value === undefined || same(value, "Standalone")) return "Standalone";
  if (same(value, "vCD")) return "vCD";
  if (same(value, "ActiveDirectory")) throw new EmError(501, "The emulator does not create ActiveDirectory tenants (EM 13 no longer creates them at all)");
  throw new EmError(400, `TenantType '${value}' is not valid; allowed values: Standalone, vCD, ActiveDirectory`);
}

/** Checks made before the task starts: the backup server named must exist, the tenant type must be known. */
export function checkCreateSpec(state: EmState, spec: Decoded): { server: BackupServer; type: Tenant["type"] } {
  const server = backupServerByUid(state, String(spec.BackupServerUid));
  if (!server) throw new EmError(400, `Backup server '${String(spec.BackupServerUid)}' was not found`);
  const type = tenantTypeOf(spec.TenantType as string | undefined);
  if (type === "vCD" && spec.OrganizationRef === undefined) throw new EmError(400, "OrganizationRef is required for a vCD tenant");
  return { server, type };
}

/** The effect of a CreateCloudTenant task: EM's rules checked when the task runs, then the tenant and its quotas. */
export function createTenantEffect(state: EmState, spec: Decoded, server: BackupServer, type: Tenant["type"]): () => Outcome {
  return () =>
    outcomeOf((): Task["related"] => {
      const name = String(spec.Name);
      checkTenantName(state, name, server.id);
      const password = spec.Password as string | undefined;
      if (type === "Standalone" && (password === undefined || password === "")) throw new RuleViolation("A standalone tenant needs a password");
      checkMaxConcurrentTasks(spec.MaxConcurrentTasks as number | undefined);
      const tenant: Tenant = {
        id: randomUUID(),
        name,
        description: (spec.Description as string | undefined) ?? "",
        enabled: (spec.Enabled as boolean | undefined) ?? true,
        type,
        backupServerId: server.id,
        resources: [],
        maxConcurrentTasks: (spec.MaxConcurrentTasks as number | undefined) ?? 1,
      };
      if (type === "Standalone") tenant.password = password;
      if (type === "vCD") tenant.vcdOrganization = { name, users: [] };
      if (spec.LeaseExpirationDate !== undefined) tenant.leaseExpiration = leaseDate(String(spec.LeaseExpirationDate));
      const throttling = throttlingOf(spec, undefined);
      if (throttling) tenant.throttling = throttling;
      if (spec.BackupProtectionEnabled === true) tenant.backupProtectionDays = (spec.BackupProtectionPeriod as number | undefined) ?? 1;
      const resources = ((spec.Resources as Decoded | undefined)?.BackupResource as Decoded[] | undefined) ?? [];
      for (const body of resources) {
        const wanted = resourceSpec(body);
        tenant.resources.push(newResource(checkNewResource(state, tenant, wanted), wanted));
      }
      state.tenants.push(tenant);
      return { type: "CloudTenant", path: `cloud/tenants/${tenant.id}?format=Entity`, name: tenant.name };
    });
}

/** Quota edits of existing backup resources, as listed in an edit body's Resources (put_tenants_id). */
function editResources(state: EmState, tenant: Tenant, items: Decoded[]): TenantResource[] {
  const edited = tenant.resources.map((r) => ({ ...r }));
  for (const item of items) {
    const id = item.Id as string | undefined;
    const resource = id === undefined ? undefined : edited.find((r) => same(r.id, id));
    if (!resource) throw new RuleViolation(`Cloud tenant '${tenant.name}' has no backup resource '${id ?? "(without Id)"}'; add backup resources with POST /cloud/tenants/{ID}/resources`);
    const quota = (item.RepositoryQuota as Decoded | undefined) ?? {};
    const quotaMb = (quota.Quota as number | undefined) ?? resource.quotaMb;
    if (quotaMb < MIN_TENANT_QUOTA_MB) throw new RuleViolation(`Storage quota cannot be less than 1 GB (${MIN_TENANT_QUOTA_MB} MB); got ${quotaMb} MB`);
    if (quotaMb < resource.usedQuotaMb) {
      throw new RuleViolation(`The quota of ${quotaMb} MB on '${resource.displayName}' is smaller than the ${resource.usedQuotaMb} MB cloud tenant '${tenant.name}' already uses there`);
    }
    const repositoryUid = quota.RepositoryUid as string | undefined;
    if (repositoryUid !== undefined && !same(bareId(repositoryUid, "Repository"), bareId(resource.repositoryUid, "Repository"))) {
      const others = { ...tenant, resources: edited.filter((r) => r !== resource) };
      const repository = checkNewResource(state, others, { name: String(quota.DisplayName ?? resource.displayName), repositoryUid, quotaMb });
      retainBackups(state, tenant, resource);
      Object.assign(resource, { repositoryUid: `urn:veeam:Repository:${repository.id}`, usedQuotaMb: 0 });
    }
    resource.quotaMb = quotaMb;
    if (quota.DisplayName !== undefined) resource.displayName = String(quota.DisplayName);
  }
  return edited;
}

/** The effect of an EditCloudTenant task. An empty Password keeps the password (EM never shows it). */
export function editTenantEffect(state: EmState, tenant: Tenant, body: Decoded): () => Outcome {
  return () =>
    outcomeOf(() => {
      if (!state.tenants.includes(tenant)) throw new RuleViolation(`Cloud tenant '${tenant.name}' no longer exists`);
      checkMaxConcurrentTasks(body.MaxConcurrentTasks as number | undefined);
      const resourceItems = ((body.Resources as Decoded | undefined)?.CloudTenantResource as Decoded[] | undefined) ?? [];
      const resources = editResources(state, tenant, resourceItems);
      const throttling = throttlingOf(body, tenant.throttling);
      const lease = body.LeaseOptions as Decoded | undefined;
      let leaseExpiration = tenant.leaseExpiration;
      if (lease?.Enabled === false) leaseExpiration = undefined;
      if (lease?.Enabled === true) {
        if (lease.ExpirationDate === undefined) throw new RuleViolation("LeaseOptions: ExpirationDate is required when the lease is enabled");
        leaseExpiration = leaseDate(String(lease.ExpirationDate));
      }
      const password = body.Password as string | undefined;
      if (password !== undefined && password !== "" && tenant.type === "Standalone") tenant.password = password;
      if (body.Description !== undefined) tenant.description = String(body.Description);
      if (body.Enabled !== undefined) tenant.enabled = body.Enabled as boolean;
      if (body.MaxConcurrentTasks !== undefined) tenant.maxConcurrentTasks = body.MaxConcurrentTasks as number;
      // put_tenants_id does not say EM keeps what the body leaves out: the pessimistic reading, an edit without
      // BackupProtectionEnabled switches protection off (docs/em-api-tenants.md).
      if (body.BackupProtectionEnabled !== true) delete tenant.backupProtectionDays;
      if (body.BackupProtectionEnabled === true) tenant.backupProtectionDays = (body.BackupProtectionPeriod as number | undefined) ?? tenant.backupProtectionDays ?? 1;
      if (throttling) tenant.throttling = throttling;
      if (leaseExpiration === undefined) delete tenant.leaseExpiration;
      else tenant.leaseExpiration = leaseExpiration;
      tenant.resources = resources;
    });
}

/** The effect of a DeleteCloudTenant task: its subtenants go with it; its backups only with `includeBackups`. */
export function deleteTenantEffect(state: EmState, tenant: Tenant, includeBackups: boolean): () => Outcome {
  return () =>
    outcomeOf(() => {
      const index = state.tenants.indexOf(tenant);
      if (index < 0) throw new RuleViolation(`Cloud tenant '${tenant.name}' no longer exists`);
      if (!includeBackups) for (const resource of tenant.resources) retainBackups(state, tenant, resource);
      state.tenants.splice(index, 1);
      state.subtenants = state.subtenants.filter((s) => s.tenantId !== tenant.id);
    });
}

export function addResourceEffect(state: EmState, tenant: Tenant, body: Decoded): () => Outcome {
  return () =>
    outcomeOf((): Task["related"] => {
      if (!state.tenants.includes(tenant)) throw new RuleViolation(`Cloud tenant '${tenant.name}' no longer exists`);
      const wanted = resourceSpec(body);
      const resource = newResource(checkNewResource(state, tenant, wanted), wanted);
      tenant.resources.push(resource);
      // post_tenants_id_resources: the Related link names the tenant, not the quota.
      return { type: "CloudTenantResource", path: `cloud/tenants/${tenant.id}/resources/${resource.id}`, name: tenant.name };
    });
}

/** Subtenants hold their quota inside a tenant resource, so a resource they use cannot go (assumed). */
export function deleteResourceEffect(state: EmState, tenant: Tenant, resourceId: string): () => Outcome {
  return () =>
    outcomeOf(() => {
      const resource = tenant.resources.find((r) => r.id === resourceId);
      if (!resource) throw new RuleViolation(`Backup resource '${resourceId}' of cloud tenant '${tenant.name}' no longer exists`);
      const users = state.subtenants.filter((s) => s.tenantId === tenant.id && same(s.quota.tenantResourceId, resource.id));
      if (users.length > 0) {
        throw new RuleViolation(`Backup resource '${resource.displayName}' is used by subtenants ${users.map((s) => `'${s.name}'`).join(", ")}; remove them first`);
      }
      retainBackups(state, tenant, resource);
      tenant.resources = tenant.resources.filter((r) => r !== resource);
    });
}
