/** EM response bodies → typed, JSON-safe objects, the same whichever wire format they came in. */
import { bool, findLink, idFromUid, items, lastSegment, links, type Link, num, obj, str, type Node } from "./read";

export type TenantType = "Standalone" | "ActiveDirectory" | "vCD";

const SERVER_IN_PATH = /\/backupServers\/([^/?#]+)/i;

export interface CloudTenantResource {
  id: string;
  displayName: string;
  repositoryUid: string;
  wanAcceleratorUid?: string;
  quotaMb: number;
  /** MB in use; undefined when EM's answer leaves UsedQuota out (as its examples of the tenant entity do). */
  usedQuotaMb?: number;
}

export interface CloudTenant {
  id: string;
  uid: string;
  name: string;
  description: string;
  enabled: boolean;
  type: TenantType;
  backupServerName: string;
  resources: CloudTenantResource[];
  /** The backup server's id, from the Up link (absent when EM gave no link). */
  backupServerId?: string;
  /** When the lease ends (LeaseOptions ExpirationDate); absent when the tenant has no lease. */
  leaseExpiration?: string;
  throttling?: TenantThrottling;
  maxConcurrentTasks?: number;
  /** Settings the provider does not manage, as read, so an edit can send them back unchanged. */
  unmanaged: TenantUnmanagedSettings;
}

/**
 * What a tenant edit must carry back because the stack does not manage it: put_tenants_id does not say that EM
 * keeps an element the body leaves out (docs/em-api-tenants.md).
 */
export interface TenantUnmanagedSettings {
  /** BackupProtectionEnabled (undefined: the answer had no such element). */
  backupProtectionEnabled?: boolean;
  /** BackupProtectionPeriod, in days. */
  backupProtectionPeriod?: number;
  /** FailoverToOtherGatewaysIfFail (the example spells it FailoverToOthersGatewaysIfFail). */
  failoverToOtherGatewaysIfFail?: boolean;
  /** Non-empty settings the edit body cannot carry back (replication resources, gateway pools), by element name. */
  notCarried: string[];
}

export interface TenantThrottling {
  enabled: boolean;
  speedLimit: number;
  /** Mbps, KBps or MBps (post_tenants). */
  unit: string;
}

/** A backup repository (get_repositories), with the backup server it belongs to. */
export interface Repository {
  id: string;
  uid: string;
  name: string;
  backupServerId: string;
  backupServerName: string;
}

export interface CloudSubtenantQuota {
  unlimited: boolean;
  displayName: string;
  tenantResourceId: string;
  quotaMb: number;
  usedQuotaMb: number;
  quotaId?: string;
}

export interface CloudSubtenant {
  id: string;
  tenantId: string;
  tenantName: string;
  name: string;
  description: string;
  enabled: boolean;
  quota: CloudSubtenantQuota;
}

export interface EntityRef {
  id: string;
  uid: string;
  name: string;
  type: string;
  href: string;
}

export interface EnterpriseAccount {
  id: string;
  uid: string;
  name: string;
  accountType: string;
  allowRestoreAllVms: boolean;
  flrSettings?: { flrInplaceOnly: boolean; flrExtentionRestrictions?: string };
  sqlSettings?: { denyInPlaceRestore: boolean };
}

export interface AccountRole {
  /** The role's GUID (last segment of the item's Href; equals the GUID of the role's UID). */
  roleId: string;
  roleName: string;
}

export interface AccountScope {
  id: string;
  name: string;
  hierarchyRootName: string;
  platform: string;
  hierarchyObjectType: string;
  state: string;
}

export interface EnterpriseRole {
  id: string;
  uid: string;
  name: string;
}

export type TaskState = "Running" | "OperationFinished" | "Finished" | string;

export interface Task {
  taskId: string;
  state: TaskState;
  operation: string;
  href: string;
  /** Present once EM reports a Result. */
  success?: boolean;
  message?: string;
  /** A finished create's `Rel="Related"` link to the object it made (post_tenants, post_tenants_id_resources). */
  related?: Link;
}

export interface LogonSession {
  sessionId: string;
  userName: string;
  href: string;
  /** The logout URL (Rel="Delete"). */
  deleteHref?: string;
}

export interface PagingInfo {
  pageNum: number;
  pageSize: number;
  pagesCount: number;
  next?: string;
  first?: string;
  last?: string;
}

export interface QueryPage {
  refs: EntityRef[];
  /** Raw entities (under Entities/<Plural> or Resources/<Plural>). */
  entities: Node[];
  paging?: PagingInfo;
}

export interface EmErrorBody {
  message?: string;
  statusCode?: number;
}

/** Thrown by a reader when a body lacks what it must have; the transport turns it into an EmApiError. */
export class ShapeError extends Error {}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === "") throw new ShapeError(`missing ${what}`);
  return value;
}

