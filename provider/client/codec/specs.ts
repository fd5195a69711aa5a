/** EM request bodies: typed specs, their element trees in EM's XSD order, and decoders (for round trips). */
import { type Element, leaf } from "./element";
import { bool, items, num, obj, str, type Node } from "./read";

/** POST /cloud/tenants/{id}/subtenants. */
export interface CloudSubtenantCreateSpec {
  name: string;
  description?: string;
  password: string;
  enabled?: boolean;
  tenantResourceId: string;
  quotaName?: string;
  /** Required when unlimitedQuota is false; at least 1024. */
  quotaMb?: number;
  unlimitedQuota: boolean;
}

/** PUT /cloud/tenants/{id}/subtenants/{id}: the body is the CloudSubtenant entity itself. */
export interface CloudSubtenantEditSpec {
  /** Optional identifying attributes, as in EM's example. */
  href?: string;
  id?: string;
  /** EM cannot rename a subtenant; when given it must be the current name. */
  name?: string;
  description?: string;
  /** Empty or absent: the password is unchanged. */
  password?: string;
  enabled?: boolean;
  repositoryQuota?: {
    unlimited: boolean;
    displayName?: string;
    tenantResourceId?: string;
    quotaMb: number;
    /** Read-only on EM; accepted because EM's own example sends it. */
    usedQuotaMb?: number;
  };
}

/** A quota on a cloud repository: a BackupResource of a tenant create, or POST /cloud/tenants/{id}/resources. */
export interface CloudTenantResourceCreateSpec {
  name: string;
  repositoryUid: string;
  /** At least 1024 ("Storage quota cannot be less than 1GB"). */
  quotaMb: number;
  wanAcceleratorUid?: string;
}

export interface CloudTenantThrottlingSpec {
  enabled: boolean;
  speedLimit?: number;
  /** Mbps, KBps or MBps. */
  unit?: string;
}

/** POST /cloud/tenants, a standalone tenant (post_tenants). */
export interface CloudTenantCreateSpec {
  name: string;
  description?: string;
  password: string;
  enabled?: boolean;
  /** ISO 8601. */
  leaseExpirationDate?: string;
  resources?: CloudTenantResourceCreateSpec[];
  throttling?: CloudTenantThrottlingSpec;
  backupServerUid: string;
  maxConcurrentTasks?: number;
}

/**
 * PUT /cloud/tenants/{id}: the CloudTenant entity with what changes. EM answers 500 to a body without TenantType
 * (docs/em-api-tenants.md), so it is always written; every backup resource is listed, so none depends on how EM
 * treats one left out.
 */
export interface CloudTenantEditSpec {
  href?: string;
  /** The current name; EM cannot rename a tenant. */
  name: string;
  uid?: string;
  /** Empty or absent: the password is unchanged. */
  password?: string;
  description?: string;
  enabled?: boolean;
  /** undefined: no lease; else ISO 8601. */
  leaseExpiration?: string;
  resources: Array<{ id: string; href?: string; displayName: string; repositoryUid: string; wanAcceleratorUid?: string; quotaMb: number }>;
  throttling?: CloudTenantThrottlingSpec;
  maxConcurrentTasks?: number;
  /** Sent back as read: what the stack does not manage (backup protection, gateway failover). */
  backupProtectionEnabled?: boolean;
  backupProtectionPeriod?: number;
  failoverToOtherGatewaysIfFail?: boolean;
}

export type AccountType = "User" | "Group" | "ExternalUser" | "ExternalGroup";

export interface HierarchyScopeItem {
  hierarchyObjRef?: string;
  objectName?: string;
}

/** POST /security/accounts. */
export interface EnterpriseAccountCreateSpec {
  accountType: AccountType;
  accountName: string;
  /** Role UIDs (urn:veeam:EnterpriseRole:<guid>), at least one. */
  roles: string[];
  allowRestoreAllVms: boolean;
  hierarchyScopeObjects?: HierarchyScopeItem[];
  flrSettings?: { flrInplaceOnly: boolean; flrExtentionRestrictions?: string };
  sqlSettings?: { denyInPlaceRestore: boolean };
}

