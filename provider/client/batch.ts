/**
 * Subtenant reads answered from their tenant's list: a refresh reads hundreds of subtenants, and one paged query per
 * tenant (100 a page) answers them all, where one GET each would cost hundreds of requests. `pulumi refresh` hands
 * reads over a few at a time (--parallel 16 by default), so the list a tenant's first reads ask for is held and
 * answers the reads that follow, for a short, bounded time (HELD_FOR_MS) and only while no change made through the
 * client has ended since it was asked for (changes.ts): a read never hides a change of the same run, and nothing
 * is kept across runs.
 *
 * A tenant's list grows page by page, never by more pages than reads of that tenant arrived (so a few reads of a
 * tenant with thousands of subtenants do not read them all). Absence is never inferred from a page: objects
 * deleted by someone else while the pages are read shift the rest between pages, so a subtenant the list does not
 * show is looked up by its own GET, and only EM's 404 there says it is gone. An error fails the reads of its tenant
 * only, and drops the list.
 */
import { HeldSince, type HeldReadsOptions, heldReadsSettings, ReadWindow } from "./changes";
import { type CloudSubtenant, parseCloudSubtenant } from "./codec";
import { EmApiError, refusedForGood } from "./errors";
import type { EmClient } from "./client";
import { DEFAULT_PAGE_SIZE, Query, QUERY_ENTITIES, where } from "./query";
import type { PolicyName } from "./retry";

/** Most subtenants one query by id asks for (its filter stays about 3 KB of URL). */
const MAX_IDS_PER_QUERY = 50;

export { BATCH_WINDOW_MS } from "./changes";

interface Pending {
  tenantId: string;
  id: string;
  resolve(found: CloudSubtenant | undefined): void;
  reject(err: unknown): void;
}

/** Answers the open reads of a subtenant id (lower case) with what a query showed. */
type Settle = (id: string, found: CloudSubtenant) => void;

/** A tenant's subtenants as far as its pages were read, and the reads that asked for it. */
interface TenantList {
  tenantId: string;
  held: HeldSince;
  byId: Map<string, CloudSubtenant>;
  pagesRead: number;
  complete: boolean;
  /** Reads of this tenant since the list was started: it never reads more pages than this. */
  reads: number;
  /** The page being read, shared by every batch that waits for it. */
  paging?: Promise<void>;
}

export class SubtenantReads {
  /** Reads waiting for their batch. */
  readonly #window: ReadWindow<Pending>;
  /** Each tenant's list, by tenant id (lower case); one that is no longer current is replaced. */
  readonly #lists = new Map<string, TenantList>();
  /** Off once EM refused a query by UID for good: the reads then take one GET each. */
  #byIds = true;
  readonly #settings: Required<HeldReadsOptions>;

  constructor(
    private readonly client: EmClient,
    options: HeldReadsOptions = {},
  ) {
    this.#settings = heldReadsSettings(options);
    this.#window = new ReadWindow(this.#settings, (reads) => this.flush(reads));
  }

  /** The subtenant as EM has it now, or undefined when EM says it does not exist (404). */
  read(tenantId: string, subtenantId: string): Promise<CloudSubtenant | undefined> {
    const key = tenantId.toLowerCase();
    // Already shown by the tenant's current list: answered at once.
    const list = this.#lists.get(key);
    const shown = list?.held.current ? list.byId.get(subtenantId.toLowerCase()) : undefined;
    if (list && shown) {
      list.reads += 1;
      return Promise.resolve(shown);
    }
    return new Promise((resolve, reject) => this.#window.add({ tenantId, id: subtenantId, resolve, reject }));
  }

  /** Answers a window's reads, tenant by tenant (by tenant id, lower case). */
  private flush(reads: Pending[]): void {
    const groups = new Map<string, { tenantId: string; reads: Pending[] }>();
    for (const read of reads) {
      const key = read.tenantId.toLowerCase();
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { tenantId: read.tenantId, reads: [] }));
      group.reads.push(read);
    }
    for (const [key, list] of this.#lists) if (!list.held.current && !list.paging) this.#lists.delete(key);
    for (const group of groups.values()) void this.answer(group.tenantId, group.reads);
  }

