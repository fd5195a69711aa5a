/**
 * Tenant look-ups, made once per client (so once per run): every subtenant create names its tenant, and a stack
 * of hundreds of subtenants names a handful of tenants. This provider never creates, renames or deletes tenants,
 * so a tenant found stays valid for the run. A look-up that failed or found nothing is not kept: it is asked again.
 */
import type { CloudTenant } from "./codec";
import type { EmClient } from "./client";

export class TenantLookups {
  readonly #byId = new Map<string, Promise<CloudTenant | undefined>>();
  readonly #byName = new Map<string, Promise<CloudTenant | undefined>>();

  constructor(private readonly client: EmClient) {}

  byId(id: string): Promise<CloudTenant | undefined> {
    return this.once(this.#byId, id.toLowerCase(), () => this.client.getTenant(id));
  }

  /** By name as EM compares names (without case); an exact match first. */
  byName(name: string): Promise<CloudTenant | undefined> {
    return this.once(this.#byName, name, () => this.client.findTenantByName(name));
  }

  private once(cache: Map<string, Promise<CloudTenant | undefined>>, key: string, look: () => Promise<CloudTenant | undefined>): Promise<CloudTenant | undefined> {
    let pending = cache.get(key);
    if (!pending) {
      pending = look();
      cache.set(key, pending);
      pending.then(
        (tenant) => {
          if (!tenant) cache.delete(key);
        },
        () => cache.delete(key),
      );
    }
    return pending;
  }
}

const lookups = new WeakMap<EmClient, TenantLookups>();

/** The tenant look-ups of a client. */
export function tenantLookups(client: EmClient): TenantLookups {
  let found = lookups.get(client);
  if (!found) lookups.set(client, (found = new TenantLookups(client)));
  return found;
}
