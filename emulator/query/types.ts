import type { EmState, Session, Subtenant, Task, Tenant } from "../model";
import { subtenantEntity, subtenantReference, tenantEntity, tenantReference, tenantUid } from "../representations/cloud";
import { taskRepresentation } from "../representations/task";
import type { Element } from "../wire/tree";
import type { EmProfile } from "../versions";
import { enumValue, type FieldValue } from "./filter";

/** get_query_cloudtenant's Type values and get_query_task's State values, in the order those pages list them. */
const TENANT_TYPES = ["vCD", "Standalone", "ActiveDirectory"] as const;
const TASK_STATES = ["Running", "OperationFinished", "Finished"] as const;

/** One query type: its objects, its filter and sort fields, and how its results are represented. */
export interface QueryType<T> {
  name: string;
  /** The objects a session may see (tasks live beside the state, as they are not EM's data). */
  items(state: EmState, session: Session, tasks: ReadonlyMap<string, Task>): T[];
  /** Filter and sort fields by lower-cased name. */
  fields: Record<string, (item: T, state: EmState) => FieldValue>;
  reference(api: string, item: T, state: EmState): Element;
  entity(api: string, item: T, state: EmState, profile: EmProfile): Element;
  /** How entities are wrapped: EM puts CloudTenant under <Entities>, CloudSubtenant under <Resources>. */
  entitiesElement: "Entities" | "Resources";
  entitiesList: string;
  /** The format when the request names none (EM's default is References). */
  defaultFormat?: "entities";
}

const serverOf = (state: EmState, tenant: Tenant | undefined) => state.backupServers.find((s) => s.id === tenant?.backupServerId);
const tenantOf = (state: EmState, subtenant: Subtenant) => state.tenants.find((t) => t.id === subtenant.tenantId) as Tenant;

/** Fields of GET /query?type=CloudTenant as EM's reference lists them. */
const cloudTenant: QueryType<Tenant> = {
  name: "CloudTenant",
  items: (state, session) => (session.kind === "admin" ? state.tenants : state.tenants.filter((t) => t.id === session.tenantId)),
  fields: {
    uid: (t) => tenantUid(t.id),
    name: (t) => t.name,
    enabled: (t) => t.enabled,
    backupserveruid: (t) => `urn:veeam:BackupServer:${t.backupServerId}`,
    backupservername: (t, state) => serverOf(state, t)?.name,
    type: (t) => enumValue(t.type, TENANT_TYPES),
  },
  reference: (api, t, state) => tenantReference(api, t, state.backupServers),
  entity: (api, t, state) => tenantEntity(api, t, state.backupServers),
  entitiesElement: "Entities",
  entitiesList: "CloudTenants",
};

/** Fields of GET /query?type=CloudSubtenant as EM's reference lists them (UID is the plain subtenant id). */
const cloudSubtenant: QueryType<Subtenant> = {
  name: "CloudSubtenant",
  items: (state, session) => (session.kind === "admin" ? state.subtenants : state.subtenants.filter((s) => s.tenantId === session.tenantId)),
  fields: {
    uid: (s) => s.id,
    name: (s) => s.name,
    cloudtenantuid: (s) => tenantUid(s.tenantId),
    cloudtenantname: (s, state) => tenantOf(state, s).name,
    disabled: (s) => !s.enabled,
    unlimited: (s) => s.quota.unlimited,
    quota: (s) => s.quota.quotaMb,
    usedquota: (s) => s.quota.usedQuotaMb,
    backupresourceid: (s) => s.quota.tenantResourceId,
    backupserveruid: (s, state) => `urn:veeam:BackupServer:${tenantOf(state, s).backupServerId}`,
    backupservername: (s, state) => serverOf(state, tenantOf(state, s))?.name,
  },
  reference: (api, s, state) => subtenantReference(api, s, tenantOf(state, s)),
  entity: (api, s, state, profile) => subtenantEntity(api, s, tenantOf(state, s), state.backupServers, profile.subtenantQuotaId),
  entitiesElement: "Resources",
  entitiesList: "CloudSubtenants",
};

/**
 * GET /query?type=Task (`get_query_task`): the tasks of the current logon session, as GET /tasks lists them, with
 * the filter fields TaskId, State and Operation. Its example asks without `format` and gets the tasks themselves
 * under <Resources><Tasks>; EM documents no reference form of a task, so both formats answer that way.
 */
const task: QueryType<Task> = {
  name: "Task",
  items: (_state, session, tasks) => [...tasks.values()].filter((t) => t.sessionId === session.id),
  fields: {
    taskid: (t) => t.id,
    state: (t) => enumValue(t.state, TASK_STATES),
    operation: (t) => t.operation,
  },
  reference: (api, t) => taskRepresentation(api, t),
  entity: (api, t) => taskRepresentation(api, t),
  entitiesElement: "Resources",
  entitiesList: "Tasks",
  defaultFormat: "entities",
};

export const QUERY_TYPES: Array<QueryType<Tenant> | QueryType<Subtenant> | QueryType<Task>> = [cloudTenant, cloudSubtenant, task];

/** Query types EM documents that the emulator does not model (answered 404 rather than 400, as for other GETs it lacks). */
export const UNIMPLEMENTED_QUERY_TYPES = [
  "AgentBackupJob", "AgentProtectionGroup", "AgentRestorePoint", "Backup", "BackupFile", "BackupJobSession", "BackupServer", "BackupTaskSession",
  "CdpPolicy", "CdpReplica", "CdpReplicaSession", "CdpReplicaTaskSession", "CloudGateway", "CloudGatewayPool", "CloudFailoverPlan",
  "CloudFailoverSession", "CloudHardwarePlan", "CloudPublicIpAddress", "CloudReplica", "CloudVmReplicaPoint", "Credentials", "DiscoveredComputer",
  "FailoverPlan", "FileServer", "HierarchyRoot", "Job", "ManagedServer", "NasJob", "NasObject", "ObjectInJob", "Passwords", "Replica",
  "ReplicaJobSession", "ReplicaTaskSession", "Repository", "RestorePoint", "RestoreSession", "vAppReplicaPoint", "vAppRestorePoint",
  "VCloudOrganizationConfig", "VlanConfiguration", "VmReplicaPoint", "VmRestorePoint", "VsphereSelfServiceConfig", "WanAccelerator",
];
