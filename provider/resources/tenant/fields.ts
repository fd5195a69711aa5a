/**
 * The CloudTenant's fields: one place for each fact about them. Sources: EM's tenant pages (post_tenants,
 * put_tenants_id, delete_tenants_id, post_tenants_id_resources) and Veeam's Add-VBRCloudTenant cmdlet for the name
 * rules; see docs/em-api-tenants.md and docs/cloud-tenant.md.
 */
import type { CloudTenant, CloudTenantResource } from "../../client";
import { CONNECTION_FIELD, type Field, type ResourceFields } from "../fields";
import { cloudConnectNameProblem, listCharacters, nameKey, sameName } from "../names";
import { PASSWORD_POLICY_FIELD, passwordField } from "../subtenant/fields";

/** "Storage quota cannot be less than 1GB" (post_tenants, post_tenants_id_resources). */
export const MIN_TENANT_QUOTA_MB = 1024;
/** Add-VBRCloudTenant, parameter Name. */
export const TENANT_NAME_MAX = 128;
export const TENANT_NAME_FORBIDDEN = '\\/:*?"<>|=;';
/** ThrottlingSpeedUnit (post_tenants). */
export const THROTTLING_UNITS = ["Mbps", "KBps", "MBps"] as const;

/** What is wrong with a tenant name (length aside, which the table checks), or undefined. */
export function tenantNameProblem(name: string): string | undefined {
  return cloudConnectNameProblem(name, "tenant", TENANT_NAME_FORBIDDEN, "Add-VBRCloudTenant");
}

/** One backup resource as the stack declares it (`repository` by name or UID) and as the outputs show it. */
export interface BackupResourceValue {
  repository: string;
  quotaMb: number;
  name: string;
  /** Outputs only. */
  id?: string;
  repositoryUid?: string;
  usedQuotaMb?: number;
}

/** Two lists of backup resources ask for the same in EM: the same repositories, quotas and names, in any order. */
export function sameBackupResources(a: unknown, b: unknown): boolean {
  const key = (list: unknown) =>
    (Array.isArray(list) ? (list as BackupResourceValue[]) : [])
      .map((r) => `${nameKey(r.repository)}\n${r.quotaMb}\n${r.name}`)
      .sort()
      .join("\n\n");
  return key(a) === key(b);
}

const sameInstant = (a: unknown, b: unknown) => (a === undefined || a === null || b === undefined || b === null ? a === b || (a ?? undefined) === (b ?? undefined) : Date.parse(String(a)) === Date.parse(String(b)));

/** What EM reports about a tenant, where outputs and refreshed inputs come from. */
export interface TenantReport {
  tenant: CloudTenant;
  /** The backup resources as the outputs show them, each with the repository as declared where it matches. */
  resources: BackupResourceValue[];
}

/** EM's backup resources with the repository spelled as the stack declared it (its UID where the stack has none). */
export function reportedResources(em: CloudTenantResource[], declared: readonly BackupResourceValue[] | undefined): BackupResourceValue[] {
  return em.map((r) => {
    const mine = declared?.find((d) => (d.repositoryUid !== undefined && sameName(d.repositoryUid, r.repositoryUid)) || sameName(d.repository, r.repositoryUid));
    return { repository: mine?.repository ?? r.repositoryUid, quotaMb: r.quotaMb, name: r.displayName, id: r.id, repositoryUid: r.repositoryUid, usedQuotaMb: r.usedQuotaMb };
  });
}

const BACKUP_RESOURCE_FIELDS: readonly Field[] = [
  { name: "repository", type: { kind: "string" }, doc: "the cloud repository, by name or UID", expects: "a repository of the tenant's backup server, by name or UID (urn:veeam:Repository:<guid>)", required: true, nonEmpty: true },
  { name: "quotaMb", type: { kind: "integer" }, doc: `quota in MB, at least ${MIN_TENANT_QUOTA_MB}`, required: true, min: MIN_TENANT_QUOTA_MB },
  { name: "name", type: { kind: "string" }, doc: "the quota's friendly name, unique in the tenant", expects: "the quota's friendly name", required: true, nonEmpty: true },
  { name: "id", argument: false, type: { kind: "string" }, doc: "EM's id of the quota: a Subtenant's `tenantResourceId`" },
  { name: "repositoryUid", argument: false, type: { kind: "string" }, doc: "the repository's UID" },
  { name: "usedQuotaMb", argument: false, type: { kind: "integer" }, doc: "MB of the quota in use; absent when EM did not report it" },
];

