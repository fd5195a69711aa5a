/**
 * Reads an EM and writes it as a seed of the EM emulator (`veeam-em-emulator --seed FILE`), so that a pull
 * request's preview runs against an emulator that looks like production: the same ids, names, quotas and used
 * space, backup servers, repositories, tenants, subtenants, roles and accounts. Reads only.
 *
 * No secrets: EM never returns a password, and the seed's passwords (every standalone tenant's and subtenant's) are
 * SEED_PASSWORD, a placeholder the emulator needs to accept a tenant's logon. Its format is the emulator's
 * (emulator/seed.json); this module shares no code with the emulator, and a test starts an emulator on what it
 * writes and compares.
 */
import type { AccountRole, AccountScope, CloudSubtenant, CloudTenant, EmClient, EnterpriseAccount, EntityRef, EnterpriseRole } from "../client";
import { count, mapLimited } from "./export";

/** Every password in a seed: EM never returns one. Not a secret; tell it to whoever logs on as a seeded tenant. */
export const SEED_PASSWORD = "seed-placeholder-not-the-real-password";

const ACCOUNT_TYPES = ["User", "Group", "ExternalUser", "ExternalGroup"];
const TENANT_TYPES = ["Standalone", "ActiveDirectory", "vCD"];
const THROTTLING_UNITS = ["Mbps", "KBps", "MBps"];

export interface SeedExport {
  /** The seed file's content. */
  seed: Record<string, unknown>;
  /** What was left out or changed to fit the seed, one line each. */
  notes: string[];
  /** "2 backup servers, 5 repositories, …" for the command's summary line. */
  summary: string;
}

export interface SeedExportOptions {
  /** Accounts read at once (each takes two requests besides the list). Default 8. */
  concurrency?: number;
  onProgress?: (message: string) => void;
}

const lower = (s: string) => s.toLowerCase();

export async function exportEmulatorSeed(client: EmClient, options: SeedExportOptions = {}): Promise<SeedExport> {
  const progress = options.onProgress ?? (() => undefined);
  const notes: string[] = [];
  const [servers, repositories, tenants, subtenants, roles, accounts] = await Promise.all([
    client.listBackupServers(),
    client.listRepositories(),
    client.listTenants(),
    client.listSubtenants(),
    client.listRoles(),
    client.listAccountEntities(),
  ]);
  progress(`${count(tenants.length, "cloud tenant")}, ${count(subtenants.length, "subtenant")}, ${count(accounts.length, "account")} in EM`);
  const read = await mapLimited(accounts, options.concurrency ?? 8, async (account) => {
    const [held, scopes] = await Promise.all([client.listAccountRoles(account.id), client.listAccountScopes(account.id)]);
    return { account, held, scopes };
  }, (done) => {
    if (done % 50 === 0 || done === accounts.length) progress(`accounts read: ${done}/${accounts.length}`);
  });

  const seedTenants = tenants.flatMap((t) => tenantEntry(t, servers, notes));
  const kept = new Map(seedTenants.map((t) => [lower(t.id as string), t]));
  const seedSubtenants = subtenants.flatMap((s) => subtenantEntry(s, kept, notes));
  const seedAccounts = read.flatMap(({ account, held, scopes }) => accountEntry(account, held, scopes, notes));
  // Sorted by name (then id), so that a seed written again from an unchanged EM is the same file and a change shows
  // as a small diff.
  const seed = {
    $comment:
      `Exported from ${client.baseUrl} by 'veeam-em export --emulator-seed'. EM never returns passwords: every tenant's and subtenant's password ` +
      `here is the placeholder '${SEED_PASSWORD}'. Start the emulator with the --em-version of that EM.`,
    backupServers: sorted(servers.map((s) => ({ id: s.id, name: s.name }))),
    repositories: sorted(repositories.map(repositoryEntry)),
    tenants: sorted(seedTenants),
    subtenants: sorted(seedSubtenants, (s) => `${s.tenantId}`),
    roles: sorted(roles.map((r: EnterpriseRole) => ({ id: r.id, name: r.name }))),
    accounts: sorted(seedAccounts),
  };
  const summary = [
    count(servers.length, "backup server"),
    `${repositories.length} ${repositories.length === 1 ? "repository" : "repositories"}`,
    count(seedTenants.length, "tenant"),
    count(seedSubtenants.length, "subtenant"),
    count(roles.length, "role"),
    count(seedAccounts.length, "account"),
  ].join(", ");
  return { seed, notes, summary };
}

/** By `group` (a subtenant's tenant), then name, then id: the order of EM's lists is not promised. */
function sorted<T extends Record<string, unknown>>(entries: T[], group: (entry: T) => string = () => ""): T[] {
  const key = (e: T) => [group(e), String(e.name), String(e.id)];
  return [...entries].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}

