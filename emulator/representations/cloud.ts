import type { BackupServer, Subtenant, Tenant, TenantResource } from "../model";
import { wrappedList, type Element } from "../wire/tree";
import { el, leaf, link, links } from "./common";

export const tenantUid = (id: string) => `urn:veeam:CloudTenant:${id}`;

export function backupServerOf(tenant: Tenant, servers: BackupServer[]): BackupServer {
  return servers.find((s) => s.id === tenant.backupServerId) ?? { id: tenant.backupServerId, name: tenant.backupServerId };
}

function resourceQuota(resource: TenantResource, where: "inTenant" | "alone"): Element {
  const hidden = resource.usedQuotaHidden === "everywhere" || (resource.usedQuotaHidden === "inTenant" && where === "inTenant");
  return el(
    "RepositoryQuota",
    undefined,
    leaf("DisplayName", resource.displayName),
    leaf("RepositoryUid", resource.repositoryUid),
    leaf("WanAcceleratorUid", resource.wanAcceleratorUid),
    leaf("Quota", resource.quotaMb),
    leaf("UsedQuota", hidden ? undefined : resource.usedQuotaMb),
  );
}

/** A tenant's quota as embedded in the tenant entity (no links, as in EM's examples). */
function embeddedResource(api: string, tenant: Tenant, resource: TenantResource): Element {
  return el("CloudTenantResource", { Type: "CloudTenantResource", Href: `${api}/cloud/tenants/${tenant.id}/resources/${resource.id}`, Id: resource.id }, resourceQuota(resource, "inTenant"));
}

/** GET /cloud/tenants/{id}/resources/{id}: the standalone form, with links. */
export function tenantResourceRepresentation(api: string, tenant: Tenant, resource: TenantResource, servers: BackupServer[]): Element {
  const server = backupServerOf(tenant, servers);
  const self = `${api}/cloud/tenants/${tenant.id}/resources/${resource.id}`;
  return el(
    "CloudTenantResource",
    { Type: "CloudTenantResource", Href: self, Id: resource.id },
    links(
      link("Delete", "CloudTenantResource", self, resource.displayName),
      link("Up", "CloudTenant", `${api}/cloud/tenants/${tenant.id}?format=Entity`, tenant.name),
      link("Up", "BackupServer", `${api}/backupServers/${server.id}?format=Entity`, server.name),
    ),
    resourceQuota(resource, "alone"),
  );
}

function tenantType(tenant: Tenant): Element {
  switch (tenant.type) {
    case "Standalone":
      return el("TenantType", undefined, el("StandaloneTenant", undefined, el("TenantCredentials", undefined, leaf("Username", tenant.name))));
    case "ActiveDirectory":
      return el(
        "TenantType",
        undefined,
        el("ADTenantType", undefined, el("Domain", undefined, leaf("DomainName", tenant.domainName ?? ""), leaf("DomainAccount", tenant.domainAccount), leaf("Port", 389)), leaf("Account", tenant.name)),
      );
    case "vCD":
      return el("TenantType", undefined, el("vCloudTenant", undefined, leaf("OrganizationName", tenant.vcdOrganization?.name ?? tenant.name)));
  }
}

export function tenantReference(api: string, tenant: Tenant, servers: BackupServer[], root = "Ref"): Element {
  const server = backupServerOf(tenant, servers);
  const self = `${api}/cloud/tenants/${tenant.id}`;
  return el(
    root,
    { Type: "CloudTenantReference", Href: self, Name: tenant.name, UID: tenantUid(tenant.id) },
    links(link("Up", "BackupServerReference", `${api}/backupServers/${server.id}`, server.name), link("Alternate", "CloudTenant", `${self}?format=Entity`, tenant.name)),
  );
}

