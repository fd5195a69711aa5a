/**
 * Reads an EM's cloud tenants (with their backup resources), their subtenants and EM's accounts, and writes them as
 * an onboarding data file in which every object has `adopt: true`: the first `pulumi up` of TenantOnboarding on it
 * takes them over, the next changes nothing. A standalone tenant is written as a tenant the file declares (with its
 * backupServer and backupResources); a tenant the file cannot declare names the tenant EM has, for its subtenants.
 * EM never returns passwords, so each tenant and subtenant names the stack config key its password is read from,
 * and the caller prints the `pulumi config set` commands. Reads only: nothing here writes to EM.
 */
import { accountNameProblem } from "../resources/account/inputs";
import { ROLE_URN, type AccountRole, type AccountScope, type CloudSubtenant, type CloudTenant, type EmClient, type EnterpriseAccount, type EnterpriseRole, type EntityRef } from "../client";
import type { Repository } from "../client/codec";
import { defaultPasswordPath, defaultTenantPasswordPath, passwordCommand } from "../onboarding/config-path";
import { ACCOUNT_TYPES, ALL, MIN_QUOTA_MB, SUBTENANT_NAME_MAX, UNLIMITED } from "../onboarding/format";
import { MIN_TENANT_QUOTA_MB, tenantNameProblem, TENANT_NAME_MAX } from "../resources/tenant/fields";
import { sameUid } from "../resources/tenant/resolve";
import { byName, nameFilter } from "./names";

export interface ExportOptions {
  /** Patterns of tenant names to export (all when empty). */
  tenants?: string[];
  /** Patterns of account names to export (all when empty). */
  accounts?: string[];
  /** Patterns of tenant and account names to leave out. */
  exclude?: string[];
  /** Export no account at all. */
  noAccounts?: boolean;
  /** Export EM's built-in accounts (BUILTIN\…) too; left out by default, since removing one from the file deletes it. */
  includeBuiltin?: boolean;
  /** The value of the file's "$schema". */
  schema?: string;
  /** Accounts read at once (each takes three requests). Default 8. */
  concurrency?: number;
  onProgress?: (message: string) => void;
}

export interface PasswordSetting {
  tenant: string;
  /** Absent for a tenant's own password. */
  subtenant?: string;
  /** The stack config path the component reads the password from. */
  configPath: string;
  /** The command that sets it; the value is left for the user to type. */
  command: string;
}

export interface ExportResult {
  /** The data file's content. */
  data: Record<string, unknown>;
  passwords: PasswordSetting[];
  /** What was left out or may need a look, one line each. */
  notes: string[];
  counts: { tenants: number; subtenants: number; accounts: number };
}