/** POST /security/accounts/{id}/roles. */
export interface EnterpriseAccountInRoleCreateSpec {
  enterpriseRoleUid: string;
}

/** POST /security/accounts/{id}/scopes. */
export interface HierarchyScopeCreateSpec {
  items: HierarchyScopeItem[];
}

/** POST /sessionMngr/ for tenants (admins use HTTP Basic and send no body). */
export type LoginSpec =
  | { kind: "tenant"; username: string; password: string }
  | { kind: "vcd"; organizationName: string; login: string; password: string };

export function cloudSubtenantCreateSpec(spec: CloudSubtenantCreateSpec): Element {
  return {
    name: "CloudSubtenantCreateSpec",
    children: [
      ...leaf("Name", spec.name),
      ...leaf("Description", spec.description),
      ...leaf("Password", spec.password),
      ...leaf("Enabled", spec.enabled),
      ...leaf("TenantResourceId", spec.tenantResourceId),
      ...leaf("QuotaName", spec.quotaName),
      ...leaf("QuotaMb", spec.quotaMb),
      ...leaf("UnlimitedQuota", spec.unlimitedQuota),
    ],
  };
}

export function cloudSubtenantEditSpec(spec: CloudSubtenantEditSpec): Element {
  const q = spec.repositoryQuota;
  return {
    name: "CloudSubtenant",
    attrs: { Href: spec.href, Type: spec.href !== undefined || spec.id !== undefined ? "CloudSubtenant" : undefined, Id: spec.id },
    jsonAttrOrder: ["Id", "Href", "Type"],
    children: [
      ...leaf("Name", spec.name),
      ...leaf("Description", spec.description),
      ...leaf("Password", spec.password),
      ...leaf("Enabled", spec.enabled),
      ...(q
        ? [
            {
              name: "RepositoryQuota",
              attrs: { Unlimited: q.unlimited },
              children: [...leaf("DisplayName", q.displayName), ...leaf("TenantResourceId", q.tenantResourceId), ...leaf("QuotaMb", q.quotaMb), ...leaf("UsedQuotaMb", q.usedQuotaMb)],
            },
          ]
        : []),
    ],
  };
}

function throttlingElements(t: CloudTenantThrottlingSpec | undefined): Element[] {
  return t ? [...leaf("ThrottlingEnabled", t.enabled), ...leaf("ThrottlingSpeedLimit", t.speedLimit), ...leaf("ThrottlingSpeedUnit", t.unit)] : [];
}

function resourceCreateChildren(r: CloudTenantResourceCreateSpec): Element[] {
  return [...leaf("Name", r.name), ...leaf("RepositoryUid", r.repositoryUid), ...leaf("QuotaMb", r.quotaMb), ...leaf("WanAcceleratorUid", r.wanAcceleratorUid)];
}

/** In the order of EM's examples and RestAPI.xsd (docs/em-api-tenants.md). */
export function cloudTenantCreateSpec(spec: CloudTenantCreateSpec): Element {
  const resources = spec.resources ?? [];
  return {
    name: "CreateCloudTenantSpec",
    children: [
      ...leaf("Name", spec.name),
      ...leaf("Description", spec.description),
      ...leaf("Password", spec.password),
      ...leaf("Enabled", spec.enabled),
      ...leaf("LeaseExpirationDate", spec.leaseExpirationDate),
      ...(resources.length > 0 ? [{ name: "Resources", jsonList: "BackupResources", children: resources.map((r) => ({ name: "BackupResource", children: resourceCreateChildren(r) })) }] : []),
      ...throttlingElements(spec.throttling),
      ...leaf("BackupServerUid", spec.backupServerUid),
      ...leaf("MaxConcurrentTasks", spec.maxConcurrentTasks),
      ...leaf("TenantType", "Standalone"),
    ],
  };
}

export function cloudTenantResourceCreateSpec(spec: CloudTenantResourceCreateSpec): Element {
  return { name: "CreateCloudTenantResourceSpec", children: resourceCreateChildren(spec) };
}