function repositoryEntry(r: Awaited<ReturnType<EmClient["listRepositories"]>>[number]): Record<string, unknown> {
  return { id: r.id, name: r.name, backupServerId: r.backupServerId };
}

function tenantEntry(t: CloudTenant, servers: EntityRef[], notes: string[]): Array<Record<string, unknown>> {
  // EM names the backup server by an Up link; without one, by name.
  const serverId = t.backupServerId ?? servers.find((s) => lower(s.name) === lower(t.backupServerName))?.id;
  if (serverId === undefined) {
    notes.push(`tenant '${t.name}': EM names no backup server of it that /backupServers lists ('${t.backupServerName}'): left out, with its subtenants`);
    return [];
  }
  if (!TENANT_TYPES.includes(t.type)) {
    notes.push(`tenant '${t.name}' is of a type the emulator does not know ('${t.type}'): left out, with its subtenants`);
    return [];
  }
  const throttling = t.throttling && t.throttling.speedLimit >= 1 ? { enabled: t.throttling.enabled, speedLimitMbps: t.throttling.speedLimit, ...(THROTTLING_UNITS.includes(t.throttling.unit) && { unit: t.throttling.unit }) } : undefined;
  return [
    {
      id: t.id,
      name: t.name,
      description: t.description,
      enabled: t.enabled,
      type: t.type,
      backupServerId: serverId,
      ...(t.type === "Standalone" && { password: SEED_PASSWORD }),
      resources: t.resources.map((r) => ({
        id: r.id,
        displayName: r.displayName,
        repositoryUid: r.repositoryUid,
        ...(r.wanAcceleratorUid !== undefined && { wanAcceleratorUid: r.wanAcceleratorUid }),
        quotaMb: r.quotaMb,
        usedQuotaMb: r.usedQuotaMb ?? 0,
      })),
      ...(t.maxConcurrentTasks !== undefined && t.maxConcurrentTasks >= 1 && { maxConcurrentTasks: t.maxConcurrentTasks }),
      ...(throttling && { throttling }),
      ...(t.leaseExpiration !== undefined && { leaseExpiration: t.leaseExpiration }),
    },
  ];
}

function subtenantEntry(s: CloudSubtenant, tenants: Map<string, Record<string, unknown>>, notes: string[]): Array<Record<string, unknown>> {
  const tenant = tenants.get(lower(s.tenantId));
  if (!tenant) return []; // its tenant was left out, with a note
  const resources = tenant.resources as Array<{ id: string }>;
  if (!resources.some((r) => lower(r.id) === lower(s.quota.tenantResourceId))) {
    notes.push(`subtenant '${s.name}' of '${s.tenantName}' takes its quota from a resource its tenant does not list ('${s.quota.tenantResourceId}'): left out`);
    return [];
  }
  const q = s.quota;
  return [
    {
      id: s.id,
      tenantId: s.tenantId,
      name: s.name,
      description: s.description,
      password: SEED_PASSWORD,
      enabled: s.enabled,
      // EM reports the subtenant's own quota id from 13.1 on; before, the subtenant's id stands in for it.
      quota: { unlimited: q.unlimited, displayName: q.displayName, tenantResourceId: q.tenantResourceId, quotaMb: q.quotaMb, usedQuotaMb: q.usedQuotaMb, quotaId: q.quotaId ?? s.id },
    },
  ];
}

function accountEntry(a: EnterpriseAccount, held: AccountRole[], scopes: AccountScope[], notes: string[]): Array<Record<string, unknown>> {
  if (!ACCOUNT_TYPES.includes(a.accountType)) {
    notes.push(`account '${a.name}' is of a type the emulator does not know ('${a.accountType}'): left out`);
    return [];
  }
  return [
    {
      id: a.id,
      type: a.accountType,
      name: a.name,
      roleIds: held.map((r) => r.roleId),
      allowRestoreAllVms: a.allowRestoreAllVms,
      // EM reports a scope object by its platform, type, hierarchy root and name, not by its reference: the
      // reference is rebuilt from them in EM's form (urn:<Platform>:<Type>:<root>.<name>).
      scope: scopes.map((s) => ({ id: s.id, hierarchyObjRef: `urn:${s.platform}:${s.hierarchyObjectType}:${s.hierarchyRootName}.${s.name}`, objectName: s.name })),
      ...(a.flrSettings && { flr: { inplaceOnly: a.flrSettings.flrInplaceOnly, ...(a.flrSettings.flrExtentionRestrictions !== undefined && { extensions: a.flrSettings.flrExtentionRestrictions }) } }),
      ...(a.sqlSettings && { sql: { denyInPlaceRestore: a.sqlSettings.denyInPlaceRestore } }),
    },
  ];
}