/** The CloudTenant entity, shaped like EM's query example (GET /query?type=CloudTenant&format=Entities). */
export function tenantEntity(api: string, tenant: Tenant, servers: BackupServer[]): Element {
  const server = backupServerOf(tenant, servers);
  const self = `${api}/cloud/tenants/${tenant.id}`;
  const subtenantLinks = tenant.type === "Standalone" ? [link("Down", "CloudSubtenantList", `${self}/subtenants`), link("Create", "CloudSubtenant", `${self}/subtenants`)] : [];
  return el(
    "CloudTenant",
    { Type: "CloudTenant", Href: `${self}?format=Entity`, Name: tenant.name, UID: tenantUid(tenant.id) },
    links(
      link("Up", "BackupServerReference", `${api}/backupServers/${server.id}`, server.name),
      link("Alternate", "CloudTenantReference", self, tenant.name),
      link("Edit", "CloudTenantReference", self, tenant.name),
      link("Down", "CloudTenantResourceList", `${self}/resources`),
      link("Create", "CloudTenantResource", `${self}/resources`),
      link("Delete", undefined, self),
      ...subtenantLinks,
      link("Related", "FreeLicenseCounters", `${self}/freelicenseCounters`, "FreeLicenseCounters"),
    ),
    leaf("Description", tenant.description),
    leaf("Enabled", tenant.enabled),
    // The XSD's CloudTenantLeaseOptionsType: attributes Enabled and ExpirationDate (docs/em-api-tenants.md).
    el("LeaseOptions", { Enabled: tenant.leaseExpiration !== undefined, ExpirationDate: tenant.leaseExpiration }),
    wrappedList("Resources", "CloudTenantResources", tenant.resources.map((r) => embeddedResource(api, tenant, r))),
    leaf("LastResult", "Success"),
    wrappedList("ComputeResources", "CloudTenantComputeResources", []),
    leaf("ThrottlingEnabled", tenant.throttling?.enabled ?? false),
    leaf("ThrottlingSpeedLimit", tenant.throttling?.speedLimitMbps ?? 1),
    leaf("ThrottlingSpeedUnit", tenant.throttling?.unit ?? "MBps"),
    leaf("PublicIpCount", 0),
    leaf("BackupCount", 0),
    leaf("ReplicaCount", 0),
    leaf("MaxConcurrentTasks", tenant.maxConcurrentTasks),
    leaf("WorkStationBackupCount", 0),
    leaf("ServerBackupCount", 0),
    leaf("BackupProtectionEnabled", tenant.backupProtectionDays !== undefined),
    leaf("BackupProtectionPeriod", tenant.backupProtectionDays ?? 1),
    tenantType(tenant),
  );
}

/** `withQuotaId`: EM 13 reports the subtenant's quota object (the profile's subtenantQuotaId). */
export function subtenantEntity(api: string, subtenant: Subtenant, tenant: Tenant, servers: BackupServer[], withQuotaId = true): Element {
  const server = backupServerOf(tenant, servers);
  const self = `${api}/cloud/tenants/${tenant.id}/subtenants/${subtenant.id}`;
  const q = subtenant.quota;
  return el(
    "CloudSubtenant",
    { Type: "CloudSubtenant", Href: self, Id: subtenant.id },
    links(
      link("Edit", "CloudSubtenant", self, subtenant.name),
      link("Delete", undefined, self),
      link("Up", "CloudTenant", `${api}/cloud/tenants/${tenant.id}?format=Entity`, tenant.name),
      link("Up", "BackupServer", `${api}/backupServers/${server.id}?format=Entity`, server.name),
    ),
    leaf("Name", subtenant.name),
    leaf("Description", subtenant.description),
    // EM never returns a password.
    leaf("Password", ""),
    leaf("Enabled", subtenant.enabled),
    el(
      "RepositoryQuota",
      { Unlimited: q.unlimited },
      leaf("DisplayName", q.displayName),
      leaf("TenantResourceId", q.tenantResourceId),
      leaf("QuotaMb", q.quotaMb),
      leaf("UsedQuotaMb", q.usedQuotaMb),
      withQuotaId ? leaf("QuotaId", q.quotaId) : undefined,
    ),
  );
}

/** No References form of a subtenant is documented; this follows the shape of EM's other references. */
export function subtenantReference(api: string, subtenant: Subtenant, tenant: Tenant): Element {
  const self = `${api}/cloud/tenants/${tenant.id}/subtenants/${subtenant.id}`;
  return el(
    "Ref",
    { Type: "CloudSubtenantReference", Href: self, Name: subtenant.name, UID: `urn:veeam:CloudSubtenant:${subtenant.id}` },
    links(link("Up", "CloudTenantReference", `${api}/cloud/tenants/${tenant.id}`, tenant.name), link("Alternate", "CloudSubtenant", self, subtenant.name)),
  );
}
