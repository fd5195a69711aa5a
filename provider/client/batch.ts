/**
 * Reads that arrive together, answered together: a refresh reads hundreds of subtenants at once, and one paged
 * query per tenant (100 a page) answers them all, where one GET each would cost hundreds of requests. Nothing is
 * kept after a batch is answered, so a read never sees an older EM than the moment it was asked for.
 *
 * Absence is never inferred from a page alone: objects deleted by someone else while the pages are read shift
 * the rest between pages, so a subtenant a batch did not see is looked up by its own GET, and only EM's 404 there
 * says it is gone. An error fails the reads of its tenant only.
 */
import { type CloudSubtenant, parseCloudSubtenant } from "./codec";
import { EmApiError, refusedForGood } from "./errors";
import type { EmClient } from "./client";
import { DEFAULT_PAGE_SIZE, Query, QUERY_ENTITIES, where } from "./query";
import type { PolicyName } from "./retry";

/**
 * A page (100 subtenants, about 100 KB) is read only where it can be expected to answer this many reads; fewer
 * reads (a refresh at --parallel 10 hands over ten at a time) are asked for by UID in one query.
 */
const READS_PER_PAGE = 10;

/** Most subtenants one query by id asks for (its filter stays about 3 KB of URL). */
const MAX_IDS_PER_QUERY = 50;

/** How long reads are gathered before their batch is sent; the engine starts a refresh's reads within a few ms. */
export const BATCH_WINDOW_MS = 15;

interface Pending {
  id: string;
  resolve(found: CloudSubtenant | undefined): void;
  reject(err: unknown): void;
}

/** Answers the open reads of a subtenant id (lower case) with what a query showed. */
type Settle = (id: string, found: CloudSubtenant) => void;

export class SubtenantReads {
  /** Reads waiting for their batch, by tenant id (lower case). */
  readonly #waiting = new Map<string, { tenantId: string; reads: Pending[] }>();
  /** How many pages each tenant's subtenants filled when last read: a hint (never an answer) for choosing. */
  readonly #pagesSeen = new Map<string, number>();
  #timer?: NodeJS.Timeout;
  /** Off once EM refused a query by UID for good: the reads then take one GET each. */
  #byIds = true;

  constructor(
    private readonly client: EmClient,
    private readonly windowMs = BATCH_WINDOW_MS,
  ) {}