export const TENANT_FIELDS = {
  resource: "CloudTenant",
  // No uniqueName: names are unique per backup server, and deleting the old tenant first would risk its data for
  // nothing (a replacement under the same name on the same server is refused by EM before anything is deleted).
  fields: [
    {
      name: "name",
      type: { kind: "string" },
      doc: `the tenant's name, which is also its user name; unique on its backup server without regard to case; at most ${TENANT_NAME_MAX} characters, none of \`${listCharacters(TENANT_NAME_FORBIDDEN)}\`, no spaces at either end, no period at the end; EM cannot rename a tenant`,
      expects: `the tenant's name, at most ${TENANT_NAME_MAX} characters`,
      required: true,
      nonEmpty: true,
      maxLength: TENANT_NAME_MAX,
      nameRule: tenantNameProblem,
      onChange: "replace",
      compare: "name",
      reported: (r) => r.tenant.name,
      refresh: "declared",
    },
    passwordField("tenant"),
    PASSWORD_POLICY_FIELD,
    { name: "description", type: { kind: "string" }, doc: "free text", default: "", onChange: "update", reported: (r) => r.tenant.description, refresh: "em" },
    { name: "enabled", type: { kind: "boolean" }, doc: "whether the tenant may connect", default: true, onChange: "update", reported: (r) => r.tenant.enabled, refresh: "em" },
    {
      name: "backupServer",
      type: { kind: "string" },
      doc: "the backup server the tenant lives on, by name or UID (urn:veeam:BackupServer:<guid>); a tenant cannot move, so a change replaces it",
      expects: "a backup server EM knows, by name or UID",
      required: true,
      nonEmpty: true,
      onChange: "replace",
      compare: "name",
      refresh: "declared",
    },
    {
      name: "leaseExpiration",
      type: { kind: "string" },
      doc: "when the tenant's lease ends, ISO 8601 (e.g. 2030-12-31T00:00:00Z); no lease when left out",
      expects: "a date and time in ISO 8601, e.g. 2030-12-31T00:00:00Z",
      pattern: { regex: /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?$/, describe: "an ISO 8601 date, e.g. 2030-12-31 or 2030-12-31T00:00:00Z" },
      onChange: "update",
      compare: { same: sameInstant },
      reported: (r) => r.tenant.leaseExpiration,
      refresh: "em",
      refreshAlsoWhen: (r) => r.tenant.leaseExpiration !== undefined,
    },
    { name: "maxConcurrentTasks", type: { kind: "integer" }, doc: "how many tasks the tenant may run at once", default: 1, min: 1, onChange: "update", reported: (r) => r.tenant.maxConcurrentTasks, refresh: "em" },
    {
      name: "throttling",
      type: {
        kind: "object",
        fields: [
          { name: "enabled", type: { kind: "boolean" }, doc: "limit the tenant's incoming traffic", required: true },
          { name: "speedLimit", type: { kind: "integer" }, doc: "the limit, in `unit`", min: 1 },
          { name: "unit", type: { kind: "enum", values: THROTTLING_UNITS }, doc: "Mbps, KBps or MBps (default MBps)" },
        ],
      },
      doc: "bandwidth limit of the tenant's traffic `{ enabled, speedLimit, unit }`; EM's setting stands when left out",
      onChange: "update",
      optionalInDiff: true,
      compare: { same: (a, b) => JSON.stringify(throttlingOf(a)) === JSON.stringify(throttlingOf(b)) },
      reported: (r) => r.tenant.throttling && throttlingOf(r.tenant.throttling),
      refresh: "em",
    },
    {
      name: "backupResources",
      type: { kind: "list", item: { kind: "object", fields: BACKUP_RESOURCE_FIELDS } },
      doc: "quotas on cloud repositories `{ repository, quotaMb, name }`, one per repository; an added one is created, a removed one deleted (refused while it holds data unless `allowBackupResourceDataLoss`), a changed quota or name edited in place; the outputs add each quota's `id`",
      onChange: "update",
      compare: { same: sameBackupResources },
      reported: (r) => r.resources,
      refresh: (_old, r: TenantReport) => r.resources.map(({ repository, quotaMb, name }) => ({ repository, quotaMb, name })),
    },
    {
      name: "deleteBackupsOnDestroy",
      type: { kind: "boolean" },
      doc: "delete the tenant's backups from the cloud repositories when the tenant is destroyed (EM's `includeBackups`); by default they are kept",
      default: false,
      // Read by delete from the stored outputs: a change must reach them (an update with no write to EM).
      onChange: "state",
    },
    {
      name: "allowBackupResourceDataLoss",
      type: { kind: "boolean" },
      doc: "allow removing a backup resource (or moving it to another repository) while the tenant's backups are in it; by default that is refused",
      default: false,
      onChange: "state",
    },
    { name: "adopt", type: { kind: "boolean" }, doc: "take over an existing tenant of that name on that backup server instead of failing", onChange: "none", output: false },
    CONNECTION_FIELD,
    { name: "tenantId", argument: false, type: { kind: "string" }, doc: "EM's id of the tenant", reported: (r) => r.tenant.id },
    { name: "tenantUid", argument: false, type: { kind: "string" }, doc: "EM's UID of the tenant (urn:veeam:CloudTenant:<guid>)", reported: (r) => r.tenant.uid },
    { name: "backupServerId", argument: false, type: { kind: "string" }, doc: "EM's id of the backup server", reported: (r) => r.tenant.backupServerId },
  ],
  relations: [],
} as const satisfies ResourceFields<TenantReport>;

/** Throttling with EM's defaults filled in, so a declared and a reported value compare. */
function throttlingOf(value: unknown): { enabled: boolean; speedLimit: number; unit: string } | undefined {
  if (value === undefined || value === null || typeof value !== "object") return undefined;
  const t = value as { enabled?: boolean; speedLimit?: number; unit?: string };
  return { enabled: t.enabled === true, speedLimit: t.speedLimit ?? 1, unit: t.unit ?? "MBps" };
}
