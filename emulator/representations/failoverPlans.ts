import type { BackupServer, CloudFailoverPlan, Tenant } from "../model";
import type { Element } from "../wire/tree";
import { backupServerOf, tenantUid } from "./cloud";
import { el, leaf, link, links } from "./common";

/** The shapes of cloudfailoverplans_id: a reference (in lists and GET …/{id}) and the entity (?format=Entity). */
export function failoverPlanReference(api: string, plan: CloudFailoverPlan, tenant: Tenant, servers: BackupServer[], root = "Ref"): Element {
  const self = `${api}/cloud/cloudFailoverPlans/${plan.id}`;
  const server = backupServerOf(tenant, servers);
  return el(
    root,
    { Type: "CloudFailoverPlanReference", Href: self, Name: plan.name, UID: `urn:veeam:CloudFailoverPlan:${plan.id}` },
    links(
      link("Up", "BackupServerReference", `${api}/backupServers/${server.id}`, server.name),
      link("Alternate", "CloudFailoverPlan", `${self}?format=Entity`, plan.name),
      link("Related", "CloudTenant", `${api}/cloud/tenants/${tenant.id}?format=Entity`, tenant.name),
    ),
  );
}

export function failoverPlanEntity(api: string, plan: CloudFailoverPlan, tenant: Tenant, servers: BackupServer[]): Element {
  const self = `${api}/cloud/cloudFailoverPlans/${plan.id}`;
  const server = backupServerOf(tenant, servers);
  return el(
    "CloudFailoverPlan",
    { Type: "CloudFailoverPlan", Href: `${self}?format=Entity`, Name: plan.name, UID: `urn:veeam:CloudFailoverPlan:${plan.id}` },
    links(
      link("Up", "BackupServerReference", `${api}/backupServers/${server.id}`, server.name),
      link("Alternate", "CloudFailoverPlanReference", self, plan.name),
      link("Edit", "CloudFailoverPlanReference", self, plan.name),
      link("Start", undefined, `${self}?action=start`),
      link("Test", undefined, `${self}?action=test`),
      link("Undo", undefined, `${self}?action=undo`),
      link("Delete", "CloudFailoverPlanReference", self, plan.name),
    ),
    leaf("TenantUid", tenantUid(tenant.id)),
    leaf("TenantName", tenant.name),
    leaf("Description", plan.description),
  );
}
