import { EmError } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";

/** What the emulator covers, for the answers to EM endpoints it lacks. */
export const COVERAGE =
  "logon and logon sessions (/api/sessionMngr, /api/logonSessions/{id}), /api/cloud (tenants, their backup resources and subtenants; " +
  "cloud failover plans, and for tenant sessions empty replica and replica point lists), /api/backupServers and /api/repositories, " +
  "/api/tasks, /api/security (accounts, roles, scopes) and /api/query with /api/querySvc (types CloudTenant, CloudSubtenant and Task)";

/**
 * Every collection EM's reference documents (the resource pages of comnam90/veeam-docs-vbr-dump docs/em_rest/) that
 * the emulator does not model, with everything below it. A more specific built-in route (an earlier handler) wins.
 */
const DOCUMENTED = [
  // Cloud Connect beyond tenants, subtenants and failover plans.
  "/cloud/hardwarePlans/*", "/cloud/gatewayPools/*", "/cloud/gateways/*", "/cloud/publicIpAddresses/*", "/cloud/failoverSessions/*",
  "/cloud/vlans/*", "/cloud/tenants/:tenantId/computeResources/*", "/cloud/tenants/:tenantId/vCloudComputeResources/*",
  "/cloud/tenants/:tenantId/gatewayPools/*", "/cloud/tenants/:tenantId/freelicenseCounters/*", "/cloud/cloudFailoverPlans/:id/includes/*",
  "/cloud/replicas/:id/vmReplicaPoints/*",
  // Backup infrastructure, jobs, sessions, restore, reports and the rest of EM.
  "/agents/*", "/backupFiles/*", "/backupServers/*", "/backupSessions/*", "/backupTaskSessions/*", "/backups/*", "/catalog/*",
  "/cdpPolicies/*", "/cdpReplica/*", "/cdpReplicaSessions/*", "/cdpReplicaTaskSessions/*", "/cdpReplicas/*", "/externalRepositories/*",
  "/failoverPlans/*", "/hierarchyRoots/*", "/jobs/*", "/lookupSvc/*", "/lookup/*", "/managedServers/*", "/nas/*", "/replicaSessions/*",
  "/replicaTaskSessions/*", "/replicas/*", "/reports/*", "/repositories/*", "/restorePoints/*", "/restoreSessions/*", "/selfService/*",
  "/systemSessions/*", "/vAppReplicaPoints/*", "/vAppRestorePoints/*", "/vCloud/*", "/vmReplicaPoints/*", "/vmRestorePoints/*",
  "/wanAccelerators/*", "/logonSessions",
];

/**
 * The one rule for what EM documents and the emulator lacks (http_response_codes): a GET answers 404, which EM lists
 * for every method, as an EM that holds no such object; POST, PUT and DELETE answer 501 Not Implemented, which EM
 * lists for those three methods only. Both name what the emulator covers.
 */
export function notModelled(method: string, path: string): never {
  if (method === "GET") throw new EmError(404, `The emulator does not model GET ${path}, which EM documents; it covers ${COVERAGE}`);
  throw new EmError(501, `The emulator does not implement ${method} ${path}; it covers ${COVERAGE}`);
}

const answer = (ctx: { method: string; path: string }) => notModelled(ctx.method, `/api${ctx.path}`);

export const unimplementedHandlers: RouteHandler[] = [
  ...DOCUMENTED.flatMap((path) => [http.get(path, answer), http.post(path, answer), http.put(path, answer), http.delete(path, answer)]),
  // Editing and deleting a cloud failover plan: administrators only (a tenant "cannot edit a cloud failover plan").
  http.put("/cloud/cloudFailoverPlans/:id", answer),
  http.delete("/cloud/cloudFailoverPlans/:id", answer),
];
