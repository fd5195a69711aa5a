/**
 * Look-ups made once per client (so once per run) of what this provider never creates, renames or deletes: cloud
 * tenants (every subtenant create names its tenant, and a stack of hundreds of subtenants names a handful), EM's
 * built-in roles (every account create and update resolves its roles), and the backup servers and repositories
 * (every tenant create, and every tenant update that names a repository, resolves them). What they found stays valid for the run; a
 * look-up that failed or found nothing is not kept, so it is asked again.
 */
import type { CloudTenant, EnterpriseRole, EntityRef, Repository } from "./codec";
import type { EmClient } from "./client";

export class RunLookups {
  readonly #tenantsById = new Map<string, Promise<CloudTenant | undefined>>();
  readonly #tenantsByName = new Map<string, Promise<CloudTenant | undefined>>();
  readonly #roles = new Map<string, Promise<EnterpriseRole[] | undefined>>();
  readonly #backupServers = new Map<string, Promise<EntityRef[] | undefined>>();
  readonly #repositories = new Map<string, Promise<Repository[] | undefined>>();
  readonly #tenantList = new Map<string, Promise<CloudTenant[] | undefined>>();
  readonly #tenantsGivenOut = new Set<string>();

  constructor(private readonly client: EmClient) {}

  tenantById(id: string): Promise<CloudTenant | undefined> {
    return once(this.#tenantsById, id.toLowerCase(), () => this.client.getTenant(id));
  }

  /** By name as EM compares names (without case); an exact match first. */
  tenantByName(name: string): Promise<CloudTenant | undefined> {
    return once(this.#tenantsByName, name, () => this.client.findTenantByName(name));
  }

  /** EM's role list. */
  async roles(): Promise<EnterpriseRole[]> {
    return (await once(this.#roles, "", () => this.client.listRoles())) ?? [];
  }

  /** EM's backup servers. */
  async backupServers(): Promise<EntityRef[]> {
    return (await once(this.#backupServers, "", () => this.client.listBackupServers())) ?? [];
  }

  /**
   * A tenant as EM had it when the run first asked (one paged query of every tenant, shared by the run's tenant
   * updates), given out once per tenant: after that, the caller's own edit has made the entry old, and a second
   * ask answers undefined (read the tenant itself). Only for what may be a little old: a CloudTenant update builds
   * its edit from it unless the edit could lose data, when it reads the tenant afresh.
   */
  async listedTenantOnce(id: string): Promise<CloudTenant | undefined> {
    const list = (await once(this.#tenantList, "", () => this.client.listTenants())) ?? [];
    const key = id.toLowerCase();
    if (this.#tenantsGivenOut.has(key)) return undefined;
    this.#tenantsGivenOut.add(key);
    return list.find((t) => t.id.toLowerCase() === key);
  }

  /** EM's repositories, each with its backup server. */
  async repositories(): Promise<Repository[]> {
    return (await once(this.#repositories, "", () => this.client.listRepositories())) ?? [];
  }
}

/** One look-up per key, shared by concurrent callers; dropped when it failed or found nothing. */
function once<T>(cache: Map<string, Promise<T | undefined>>, key: string, look: () => Promise<T | undefined>): Promise<T | undefined> {
  let pending = cache.get(key);
  if (!pending) {
    pending = look();
    cache.set(key, pending);
    pending.then(
      (found) => {
        if (found === undefined) cache.delete(key);
      },
      () => cache.delete(key),
    );
  }
  return pending;
}

const lookups = new WeakMap<EmClient, RunLookups>();

/** The run-wide look-ups of a client. */
export function runLookups(client: EmClient): RunLookups {
  let found = lookups.get(client);
  if (!found) lookups.set(client, (found = new RunLookups(client)));
  return found;
}
