/**
 * Look-ups of new subtenants by name, answered together. EM's create task does not carry the new subtenant's id,
 * so each create ends with a query for its name. Creates finish in groups (one shared task poll sees several
 * tasks finished at once), and their look-ups then share one query:
 * `GET /query?type=CloudSubtenant&filter=Name=="a",Name=="b"` ("," is OR, query_and_or; at most 50 names).
 *
 * Look-ups are gathered only within the current turn of the event loop, so none waits for another. The shared
 * query only saves requests: a name it does not show, or any failure of it, falls back to the look-up of that name
 * alone, and an answer that will not change (a 4xx other than 429, 501, or not a list of subtenants) turns it off.
 */
import { type CloudSubtenant, type Node, parseCloudSubtenant } from "./codec";
import { EmApiError, refusedForGood } from "./errors";
import { pickSameName } from "./name-rule";
import { Query, QUERY_ENTITIES, type QueryEntity, where } from "./query";
import type { PolicyName } from "./retry";

/** The reads the look-ups are answered with (the client's). */
export interface SubtenantNameReads {
  /** The subtenant of that name in the tenant, looked up alone. */
  findSubtenantByName(tenantId: string, name: string): Promise<CloudSubtenant | undefined>;
  /** One page of a query's entities, each taken by `take` (QueryRunner.entities). */
  queryPage<T>(query: Query, entity: QueryEntity, take: (n: Node) => T, policy?: PolicyName): Promise<{ items: T[] }>;
}

/** Most names one query asks for (its filter stays within a few KB of URL). */
const MAX_NAMES_PER_QUERY = 50;

interface Pending {
  name: string;
  resolve(found: CloudSubtenant | undefined): void;
  reject(err: unknown): void;
}

/**
 * The subtenant of the tenant with that name, by the provider's name rule (name-rule.ts): surely the same name, or a
 * NameMayBeSameError when EM has only one it may count as the same.
 */
export function pickByName(subtenants: CloudSubtenant[], tenantId: string, name: string): CloudSubtenant | undefined {
  const ofTenant = subtenants.filter((s) => s.tenantId.toLowerCase() === tenantId.toLowerCase());
  return pickSameName(ofTenant, name, (s) => s.name, `subtenant of tenant ${tenantId}`);
}

export class NameLookups {
  /** Look-ups waiting for this turn to end, by tenant id (lower case). */
  readonly #waiting = new Map<string, { tenantId: string; lookups: Pending[] }>();
  #scheduled = false;
  /** Off once EM refused a query for several names for good. */
  #shared = true;

  constructor(private readonly client: SubtenantNameReads) {}

  /** The subtenant of that name in the tenant, or undefined when EM has none. */
  find(tenantId: string, name: string): Promise<CloudSubtenant | undefined> {
    if (!this.#shared) return this.client.findSubtenantByName(tenantId, name);
    return new Promise((resolve, reject) => {
      const key = tenantId.toLowerCase();
      let group = this.#waiting.get(key);
      if (!group) this.#waiting.set(key, (group = { tenantId, lookups: [] }));
      group.lookups.push({ name, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.#scheduled = false;
    const groups = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const { tenantId, lookups } of groups) {
      for (let at = 0; at < lookups.length; at += MAX_NAMES_PER_QUERY) void this.answer(tenantId, lookups.slice(at, at + MAX_NAMES_PER_QUERY));
    }
  }

  private async answer(tenantId: string, lookups: Pending[]): Promise<void> {
    let open = lookups;
    if (lookups.length > 1 && this.#shared) {
      try {
        const shown = await this.query(lookups.map((l) => l.name));
        open = [];
        for (const l of lookups) {
          let found: CloudSubtenant | undefined;
          try {
            found = pickByName(shown, tenantId, l.name);
          } catch (err) {
            l.reject(err);
            continue;
          }
          if (found) l.resolve(found);
          else open.push(l);
        }
      } catch (err) {
        if (!(err instanceof EmApiError)) {
          for (const l of lookups) l.reject(err);
          return;
        }
        if (refusedForGood(err)) this.#shared = false;
      }
    }
    // Alone: a lone look-up, a name the shared query did not show, or all of them when it failed.
    await Promise.all(open.map((l) => this.client.findSubtenantByName(tenantId, l.name).then(l.resolve, l.reject)));
  }

  /** The subtenants (of any tenant) with one of these names; not retried, as the look-ups alone follow. */
  private async query(names: string[]): Promise<CloudSubtenant[]> {
    const query = Query.type("CloudSubtenant").format("Entities").filter(where.or(...names.map((n) => where.eq("Name", n)))).pageSize(2 * MAX_NAMES_PER_QUERY);
    return (await this.client.queryPage(query, QUERY_ENTITIES.CloudSubtenant, (n) => parseCloudSubtenant(n), "once")).items;
  }
}
