import type { Session } from "../model";
import { el, leaf, link, links } from "./common";
import type { Element } from "../wire/tree";

/** The Down links of an administrator's logon session, in the order EM's reference lists them. */
const ADMIN_DOWN_LINKS: Array<[type: string, path: string, name?: string]> = [
  ["BackupServerReferenceList", "backupServers"],
  ["ManagedServerReferenceList", "managedServers"],
  ["JobReferenceList", "jobs"],
  ["FailoverPlanReferenceList", "failoverPlans"],
  ["HierarchyRootReferenceList", "hierarchyRoots"],
  ["RepositoryReferenceList", "repositories"],
  ["BackupReferenceList", "backups"],
  ["RestorePointReferenceList", "restorePoints"],
  ["VmRestorePointReferenceList", "vmRestorePoints"],
  ["VAppRestorePointReferenceList", "vAppRestorePoints"],
  ["ReplicaReferenceList", "replicas"],
  ["VmReplicaPointReferenceList", "vmReplicaPoints"],
  ["CatalogVmReferenceList", "catalog/vms"],
  ["BackupJobSessionReferenceList", "backupSessions"],
  ["RestoreSessionReferenceList", "restoreSessions"],
  ["ReplicaJobSessionReferenceList", "replicaSessions"],
  ["BackupTaskSessionReferenceList", "backupTaskSessions"],
  ["ReplicaTaskSessionReferenceList", "replicaTaskSessions"],
  ["EnterpriseSecuritySettings", "security"],
  ["WanAcceleratorReferenceList", "wanAccelerators"],
  ["TaskList", "tasks"],
  ["QueryService", "querySvc"],
  ["LookupService", "lookupSvc"],
  ["Report", "reports/summary", "Summary"],
  ["BackupServerList", "backupServers?format=Entity"],
  ["ManagedServerList", "managedServers?format=Entity"],
];

const ADMIN_ENTITY_LIST_LINKS: Array<[type: string, path: string]> = [
  ["JobList", "jobs?format=Entity"],
  ["FailoverPlanList", "failoverPlans?format=Entity"],
  ["HierarchyRootList", "hierarchyRoots?format=Entity"],
  ["RepositoryList", "repositories?format=Entity"],
  ["BackupList", "backups?format=Entity"],
  ["RestorePointList", "restorePoints?format=Entity"],
  ["VmRestorePointList", "vmRestorePoints?format=Entity"],
  ["VAppRestorePointList", "vAppRestorePoints?format=Entity"],
  ["ReplicaList", "replicas?format=Entity"],
  ["VmReplicaPointList", "vmReplicaPoints?format=Entity"],
  ["CatalogVmList", "catalog/vms?format=Entity"],
  ["BackupJobSessionList", "backupSessions?format=Entity"],
  ["RestoreSessionList", "restoreSessions?format=Entity"],
  ["ReplicaJobSessionList", "replicaSessions?format=Entity"],
  ["BackupTaskSessionList", "backupTaskSessions?format=Entity"],
  ["ReplicaTaskSessionList", "replicaTaskSessions?format=Entity"],
  ["WanAcceleratorList", "wanAccelerators?format=Entity"],
];

export function logonSessionRepresentation(session: Session, api: string): Element {
  const self = `${api}/logonSessions/${session.id}`;
  const sessionLinks =
    session.kind === "admin"
      ? links(
          link("Up", "EnterpriseManager", `${api}/`),
          ...ADMIN_DOWN_LINKS.map(([type, path, name]) => link("Down", type, `${api}/${path}`, name)),
          link("Create", undefined, `${api}/backupServers?action=create`),
          ...ADMIN_ENTITY_LIST_LINKS.map(([type, path]) => link("Down", type, `${api}/${path}`)),
          link("Down", "CloudConnectService", `${api}/cloud`),
          link("Delete", "LogonSession", self),
        )
      : links(link("Up", "EnterpriseManager", `${api}/`), link("Down", "CloudConnectService", `${api}/cloud`), link("Delete", "LogonSession", self));
  return el("LogonSession", { Type: "LogonSession", Href: self }, sessionLinks, leaf("UserName", session.userName), leaf("SessionId", session.id));
}

export function cloudConnectServiceRepresentation(session: Session, api: string): Element {
  const down = (type: string, path: string) => link("Down", type, `${api}/cloud/${path}`);
  const tenantLinks = [
    down("CloudFailoverPlanReferenceList", "cloudFailoverPlans"),
    down("CloudVmReplicaPointReferenceList", "vmReplicaPoints"),
    down("CloudReplicaReferenceList", "replicas"),
    down("CloudFailoverPlanList", "cloudFailoverPlans?format=Entity"),
    down("CloudVmReplicaPointList", "vmReplicaPoints?format=Entity"),
    down("CloudReplicaList", "replicas?format=Entity"),
  ];
  const adminLinks = [down("CloudTenantReferenceList", "tenants"), down("CloudTenantList", "tenants?format=Entity")];
  return el(
    "CloudConnectService",
    { Type: "CloudConnectService", Href: `${api}/cloud` },
    links(link("Up", "LogonSession", `${api}/logonSessions/${session.id}`), ...(session.kind === "admin" ? adminLinks : tenantLinks)),
  );
}