/** "1 tenant", "4 tenants". */
/** "1 tenant", "2 tenants". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const BUILTIN = /^BUILTIN\\/i;

export async function exportOnboarding(client: EmClient, options: ExportOptions = {}): Promise<ExportResult> {
  const progress = options.onProgress ?? (() => undefined);
  const notes: string[] = [];
  const takeTenant = nameFilter(options.tenants ?? [], options.exclude ?? []);
  const takeAccount = nameFilter(options.accounts ?? [], options.exclude ?? []);

  const allTenants = await client.listTenants();
  const tenants = byName(allTenants.filter((t) => takeTenant(t.name)));
  progress(`${allTenants.length} cloud tenants in EM, ${tenants.length} selected`);
  if (tenants.length === 0 && allTenants.length > 0) notes.push(`no tenant matches the patterns given; EM's tenants are: ${sample(allTenants.map((t) => t.name))}`);
  const [subtenants, servers, repositories] = tenants.length === 0 ? [[], [], []] : await Promise.all([client.listSubtenants(), client.listBackupServers(), client.listRepositories()]);
  progress(`${subtenants.length} subtenants in EM`);

  const passwords: PasswordSetting[] = [];
  const tenantEntries: Record<string, unknown>[] = [];
  let subtenantCount = 0;
  for (const tenant of tenants) {
    const own = byName(subtenants.filter((s) => s.tenantId.toLowerCase() === tenant.id.toLowerCase()));
    const declared = declaredTenant(tenant, servers, repositories, notes);
    if (!declared && own.length === 0) {
      notes.push(`tenant '${tenant.name}' has no subtenants: left out (add it to the file to give it some)`);
      continue;
    }
    if (declared) {
      const configPath = defaultTenantPasswordPath(tenant.name);
      passwords.push({ tenant: tenant.name, configPath, command: passwordCommand(configPath) });
    }
    const entries = own.map((s) => subtenantEntry(tenant, s, declared !== undefined, notes));
    for (const s of own) {
      const configPath = defaultPasswordPath(tenant.name, s.name);
      passwords.push({ tenant: tenant.name, subtenant: s.name, configPath, command: passwordCommand(configPath) });
    }
    subtenantCount += own.length;
    tenantEntries.push({ name: tenant.name, ...declared, ...(entries.length > 0 && { subtenants: entries }) });
  }

  let accountEntries: Record<string, unknown>[] = [];
  if (!options.noAccounts) {
    const [refs, roles] = await Promise.all([client.listAccounts(), client.listRoles()]);
    const selected = byName(
      refs.filter((r) => {
        if (!takeAccount(r.name)) return false;
        if (BUILTIN.test(r.name) && !options.includeBuiltin) {
          notes.push(`account '${r.name}' is one of EM's built-in accounts: left out (--include-builtin takes it; removing it from the file later deletes it from EM)`);
          return false;
        }
        return true;
      }),
    );
    progress(`${refs.length} accounts in EM, ${selected.length} selected`);
    if (selected.length === 0 && (options.accounts ?? []).length > 0) notes.push(`no account matches the patterns given; EM's accounts are: ${sample(refs.map((r) => r.name))}`);
    const read = await mapLimited(selected, options.concurrency ?? 8, async (ref) => {
      const [account, held, scopes] = await Promise.all([client.getAccount(ref.id), client.listAccountRoles(ref.id), client.listAccountScopes(ref.id)]);
      return { ref, account, held, scopes };
    }, (done) => {
      if (done % 50 === 0 || done === selected.length) progress(`accounts read: ${done}/${selected.length}`);
    });
    accountEntries = read.flatMap(({ ref, account, held, scopes }) => {
      if (!account) {
        notes.push(`account '${ref.name}' disappeared from EM while being read: left out`);
        return [];
      }
      const entry = accountEntry(account, held, scopes, roles, notes);
      return entry ? [entry] : [];
    });
  }

  const data: Record<string, unknown> = {
    ...(options.schema !== undefined && { $schema: options.schema }),
    $comment: `Exported from ${client.baseUrl} by 'veeam-em export'. Every object has adopt: true: the first 'pulumi up' takes them over, the next changes nothing. Passwords are not here: set each tenant's and subtenant's with the 'pulumi config set' command the export printed.`,
    tenants: tenantEntries,
    ...(accountEntries.length > 0 && { accounts: accountEntries }),
  };
  const counts = { tenants: tenantEntries.length, subtenants: subtenantCount, accounts: accountEntries.length };
  progress(`exported ${count(counts.tenants, "tenant")}, ${count(counts.subtenants, "subtenant")}, ${count(counts.accounts, "account")}`);
  return { data, passwords, notes, counts };
}

/**
 * The keys that declare a tenant (its backupServer, settings and backup resources, adopt: true), or undefined for a
 * tenant the file cannot declare (not standalone, backup resources sharing a name, a name CloudTenant refuses):
 * the file then names it as EM has it, for its subtenants. Names are written where they name one object, UIDs
 * otherwise.
 */
function declaredTenant(tenant: CloudTenant, servers: EntityRef[], repositories: Repository[], notes: string[]): Record<string, unknown> | undefined {
  const kept = (why: string) => {
    notes.push(`tenant '${tenant.name}' ${why}: written as a tenant EM has, not declared by the file (its subtenants are)`);
    return undefined;
  };
  if (tenant.type !== "Standalone") return kept(`is a ${tenant.type} tenant, which CloudTenant does not manage`);
  const nameProblem = tenant.name.length > TENANT_NAME_MAX ? `is longer than ${TENANT_NAME_MAX} characters` : tenantNameProblem(tenant.name);
  if (nameProblem) return kept(`has a name CloudTenant refuses (${nameProblem})`);
  const names = tenant.resources.map((r) => r.displayName.toLowerCase());
  if (new Set(names).size !== names.length) return kept("has backup resources that share a name (ignoring case)");
  const small = tenant.resources.find((r) => r.quotaMb < MIN_TENANT_QUOTA_MB);
  if (small) return kept(`has backup resource '${small.displayName}' of ${small.quotaMb} MB, under the ${MIN_TENANT_QUOTA_MB} MB the file allows`);
  const server = servers.find((s) => tenant.backupServerId !== undefined && sameUid(s.id, tenant.backupServerId));
  if (!server) return kept("is on a backup server EM does not list");
  const uniqueName = <T extends { name: string }>(list: T[], item: T) => list.filter((x) => x.name.toLowerCase() === item.name.toLowerCase()).length === 1;
  const ownRepositories = repositories.filter((r) => sameUid(r.backupServerId, server.id));
  const backupResources = tenant.resources.map((r) => {
    const repository = ownRepositories.find((x) => sameUid(x.uid, r.repositoryUid));
    return { name: r.displayName, repository: repository && uniqueName(ownRepositories, repository) ? repository.name : r.repositoryUid, quotaMb: r.quotaMb };
  });
  return {
    backupServer: uniqueName(servers, server) ? server.name : server.uid,
    ...(tenant.description !== "" && { description: tenant.description }),
    enabled: tenant.enabled,
    ...(tenant.leaseExpiration !== undefined && { leaseExpiration: tenant.leaseExpiration }),
    ...(tenant.maxConcurrentTasks !== undefined && { maxConcurrentTasks: tenant.maxConcurrentTasks }),
    // Throttling that is off is left to EM (a file that does not declare it leaves EM's setting as it is).
    ...(tenant.throttling?.enabled === true && { throttling: { enabled: tenant.throttling.enabled, speedLimit: tenant.throttling.speedLimit, unit: tenant.throttling.unit } }),
    backupResources,
    adopt: true,
  };
}