  /** The tenant's current list, or a new (empty) one. */
  private listOf(tenantId: string): TenantList {
    const key = tenantId.toLowerCase();
    let list = this.#lists.get(key);
    if (!list?.held.current) this.#lists.set(key, (list = { tenantId, held: new HeldSince(this.client, this.#settings.clock, this.#settings.heldForMs), byId: new Map(), pagesRead: 0, complete: false, reads: 0 }));
    return list;
  }

  /** Answers one tenant's reads; whatever fails, fails these reads and no others. */
  private async answer(tenantId: string, reads: Pending[]): Promise<void> {
    const open = new Map<string, Pending[]>();
    for (const r of reads) open.set(r.id.toLowerCase(), [...(open.get(r.id.toLowerCase()) ?? []), r]);
    const settle = (id: string, found: CloudSubtenant | undefined) => {
      for (const r of open.get(id) ?? []) r.resolve(found);
      open.delete(id);
    };
    const list = this.listOf(tenantId);
    list.reads += open.size;
    const fromList = () => {
      for (const id of [...open.keys()]) {
        const found = list.byId.get(id);
        if (found) settle(id, found);
      }
    };
    try {
      fromList();
      // A lone read takes its own GET; reads together read pages, at most one per read of the tenant so far.
      while (open.size > 0 && !list.complete && list.reads >= 2 && list.pagesRead < list.reads) {
        await this.nextPage(list);
        fromList();
      }
      // A few reads of a tenant with more pages than reads: their subtenants by UID, in one query.
      if (open.size > 1 && !list.complete && this.#byIds) await this.byIds(tenantId, open, settle);
      // What the list did not show: one GET each, where only EM's 404 means gone.
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
      for (const pendings of open.values()) for (const r of pendings) r.reject(err);
    }
  }

  /** Reads the list's next page; batches that need it at the same time share it. A failed page drops the list. */
  private nextPage(list: TenantList): Promise<void> {
    list.paging ??= this.readPage(list)
      .catch((err: unknown) => {
        if (this.#lists.get(list.tenantId.toLowerCase()) === list) this.#lists.delete(list.tenantId.toLowerCase());
        list.complete = true;
        throw err;
      })
      .finally(() => (list.paging = undefined));
    return list.paging;
  }

  private async readPage(list: TenantList): Promise<void> {
    const page = list.pagesRead + 1;
    const query = Query.type("CloudSubtenant").format("Entities").filter(where.eq("CloudTenantUid", `urn:veeam:CloudTenant:${list.tenantId}`)).pageSize(DEFAULT_PAGE_SIZE).page(page);
    const { items, pagesCount = page } = await this.query(list.tenantId, query);
    for (const s of items) list.byId.set(s.id.toLowerCase(), s);
    list.pagesRead = page;
    if (items.length === 0 || page >= pagesCount) list.complete = true;
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
        for (const s of (await this.query(tenantId, query, "once")).items) if (open.has(s.id.toLowerCase())) settle(s.id.toLowerCase(), s);
      } catch (err) {
        if (!(err instanceof EmApiError)) throw err;
        if (refusedForGood(err)) this.#byIds = false;
      }
    }
  }

  /** One `GET /query?type=CloudSubtenant`: the tenant's subtenants it shows, and its page count; any other answer is an EmApiError. */
  private async query(tenantId: string, query: Query, policy?: PolicyName): Promise<{ items: CloudSubtenant[]; pagesCount?: number }> {
    const { items, pagesCount } = await this.client.queryPage(query, QUERY_ENTITIES.CloudSubtenant, (n) => parseCloudSubtenant(n, tenantId), policy);
    return { items: items.filter((s) => s.tenantId.toLowerCase() === tenantId.toLowerCase()), pagesCount };
  }
}

const readers = new WeakMap<EmClient, SubtenantReads>();

/** The subtenant reads of a client (one per client, so one per connection and run). */
export function subtenantReads(client: EmClient): SubtenantReads {
  let reads = readers.get(client);
  if (!reads) readers.set(client, (reads = new SubtenantReads(client, { clock: client.clock })));
  return reads;
}
