/** The emulator's in-memory view of an Enterprise Manager and the backup servers behind it. */

export type TenantType = "Standalone" | "ActiveDirectory" | "vCD";
export type AccountType = "User" | "Group" | "ExternalUser" | "ExternalGroup";

export interface BackupServer {
  id: string;
  name: string;
}

/** A backup repository of a backup server; tenants get quotas on it (their backup resources). */
export interface Repository {
  id: string;
  name: string;
  backupServerId: string;
  /** Backups of tenants deleted without their backups, still on the repository. */
  retainedBackups?: Array<{ tenantName: string; usedMb: number }>;
}

export interface TenantResource {
  id: string;
  displayName: string;
  repositoryUid: string;
  wanAcceleratorUid?: string;
  quotaMb: number;
  usedQuotaMb: number;
  /**
   * Leave UsedQuota out, as EM's own examples of the tenant entity do (tenants_id, put_tenants_id): from the tenant
   * entity only ("inTenant"; GET /cloud/tenants/{id}/resources/{id} still reports it), or everywhere.
   */
  usedQuotaHidden?: "inTenant" | "everywhere";
}

export interface VcdUser {
  login: string;
  password: string;
}

export interface Tenant {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  type: TenantType;
  backupServerId: string;
  /** Standalone tenants log on with their name and this password. */
  password?: string;
  /** ActiveDirectory tenants. */
  domainName?: string;
  /** vCD tenants: the organization whose users may log on. */
  vcdOrganization?: { name: string; users: VcdUser[] };
  resources: TenantResource[];
  maxConcurrentTasks: number;
  /** Network throttling of the tenant's traffic; the limit is in `unit` (MBps when unset). */
  throttling?: { enabled: boolean; speedLimitMbps: number; unit?: "Mbps" | "KBps" | "MBps" };
  /** When the tenant's lease ends (ISO 8601); no lease when unset. */
  leaseExpiration?: string;
  /** Days that deleted backups are kept, when backup protection is on. */
  backupProtectionDays?: number;
  /** ActiveDirectory tenants: the id of the domain account EM uses to reach the domain. */
  domainAccount?: string;
}

export interface SubtenantQuota {
  unlimited: boolean;
  displayName: string;
  tenantResourceId: string;
  quotaMb: number;
  usedQuotaMb: number;
  /** The subtenant's own quota object on the backup server (EM 13.1 reports it). */
  quotaId: string;
}

export interface Subtenant {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  password: string;
  enabled: boolean;
  quota: SubtenantQuota;
}

export interface Role {
  id: string;
  name: string;
}

export interface ScopeItem {
  id: string;
  hierarchyObjRef: string;
  objectName: string;
}

export interface Account {
  id: string;
  type: AccountType;
  name: string;
  roleIds: string[];
  allowRestoreAllVms: boolean;
  scope: ScopeItem[];
  flr?: { inplaceOnly: boolean; extensions?: string };
  sql?: { denyInPlaceRestore: boolean };
}

export interface Session {
  /** The SessionId EM reports in the LogonSession body and uses in /logonSessions/{id}. */
  id: string;
  /** The opaque value of the X-RestSvcSessionId header; EM does not derive it from the id. */
  token: string;
  userName: string;
  kind: "admin" | "tenant";
  tenantId?: string;
  lastUsedAt: number;
  /** Pinned sessions (from the seed file) never expire, so the reference's examples work as written. */
  pinned: boolean;
}

/** A tenant's cloud failover plan (cloudfailoverplans_id); a tenant may start and undo its own plans. */
export interface CloudFailoverPlan {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  /** Started and not undone: the plan's VMs run from their cloud replicas. */
  failedOver: boolean;
}

/** OperationFinished: the backup server is done but EM has not collected the result yet. */
export type TaskState = "Running" | "OperationFinished" | "Finished";

export interface Task {
  id: string;
  operation: string;
  state: TaskState;
  /** EM shows a task only within the logon session that started it. */
  sessionId: string;
  success?: boolean;
  message?: string;
  /** The object a finished create made (EM's `Rel="Related"` link): its type, path below /api and name. */
  related?: { type: string; path: string; name: string };
}

export interface EmState {
  backupServers: BackupServer[];
  repositories: Repository[];
  tenants: Tenant[];
  subtenants: Subtenant[];
  roles: Role[];
  accounts: Account[];
  cloudFailoverPlans: CloudFailoverPlan[];
}