export function parseEntityRef(n: Node): EntityRef {
  const uid = str(n.UID) ?? str(n.Uid) ?? "";
  const href = str(n.Href) ?? "";
  return { id: idFromUid(uid) || lastSegment(href) || "", uid, name: str(n.Name) ?? "", type: str(n.Type) ?? "", href };
}

export function parseEntityReferences(body: unknown): EntityRef[] {
  return items(body, "Ref", "Refs").map(parseEntityRef);
}

/** GET /repositories: references whose Up link names the backup server. */
export function parseRepositories(body: unknown): Repository[] {
  return items(body, "Ref", "Refs").map((n) => {
    const ref = parseEntityRef(n);
    const up = findLink(n, "Up", "BackupServerReference") ?? findLink(n, "Up");
    return { id: ref.id, uid: ref.uid, name: ref.name, backupServerId: (up && SERVER_IN_PATH.exec(up.href)?.[1]) ?? "", backupServerName: up?.name ?? "" };
  });
}

function tenantType(value: unknown): TenantType {
  if (typeof value === "string") {
    const v = value.toLowerCase();
    return v === "activedirectory" ? "ActiveDirectory" : v === "vcd" ? "vCD" : "Standalone";
  }
  const t = obj(value);
  if (t) {
    if (obj(t.ADTenantType) || obj(t.ActiveDirectoryTenant)) return "ActiveDirectory";
    if (obj(t.vCloudTenant) || obj(t.VCloudTenant)) return "vCD";
  }
  return "Standalone";
}

export function parseCloudTenantResource(n: Node): CloudTenantResource {
  const q = obj(n.RepositoryQuota) ?? {};
  const r: CloudTenantResource = {
    id: str(n.Id) ?? lastSegment(str(n.Href)) ?? "",
    displayName: str(q.DisplayName) ?? "",
    repositoryUid: str(q.RepositoryUid) ?? "",
    quotaMb: num(q.Quota) ?? num(q.QuotaMb) ?? 0,
  };
  // Absent is unknown, not 0: a quota EM says nothing about may hold backups.
  const used = num(q.UsedQuota) ?? num(q.UsedQuotaMb);
  if (used !== undefined) r.usedQuotaMb = used;
  const wan = str(q.WanAcceleratorUid);
  if (wan) r.wanAcceleratorUid = wan;
  return r;
}

/** LeaseOptions: attributes Enabled and ExpirationDate (RestAPI.xsd); the get page's table calls the date LeaseExpirationDate. */
function leaseOf(n: Node): string | undefined {
  const lease = obj(n.LeaseOptions);
  if (!lease || bool(lease.Enabled) !== true) return undefined;
  return str(lease.ExpirationDate) ?? str(lease.LeaseExpirationDate);
}

/** The tenant's own settings beyond the query's common fields, present in the entity form. */
function tenantSettings(n: Node): Pick<CloudTenant, "backupServerId" | "leaseExpiration" | "throttling" | "maxConcurrentTasks"> {
  const out: Pick<CloudTenant, "backupServerId" | "leaseExpiration" | "throttling" | "maxConcurrentTasks"> = {};
  const server = findLink(n, "Up", "BackupServerReference") ?? findLink(n, "Up");
  const serverId = server && SERVER_IN_PATH.exec(server.href)?.[1];
  if (serverId) out.backupServerId = serverId;
  const lease = leaseOf(n);
  if (lease) out.leaseExpiration = lease;
  const enabled = bool(n.ThrottlingEnabled);
  if (enabled !== undefined) out.throttling = { enabled, speedLimit: num(n.ThrottlingSpeedLimit) ?? 1, unit: str(n.ThrottlingSpeedUnit) ?? "MBps" };
  const tasks = num(n.MaxConcurrentTasks);
  if (tasks !== undefined) out.maxConcurrentTasks = tasks;
  return out;
}

/** Elements with content the provider cannot write back: replication resources and gateway pools. */
const NOT_CARRIED = ["ComputeResources", "VCloudComputeResources", "CloudGatewayPools"] as const;

function unmanagedSettings(n: Node): TenantUnmanagedSettings {
  const out: TenantUnmanagedSettings = { notCarried: NOT_CARRIED.filter((name) => hasContent(n[name])) };
  const protection = bool(n.BackupProtectionEnabled);
  if (protection !== undefined) out.backupProtectionEnabled = protection;
  const period = num(n.BackupProtectionPeriod);
  if (period !== undefined) out.backupProtectionPeriod = period;
  const failover = bool(n.FailoverToOtherGatewaysIfFail) ?? bool(n.FailoverToOthersGatewaysIfFail);
  if (failover !== undefined) out.failoverToOtherGatewaysIfFail = failover;
  return out;
}