/** The CloudTenant entity, elements in the entity's order (tenants_id); TenantType in its entity form. */
export function cloudTenantEditSpec(spec: CloudTenantEditSpec): Element {
  const lease: Element = { name: "LeaseOptions", attrs: { Enabled: spec.leaseExpiration !== undefined, ExpirationDate: spec.leaseExpiration } };
  const resources: Element = {
    name: "Resources",
    jsonList: "CloudTenantResources",
    children: spec.resources.map((r) => ({
      name: "CloudTenantResource",
      attrs: { Type: "CloudTenantResource", Href: r.href, Id: r.id },
      children: [
        {
          name: "RepositoryQuota",
          children: [...leaf("DisplayName", r.displayName), ...leaf("RepositoryUid", r.repositoryUid), ...leaf("WanAcceleratorUid", r.wanAcceleratorUid), ...leaf("Quota", r.quotaMb)],
        },
      ],
    })),
  };
  const tenantType: Element = { name: "TenantType", children: [{ name: "StandaloneTenant", children: [{ name: "TenantCredentials", children: [{ name: "Username", text: spec.name }] }] }] };
  return {
    name: "CloudTenant",
    attrs: { Type: "CloudTenant", Href: spec.href, Name: spec.name, UID: spec.uid },
    children: [
      ...leaf("Password", spec.password ?? ""),
      ...leaf("Description", spec.description),
      ...leaf("Enabled", spec.enabled),
      lease,
      resources,
      ...throttlingElements(spec.throttling),
      ...leaf("MaxConcurrentTasks", spec.maxConcurrentTasks),
      ...leaf("BackupProtectionEnabled", spec.backupProtectionEnabled),
      ...leaf("BackupProtectionPeriod", spec.backupProtectionPeriod),
      tenantType,
      ...leaf("FailoverToOtherGatewaysIfFail", spec.failoverToOtherGatewaysIfFail),
    ],
  };
}

function scopeItem(item: HierarchyScopeItem): Element {
  return { name: "HierarchyScopeItem", children: [...leaf("HierarchyObjRef", item.hierarchyObjRef), ...leaf("ObjectName", item.objectName)] };
}

export function enterpriseAccountCreateSpec(spec: EnterpriseAccountCreateSpec): Element {
  const children: Element[] = [
    { name: "AccountType", text: spec.accountType },
    { name: "AccountName", text: spec.accountName },
    { name: "Roles", jsonList: "EnterpriseRoles", children: spec.roles.map((uid) => ({ name: "EnterpriseRole", children: [{ name: "EnterpriseRoleUid", text: uid }] })) },
    { name: "AllowRestoreAllVms", text: spec.allowRestoreAllVms },
  ];
  if (spec.hierarchyScopeObjects) children.push({ name: "HierarchyScopeObjects", jsonList: "HierarchyScopeItems", children: spec.hierarchyScopeObjects.map(scopeItem) });
  if (spec.flrSettings) {
    children.push({ name: "FlrSettings", children: [...leaf("FlrInplaceOnly", spec.flrSettings.flrInplaceOnly), ...leaf("FlrExtentionRestrictions", spec.flrSettings.flrExtentionRestrictions)] });
  }
  if (spec.sqlSettings) children.push({ name: "SqlSettings", children: leaf("DenyInPlaceRestore", spec.sqlSettings.denyInPlaceRestore) });
  return { name: "EnterpriseAccountCreateSpec", children };
}

export function enterpriseAccountInRoleCreateSpec(spec: EnterpriseAccountInRoleCreateSpec): Element {
  return { name: "EnterpriseAccountInRoleCreateSpec", children: [{ name: "EnterpriseRoleUid", text: spec.enterpriseRoleUid }] };
}

export function hierarchyScopeCreateSpec(spec: HierarchyScopeCreateSpec): Element {
  return { name: "HierarchyScopeCreateSpec", jsonList: "HierarchyScopeItems", children: spec.items.map(scopeItem) };
}