  /** The subtenant as EM has it now, or undefined when EM says it does not exist (404). */
  read(tenantId: string, subtenantId: string): Promise<CloudSubtenant | undefined> {
    return new Promise((resolve, reject) => {
      const key = tenantId.toLowerCase();
      let group = this.#waiting.get(key);
      if (!group) this.#waiting.set(key, (group = { tenantId, reads: [] }));
      group.reads.push({ id: subtenantId, resolve, reject });
      this.#timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    this.#timer = undefined;
    const groups = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const group of groups) void this.answer(group.tenantId, group.reads);
  }

  /** Answers one tenant's reads; whatever fails, fails these reads and no others. */
  private async answer(tenantId: string, reads: Pending[]): Promise<void> {
    const open = new Map<string, Pending[]>();
    for (const r of reads) open.set(r.id.toLowerCase(), [...(open.get(r.id.toLowerCase()) ?? []), r]);
    const settle = (id: string, found: CloudSubtenant | undefined) => {
      for (const r of open.get(id) ?? []) r.resolve(found);
      open.delete(id);
    };
    try {
      // Pages when they may be fewer than the reads (a refresh of a whole stack, not a few resources); a few reads
      // together (as at --parallel 10) ask for exactly their subtenants, by UID.
      if (open.size > 1 && (this.#pagesSeen.get(tenantId.toLowerCase()) ?? 0) * READS_PER_PAGE <= open.size) await this.pages(tenantId, open, settle);
      else if (open.size > 1 && this.#byIds) await this.byIds(tenantId, open, settle);
      // What the pages did not show (or a lone read): one GET each, where only EM's 404 means gone.
      await Promise.all(
        [...open.keys()].map(async (id) => {
          const pending = open.get(id) ?? [];
          try {
            settle(id, await this.client.getSubtenant(tenantId, pending[0].id));
          } catch (err) {
            for (const r of pending) r.reject(err);
            open.delete(id);
          }
        }),
      );
    } catch (err) {
      for (const list of open.values()) for (const r of list) r.reject(err);
    }
  }

  /**
   * Reads the tenant's subtenants page by page, settling each read whose subtenant a page shows. Stops paging when
   * the pages left cannot be expected to answer READS_PER_PAGE reads each: one GET each is then cheaper (a few
   * reads, or a tenant shared with other stacks).
   */
  private async pages(tenantId: string, open: Map<string, Pending[]>, settle: Settle): Promise<void> {
    const query = Query.type("CloudSubtenant").format("Entities").filter(where.eq("CloudTenantUid", `urn:veeam:CloudTenant:${tenantId}`)).pageSize(DEFAULT_PAGE_SIZE);
    for (let page = 1; open.size > 0; page++) {
      const { shown, pagesCount = page } = await this.query(tenantId, query.page(page), open, settle);
      this.#pagesSeen.set(tenantId.toLowerCase(), pagesCount);
      if (shown === 0 || page >= pagesCount || (pagesCount - page) * READS_PER_PAGE > open.size) return;
    }
  }

  /**
   * Asks for the reads' subtenants by UID, `GET /query?type=CloudSubtenant&filter=UID=="…",UID=="…"` (UID: the
   * subtenant's id, get_query_cloudsubtenant; "," is OR, query_and_or), settling each read a query shows. The
   * query only saves requests: whatever goes wrong with it, the reads it did not settle take one GET each, and an
   * answer that will not change (a 4xx other than 429, 501, or not a list of subtenants) turns it off.
   */
  private async byIds(tenantId: string, open: Map<string, Pending[]>, settle: Settle): Promise<void> {
    const ids = [...open.values()].map((pending) => pending[0].id);
    for (let at = 0; at < ids.length && this.#byIds; at += MAX_IDS_PER_QUERY) {
      const chunk = ids.slice(at, at + MAX_IDS_PER_QUERY);
      const query = Query.type("CloudSubtenant").format("Entities").filter(where.or(...chunk.map((id) => where.eq("UID", id)))).pageSize(chunk.length);
      try {
        // Not retried: the GETs that follow for what it did not settle are.
        await this.query(tenantId, query, open, settle, "once");
      } catch (err) {
        if (!(err instanceof EmApiError)) throw err;
        if (refusedForGood(err)) this.#byIds = false;
      }
    }
  }

  /**
   * One `GET /query?type=CloudSubtenant`, settling each open read of the tenant whose subtenant it shows. Returns how
   * many subtenants it showed and its page count; any other answer is an EmApiError.
   */
  private async query(tenantId: string, query: Query, open: Map<string, Pending[]>, settle: Settle, policy?: PolicyName): Promise<{ shown: number; pagesCount?: number }> {
    const { items: subtenants, pagesCount } = await this.client.queryPage(query, QUERY_ENTITIES.CloudSubtenant, (n) => parseCloudSubtenant(n, tenantId), policy);
    for (const s of subtenants) if (s.tenantId.toLowerCase() === tenantId.toLowerCase() && open.has(s.id.toLowerCase())) settle(s.id.toLowerCase(), s);
    return { shown: subtenants.length, pagesCount };
  }
}

const readers = new WeakMap<EmClient, SubtenantReads>();

/** The batched subtenant reads of a client (one per client, so one per connection and run). */
export function subtenantReads(client: EmClient): SubtenantReads {
  let reads = readers.get(client);
  if (!reads) readers.set(client, (reads = new SubtenantReads(client)));
  return reads;
}