/** Whether an element holds anything: text, or a member with content (an empty list wrapper holds nothing). */
function hasContent(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.some(hasContent);
  if (typeof value === "object") return Object.values(value as Record<string, unknown>).some(hasContent);
  return true;
}

export function parseCloudTenant(n: Node): CloudTenant {
  const uid = str(n.UID) ?? "";
  const id = idFromUid(uid) || lastSegment(str(n.Href)) || "";
  return {
    ...tenantSettings(n),
    id: need(id, "CloudTenant UID"),
    uid: uid || `urn:veeam:CloudTenant:${id}`,
    name: str(n.Name) ?? "",
    description: str(n.Description) ?? "",
    enabled: bool(n.Enabled) ?? true,
    type: tenantType(n.TenantType),
    backupServerName: findLink(n, "Up", "BackupServerReference")?.name ?? findLink(n, "Up")?.name ?? "",
    resources: items(n.Resources, "CloudTenantResource", "CloudTenantResources").map(parseCloudTenantResource),
    unmanaged: unmanagedSettings(n),
  };
}

const TENANT_IN_PATH = /\/cloud\/tenants\/([^/?#]+)/i;

export function parseCloudSubtenant(n: Node, fallbackTenantId?: string): CloudSubtenant {
  const href = str(n.Href);
  const id = str(n.Id) ?? str(n.UID) ?? lastSegment(href);
  const up: Link | undefined = findLink(n, "Up", "CloudTenant") ?? links(n).find((l) => l.rel === "Up" && TENANT_IN_PATH.test(l.href));
  const tenantId = (up && TENANT_IN_PATH.exec(up.href)?.[1]) ?? (href && TENANT_IN_PATH.exec(href)?.[1]) ?? fallbackTenantId;
  const q = obj(n.RepositoryQuota) ?? {};
  const quota: CloudSubtenantQuota = {
    unlimited: bool(q.Unlimited) ?? false,
    displayName: str(q.DisplayName) ?? "",
    tenantResourceId: str(q.TenantResourceId) ?? "",
    quotaMb: num(q.QuotaMb) ?? 0,
    usedQuotaMb: num(q.UsedQuotaMb) ?? 0,
  };
  const quotaId = str(q.QuotaId);
  if (quotaId) quota.quotaId = quotaId;
  return {
    id: need(id, "CloudSubtenant Id"),
    tenantId: need(tenantId, "the CloudSubtenant's tenant (Up link of Type CloudTenant)"),
    tenantName: up?.name ?? "",
    name: str(n.Name) ?? "",
    description: str(n.Description) ?? "",
    enabled: bool(n.Enabled) ?? true,
    quota,
  };
}

export function parseCloudSubtenants(body: unknown, fallbackTenantId?: string): CloudSubtenant[] {
  return items(body, "CloudSubtenant", "CloudSubtenants").map((n) => parseCloudSubtenant(n, fallbackTenantId));
}

/** The prefix of an account's UID; its id follows. */
export const ACCOUNT_URN = "urn:veeam:EnterpriseAccount:";

export function parseEnterpriseAccount(n: Node): EnterpriseAccount {
  const uid = str(n.UID) ?? "";
  const id = idFromUid(uid) || lastSegment(str(n.Href)) || "";
  const account: EnterpriseAccount = {
    id: need(id, "EnterpriseAccount UID"),
    uid: uid || ACCOUNT_URN + id,
    name: str(n.Name) ?? "",
    accountType: str(n.AccountType) ?? "",
    allowRestoreAllVms: bool(n.AllowRestoreAllVms) ?? false,
  };
  const flr = obj(n.FlrSettings);
  if (flr) {
    account.flrSettings = { flrInplaceOnly: bool(flr.FlrInplaceOnly) ?? false };
    const ext = str(flr.FlrExtentionRestrictions);
    if (ext) account.flrSettings.flrExtentionRestrictions = ext;
  }
  const sql = obj(n.SqlSettings);
  if (sql) account.sqlSettings = { denyInPlaceRestore: bool(sql.DenyInPlaceRestore) ?? false };
  return account;
}

export function parseAccountRoles(body: unknown): AccountRole[] {
  return items(body, "EnterpriseAccountInRole", "EnterpriseAccountInRoles", "EnterpriseAccountInRoleList").map((n) => {
    const href = str(n.Href) ?? findLink(n, "Delete")?.href;
    return { roleId: need(lastSegment(href), "EnterpriseAccountInRole Href"), roleName: str(n.RoleName) ?? "" };
  });
}

export function parseAccountScopes(body: unknown): AccountScope[] {
  return items(body, "EnterpriseAccountHierarchyScope", "EnterpriseAccountHierarchyScopes").map((n) => ({
    id: need(lastSegment(str(n.Href) ?? findLink(n, "Delete")?.href), "EnterpriseAccountHierarchyScope Href"),
    name: str(n.Name) ?? "",
    hierarchyRootName: str(n.HierarchyRootName) ?? "",
    platform: str(n.Platform) ?? "",
    hierarchyObjectType: str(n.HierarchyObjectType) ?? "",
    state: str(n.State) ?? "",
  }));
}

/** GET /security/accounts?format=Entity: EnterpriseAccountList, XML <EnterpriseAccounts> (mapping_link_types_to_xml_schema). */
export function parseEnterpriseAccountList(body: unknown): EnterpriseAccount[] {
  return items(body, "EnterpriseAccount", "EnterpriseAccounts").map(parseEnterpriseAccount);
}

export function parseRoles(body: unknown): EnterpriseRole[] {
  return parseEntityReferences(body).map((r) => ({ id: r.id, uid: r.uid, name: r.name }));
}

export function parseTask(body: unknown): Task {
  const n = obj(body);
  if (!n) throw new ShapeError("not a Task");
  const result = obj(n.Result);
  const task: Task = {
    taskId: need(str(n.TaskId), "Task TaskId"),
    state: need(str(n.State), "Task State"),
    operation: str(n.Operation) ?? "",
    href: str(n.Href) ?? findLink(n, "Delete")?.href ?? "",
  };
  if (result) {
    const success = bool(result.Success);
    if (success !== undefined) task.success = success;
    const message = str(result.Message);
    if (message !== undefined) task.message = message;
  }
  const related = findLink(n, "Related");
  if (related) task.related = related;
  return task;
}

export function parseLogonSession(body: unknown): LogonSession {
  const n = obj(body);
  if (!n) throw new ShapeError("not a LogonSession");
  const sessionId = str(n.SessionId) ?? lastSegment(str(n.Href));
  return {
    sessionId: need(sessionId, "LogonSession SessionId"),
    userName: str(n.UserName) ?? "",
    href: str(n.Href) ?? "",
    deleteHref: findLink(n, "Delete")?.href,
  };
}

export function parsePagingInfo(value: unknown): PagingInfo | undefined {
  const p = obj(value);
  if (!p) return undefined;
  const fix = (h: string | undefined) => h?.replace(/&amp;/g, "&");
  return {
    pageNum: num(p.PageNum) ?? 1,
    pageSize: num(p.PageSize) ?? 0,
    pagesCount: num(p.PagesCount) ?? 1,
    first: fix(findLink(p, "First")?.href),
    next: fix(findLink(p, "Next")?.href),
    last: fix(findLink(p, "Last")?.href),
  };
}

/** QueryResult: Refs/Ref, Entities/<Plural>/<Entity> or Resources/<Plural>/<Entity>, then PagingInfo. */
export function parseQueryResult(body: unknown, entity?: { singular: string; plural: string }): QueryPage {
  const n = obj(body);
  if (!n) throw new ShapeError("not a QueryResult");
  const refs = n.Refs !== undefined ? parseEntityReferences(n.Refs) : [];
  let entities: Node[] = [];
  if (entity) {
    for (const container of [n.Entities, n.Resources]) {
      const c = obj(container);
      if (c && (entity.plural in c || entity.singular in c)) {
        entities = items(c, entity.plural, entity.singular);
        break;
      }
    }
  }
  return { refs, entities, paging: parsePagingInfo(n.PagingInfo) };
}

/**
 * EM's Error body: Message and StatusCode as attributes or child elements, or JSON properties; real EM's JSON
 * also carries FirstChanceExceptionMessage, StackTrace and Status, often null
 * (`{"FirstChanceExceptionMessage":null,"Message":"…","StackTrace":null,"Status":null,"StatusCode":400}`).
 */
export function parseErrorBody(body: unknown): EmErrorBody {
  const n = obj(body);
  if (!n) return typeof body === "string" && body.trim() ? { message: body.trim() } : {};
  const out: EmErrorBody = {};
  const message = str(n.Message) ?? str(n.message) ?? str(n.FirstChanceExceptionMessage) ?? str(n._text);
  if (message) out.message = message;
  const code = num(n.StatusCode) ?? num(n.statusCode);
  if (code !== undefined) out.statusCode = code;
  return out;
}