function subtenantEntry(tenant: CloudTenant, s: CloudSubtenant, declaredTenant: boolean, notes: string[]): Record<string, unknown> {
  const where = `subtenant '${s.name}' of tenant '${tenant.name}'`;
  // By display name where that names one resource of the tenant; by id otherwise (never under a tenant the file
  // declares, whose resources' names are unique and whose ids the file cannot hold).
  const resource = tenant.resources.find((r) => r.id.toLowerCase() === s.quota.tenantResourceId.toLowerCase());
  const sameName = resource ? tenant.resources.filter((r) => r.displayName.toLowerCase() === resource.displayName.toLowerCase()) : [];
  const quota = resource && (declaredTenant || sameName.length === 1) ? { quotaResource: resource.displayName } : { quotaResourceId: s.quota.tenantResourceId };
  if (!resource) notes.push(`${where} uses quota resource ${s.quota.tenantResourceId}, which the tenant does not list: written by id, check it`);
  if (!s.quota.unlimited && s.quota.quotaMb < MIN_QUOTA_MB) notes.push(`${where} has a quota of ${s.quota.quotaMb} MB, under the ${MIN_QUOTA_MB} MB the file allows: fix it in the file`);
  if (s.name.length > SUBTENANT_NAME_MAX) notes.push(`${where} has a name longer than ${SUBTENANT_NAME_MAX} characters`);
  if (s.name.endsWith("\\") || tenant.name.endsWith("\\")) notes.push(`${where}: a name ending in a backslash cannot be written as a config path; give the entry a passwordConfig of your own`);
  return {
    name: s.name,
    ...(s.description !== "" && { description: s.description }),
    quotaMb: s.quota.unlimited ? UNLIMITED : s.quota.quotaMb,
    ...quota,
    enabled: s.enabled,
    adopt: true,
    passwordConfig: defaultPasswordPath(tenant.name, s.name),
  };
}

function accountEntry(account: EnterpriseAccount, held: AccountRole[], scopes: AccountScope[], roles: EnterpriseRole[], notes: string[]): Record<string, unknown> | undefined {
  const where = `account '${account.name}'`;
  const type = ACCOUNT_TYPES.find((t) => t === account.accountType);
  if (!type) {
    notes.push(`${where} has the type '${account.accountType}', which the file cannot declare (${ACCOUNT_TYPES.join(", ")}): left out`);
    return undefined;
  }
  const nameProblem = accountNameProblem(type, account.name);
  if (nameProblem) {
    notes.push(`${where}: ${nameProblem}: left out`);
    return undefined;
  }
  if (held.length === 0) {
    notes.push(`${where} has no role: left out (the file needs at least one)`);
    return undefined;
  }
  const named = scopes.filter((s) => s.name !== "");
  if (account.allowRestoreAllVms && named.length > 0) {
    // "all" declares no scope objects, so adopting would remove these: the user decides.
    notes.push(`${where} may restore everything but also holds ${named.length} restore scope object(s) (${named.map((s) => s.name).join(", ")}): left out, since adopting it as "all" would remove them`);
    return undefined;
  }
  if (!account.allowRestoreAllVms && named.length === 0) {
    notes.push(`${where} may restore nothing (no scope objects), which the file cannot declare: left out`);
    return undefined;
  }
  if (account.flrSettings?.flrInplaceOnly || account.sqlSettings?.denyInPlaceRestore) notes.push(`${where} has file-level or SQL restore restrictions: the file does not declare them, and adopting leaves them as they are`);
  return {
    type,
    name: account.name,
    roles: held.map((h) => roleReference(h, roles)),
    restoreScope: account.allowRestoreAllVms ? ALL : named.map((s) => ({ objectName: s.name })),
    adopt: true,
  };
}

/** A role by name where EM has one role of that name, by UID otherwise. */
function roleReference(held: AccountRole, roles: EnterpriseRole[]): string {
  const twins = roles.filter((r) => r.name.toLowerCase() === held.roleName.toLowerCase());
  return twins.length === 1 && held.roleName !== "" && !/^urn:/i.test(held.roleName) ? held.roleName : ROLE_URN + held.roleId;
}

/** A list of names for a message, cut after 20. */
function sample(names: string[]): string {
  const sorted = [...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }));
  return sorted.length > 20 ? `${sorted.slice(0, 20).join(", ")} and ${sorted.length - 20} more` : sorted.join(", ") || "(none)";
}

/** `map` with at most `limit` calls running at once, in the input's order. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>, onDone: (done: number) => void): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