export function loginSpec(spec: LoginSpec): Element {
  const inner: Element =
    spec.kind === "tenant"
      ? { name: "TenantCredentials", children: [{ name: "Username", text: spec.username }, { name: "Password", text: spec.password }] }
      : {
          name: "VCloudOrganizationCredentials",
          children: [
            { name: "OrganizationName", text: spec.organizationName },
            { name: "Login", text: spec.login },
            { name: "Password", text: spec.password },
          ],
        };
  return { name: "LoginSpec", children: [inner] };
}

// ---- decoders (parsed XML or JSON → spec), used to check round trips and by anyone reading a spec back ----

function defined<T extends object>(value: T): T {
  for (const k of Object.keys(value) as Array<keyof T>) if (value[k] === undefined) delete value[k];
  return value;
}

export function decodeCloudSubtenantCreateSpec(n: Node): CloudSubtenantCreateSpec {
  return defined({
    name: str(n.Name) ?? "",
    description: str(n.Description),
    password: str(n.Password) ?? "",
    enabled: bool(n.Enabled),
    tenantResourceId: str(n.TenantResourceId) ?? "",
    quotaName: str(n.QuotaName),
    quotaMb: num(n.QuotaMb),
    unlimitedQuota: bool(n.UnlimitedQuota) ?? false,
  });
}

export function decodeCloudSubtenantEditSpec(n: Node): CloudSubtenantEditSpec {
  const q = obj(n.RepositoryQuota);
  return defined({
    href: str(n.Href),
    id: str(n.Id),
    name: str(n.Name),
    description: str(n.Description),
    password: str(n.Password),
    enabled: bool(n.Enabled),
    repositoryQuota: q
      ? defined({ unlimited: bool(q.Unlimited) ?? false, displayName: str(q.DisplayName), tenantResourceId: str(q.TenantResourceId), quotaMb: num(q.QuotaMb) ?? 0, usedQuotaMb: num(q.UsedQuotaMb) })
      : undefined,
  });
}

function decodeScopeItems(value: unknown): HierarchyScopeItem[] {
  return items(value, "HierarchyScopeItem", "HierarchyScopeItems").map((i) => defined({ hierarchyObjRef: str(i.HierarchyObjRef), objectName: str(i.ObjectName) }));
}

export function decodeEnterpriseAccountCreateSpec(n: Node): EnterpriseAccountCreateSpec {
  const flr = obj(n.FlrSettings);
  const sql = obj(n.SqlSettings);
  return defined({
    accountType: (str(n.AccountType) ?? "User") as AccountType,
    accountName: str(n.AccountName) ?? "",
    roles: items(n.Roles, "EnterpriseRole", "EnterpriseRoles").map((r) => str(r.EnterpriseRoleUid) ?? ""),
    allowRestoreAllVms: bool(n.AllowRestoreAllVms) ?? false,
    hierarchyScopeObjects: n.HierarchyScopeObjects === undefined || n.HierarchyScopeObjects === null ? undefined : decodeScopeItems(n.HierarchyScopeObjects),
    flrSettings: flr ? defined({ flrInplaceOnly: bool(flr.FlrInplaceOnly) ?? false, flrExtentionRestrictions: str(flr.FlrExtentionRestrictions) }) : undefined,
    sqlSettings: sql ? { denyInPlaceRestore: bool(sql.DenyInPlaceRestore) ?? false } : undefined,
  });
}

export function decodeEnterpriseAccountInRoleCreateSpec(n: Node): EnterpriseAccountInRoleCreateSpec {
  return { enterpriseRoleUid: str(n.EnterpriseRoleUid) ?? "" };
}

export function decodeHierarchyScopeCreateSpec(n: Node): HierarchyScopeCreateSpec {
  return { items: decodeScopeItems(n) };
}

export function decodeLoginSpec(n: Node): LoginSpec | undefined {
  const t = obj(n.TenantCredentials);
  if (t) return { kind: "tenant", username: str(t.Username) ?? "", password: str(t.Password) ?? "" };
  const v = obj(n.VCloudOrganizationCredentials);
  if (v) return { kind: "vcd", organizationName: str(v.OrganizationName) ?? "", login: str(v.Login) ?? "", password: str(v.Password) ?? "" };
  return undefined;
}
