/**
 * Account reads answered from EM's account list: `GET /security/accounts?format=Entity` returns every account as an
 * entity in one request (EnterpriseAccountList), where one GET each would cost a request per account. The list
 * that reads arriving together ask for is held and answers the reads that follow, for a short, bounded time
 * (HELD_FOR_MS) and only while no change made through the client has ended since it was asked for (changes.ts).
 *
 * A lone read takes its own GET (the list holds every account of EM). An account the list does not show is looked
 * up by its own GET, and only EM's 404 there says it is gone. The list only saves requests: when it fails, the
 * reads take their own GETs, and an answer that will not change (a 4xx other than 429, 501, or not a list of
 * accounts) turns it off.
 */
import { HeldSince, type HeldReadsOptions, heldReadsSettings, ReadWindow } from "./changes";
import type { EnterpriseAccount } from "./codec";
import { EmApiError, refusedForGood } from "./errors";
import type { EmClient } from "./client";

interface Pending {
  id: string;
  resolve(found: EnterpriseAccount | undefined): void;
  reject(err: unknown): void;
}

interface AccountList {
  held: HeldSince;
  /** Reads since the list was started: it is asked for once two reads arrived. */
  reads: number;
  byId?: Map<string, EnterpriseAccount>;
  loading?: Promise<Map<string, EnterpriseAccount>>;
}

export class AccountReads {
  readonly #window: ReadWindow<Pending>;
  #list?: AccountList;
  /** Off once EM refused the list for good. */
  #useList = true;
  readonly #settings: Required<HeldReadsOptions>;

  constructor(
    private readonly client: EmClient,
    options: HeldReadsOptions = {},
  ) {
    this.#settings = heldReadsSettings(options);
    this.#window = new ReadWindow(this.#settings, (reads) => void this.answer(reads));
  }

  /** The account as EM has it now, or undefined when EM says it does not exist (404). */
  read(id: string): Promise<EnterpriseAccount | undefined> {
    const list = this.#list?.held.current ? this.#list : undefined;
    const shown = list?.byId?.get(id.toLowerCase());
    if (list && shown) {
      list.reads += 1;
      return Promise.resolve(shown);
    }
    return new Promise((resolve, reject) => this.#window.add({ id, resolve, reject }));
  }

  private async answer(reads: Pending[]): Promise<void> {
    if (!this.#list?.held.current) this.#list = { held: new HeldSince(this.client, this.#settings.clock, this.#settings.heldForMs), reads: 0 };
    const list = this.#list;
    list.reads += reads.length;
    let byId: Map<string, EnterpriseAccount> | undefined;
    if (this.#useList && list.reads >= 2) {
      try {
        byId = await this.load(list);
      } catch (err) {
        if (!(err instanceof EmApiError)) {
          for (const r of reads) r.reject(err);
          return;
        }
        if (refusedForGood(err)) this.#useList = false;
      }
    }
    // What the list did not show (or a lone read, or a failed list): one GET each, where only EM's 404 means gone.
    await Promise.all(
      reads.map(async (r) => {
        const shown = byId?.get(r.id.toLowerCase());
        if (shown) return r.resolve(shown);
        await this.client.getAccount(r.id).then(r.resolve, r.reject);
      }),
    );
  }

  /** The list, asked for once and shared by the batches that wait for it; a failed list is dropped. */
  private load(list: AccountList): Promise<Map<string, EnterpriseAccount>> {
    list.loading ??= this.client.listAccountEntities().then(
      (accounts) => (list.byId = new Map(accounts.map((a) => [a.id.toLowerCase(), a]))),
      (err: unknown) => {
        if (this.#list === list) this.#list = undefined;
        throw err;
      },
    );
    return list.loading;
  }
}

const readers = new WeakMap<EmClient, AccountReads>();

/** The account reads of a client (one per client, so one per connection and run). */
export function accountReads(client: EmClient): AccountReads {
  let reads = readers.get(client);
  if (!reads) readers.set(client, (reads = new AccountReads(client, { clock: client.clock })));
  return reads;
}
