import { EmError } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";

/** What the emulator covers, for the 501 answers to EM endpoints it lacks. */
export const COVERAGE =
  "logon and logon sessions (/api/sessionMngr, /api/logonSessions/{id}), /api/cloud (tenants, their backup resources and subtenants; " +
  "for tenant sessions empty failover plan, replica and replica point lists), /api/backupServers and /api/repositories, /api/tasks, /api/security (accounts, roles, scopes) " +
  "and /api/query with /api/querySvc (types CloudTenant and CloudSubtenant)";

/** Endpoints EM has and its links advertise (the LogonSession's and the CloudTenant's), which the emulator lacks. */
const ADVERTISED = [
  "/backupServers/*", "/managedServers/*", "/jobs/*", "/failoverPlans/*", "/hierarchyRoots/*", "/repositories/*", "/backups/*",
  "/restorePoints/*", "/vmRestorePoints/*", "/vAppRestorePoints/*", "/replicas/*", "/vmReplicaPoints/*", "/catalog/*",
  "/backupSessions/*", "/restoreSessions/*", "/replicaSessions/*", "/backupTaskSessions/*", "/replicaTaskSessions/*",
  "/wanAccelerators/*", "/lookupSvc/*", "/lookup/*", "/reports/*", "/logonSessions", "/cloud/tenants/:tenantId/freelicenseCounters",
];

function notImplemented(method: string, path: string): never {
  throw new EmError(501, `The emulator does not implement ${method} ${path}; it covers ${COVERAGE}`);
}

const answer501 = (ctx: { method: string; path: string }) => notImplemented(ctx.method, `/api${ctx.path}`);

export const unimplementedHandlers: RouteHandler[] = [
  ...ADVERTISED.flatMap((path) => [http.get(path, answer501), http.post(path, answer501), http.put(path, answer501), http.delete(path, answer501)]),
];
