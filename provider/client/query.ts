/**
 * The query seam: GET /query?type=…&format=…&filter=…&sortAsc|sortDesc=…&pageSize=…&page=…, with every page
 * collected. Filter syntax (EM): Field==Value with == != < > <= >=; ";" is AND, "," is OR, parentheses group.
 * String values are double-quoted, with a double quote inside doubled; backslashes are literal.
 */
import { ANSWERS, type Node, parseQueryResult, type QueryPage, ShapeError, type EntityRef } from "./codec";
import { EmApiError } from "./errors";
import type { PolicyName } from "./retry";
import type { SessionManager } from "./session";

/** The element names of a query's entities, e.g. CloudSubtenant in CloudSubtenants. */
export type QueryEntity = { singular: string; plural: string };

/** The entities this client queries. */
export const QUERY_ENTITIES = {
  CloudTenant: { singular: "CloudTenant", plural: "CloudTenants" },
  CloudSubtenant: { singular: "CloudSubtenant", plural: "CloudSubtenants" },
  Task: { singular: "Task", plural: "Tasks" },
} satisfies Record<string, QueryEntity>;

export type Operator = "==" | "!=" | "<" | ">" | "<=" | ">=";

/** A filter expression; render with String() or .toString(). */
export abstract class Filter {
  abstract toString(): string;
  /** Whether this is an OR/AND combination (needs parentheses inside the other). */
  abstract readonly combinator?: ";" | ",";
}

/** A value written as is (EM enumerations such as Type==ActiveDirectory). */
export class Raw {
  constructor(readonly value: string) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(value)) throw new Error(`raw filter value '${value}' may only hold letters, digits and _ . : -; quote it instead`);
  }
}

export type FilterValue = string | number | boolean | Raw;

/** A string value in EM's filter syntax: double-quoted, a double quote inside doubled, backslashes literal. */
export function quoteValue(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function renderValue(value: FilterValue): string {
  if (value instanceof Raw) return value.value;
  if (typeof value === "string") return quoteValue(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (!Number.isFinite(value)) throw new Error(`filter value ${value} is not a finite number`);
  return String(value);
}

class Comparison extends Filter {
  readonly combinator = undefined;
  constructor(
    readonly field: string,
    readonly op: Operator,
    readonly value: FilterValue,
  ) {
    super();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new Error(`filter field '${field}' is not a field name`);
  }
  toString(): string {
    return `${this.field}${this.op}${renderValue(this.value)}`;
  }
}

class Combination extends Filter {
  constructor(
    readonly combinator: ";" | ",",
    readonly parts: Filter[],
  ) {
    super();
    if (parts.length === 0) throw new Error("a filter combination needs at least one part");
  }
  toString(): string {
    // Any nested combination is parenthesized: EM does not document the precedence of ";" and ",".
    return this.parts.map((p) => (p.combinator ? `(${p.toString()})` : p.toString())).join(this.combinator);
  }
}

export const where = {
  eq: (field: string, value: FilterValue): Filter => new Comparison(field, "==", value),
  ne: (field: string, value: FilterValue): Filter => new Comparison(field, "!=", value),
  lt: (field: string, value: FilterValue): Filter => new Comparison(field, "<", value),
  gt: (field: string, value: FilterValue): Filter => new Comparison(field, ">", value),
  le: (field: string, value: FilterValue): Filter => new Comparison(field, "<=", value),
  ge: (field: string, value: FilterValue): Filter => new Comparison(field, ">=", value),
  and: (...parts: Filter[]): Filter => (parts.length === 1 ? parts[0] : new Combination(";", parts)),
  or: (...parts: Filter[]): Filter => (parts.length === 1 ? parts[0] : new Combination(",", parts)),
  raw: (value: string): Raw => new Raw(value),
};

export type QueryFormat = "References" | "Entities";

export const DEFAULT_PAGE_SIZE = 100;
/**
 * The most one query collects across its pages, and the most pages it asks for: an EM (or something posing as one)
 * that keeps announcing more pages would otherwise grow the collection until the plugin runs out of memory. A
 * service provider's whole EM lists far fewer tenants or subtenants; a filter narrows any query.
 */
export const QUERY_LIMITS = { items: 100_000, pages: 10_000 } as const;

export class Query {
  private params: { type: string; format?: QueryFormat; filter?: string; sortAsc?: string; sortDesc?: string; pageSize?: number; page?: number };

  constructor(type: string) {
    this.params = { type };
  }

  static type(type: string): Query {
    return new Query(type);
  }
  clone(): Query {
    const q = new Query(this.params.type);
    q.params = { ...this.params };
    return q;
  }
  format(format: QueryFormat): this {
    this.params.format = format;
    return this;
  }
  filter(filter: Filter | string | undefined): this {
    this.params.filter = filter === undefined ? undefined : String(filter);
    return this;
  }
  sortAsc(field: string): this {
    this.params.sortAsc = field;
    this.params.sortDesc = undefined;
    return this;
  }
  sortDesc(field: string): this {
    this.params.sortDesc = field;
    this.params.sortAsc = undefined;
    return this;
  }
  pageSize(size: number): this {
    if (!Number.isInteger(size) || size < 1) throw new Error(`pageSize must be a whole number greater than 0, got ${size}`);
    this.params.pageSize = size;
    return this;
  }
  page(page: number): this {
    if (!Number.isInteger(page) || page < 1) throw new Error(`page must be a whole number from 1, got ${page}`);
    this.params.page = page;
    return this;
  }
  get entityFormat(): boolean {
    return this.params.format === "Entities";
  }
  get typeName(): string {
    return this.params.type;
  }
  /** The query parameters, in EM's documented order; values unencoded (the transport encodes them). */
  toParams(): Record<string, string | number | undefined> {
    const p = this.params;
    return { type: p.type, format: p.format, sortAsc: p.sortAsc, sortDesc: p.sortDesc, filter: p.filter, pageSize: p.pageSize, page: p.page };
  }
}

export interface QueryResults {
  refs: EntityRef[];
  entities: Node[];
  /** GET requests made. */
  pages: number;
}

export class QueryRunner {
  constructor(private readonly session: SessionManager) {}

  /** One page. */
  async page(query: Query, entity?: QueryEntity) {
    return (await this.read(query, entity, undefined, (page) => page)).value;
  }

  /**
   * One page of entities, each taken by `take`, with the session generation that asked (EM answers some queries,
   * such as the Task query, per session). `policy` as for any request (an optional query that only saves others is
   * sent "once").
   */
  async entities<T>(query: Query, entity: QueryEntity, take: (n: Node) => T, policy?: PolicyName): Promise<{ items: T[]; pagesCount?: number; generation: number }> {
    const { value, generation } = await this.read(query, entity, policy, (page) => ({ items: page.entities.map(take), pagesCount: page.paging?.pagesCount }));
    return { ...value, generation };
  }

  /** One GET /query, its page read by `read`: an answer that is not such a page is an EmApiError (parse), never "nothing". */
  private async read<T>(query: Query, entity: QueryEntity | undefined, policy: PolicyName | undefined, read: (page: QueryPage) => T): Promise<{ value: T; generation: number }> {
    const res = await this.session.request({ method: "GET", path: "/query", query: query.toParams(), expect: [200], answer: ANSWERS.QueryResult, policy });
    try {
      return { value: read(parseQueryResult(res.body?.body, entity)), generation: res.generation };
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      const what = entity ? `a QueryResult of ${entity.plural}` : "a QueryResult";
      throw new EmApiError({ kind: "parse", method: "GET", path: `/query?type=${query.typeName}`, status: res.status, emMessage: `the answer is not ${what} (${err.message})` });
    }
  }

  /**
   * Every page, from page 1 (or the query's page): continues while PagingInfo has a Next link or PageNum is
   * below PagesCount. Each next page is requested by number with this client's own (properly encoded)
   * parameters rather than by the Next Href, whose echo of the filter EM does not encode reliably. A page that
   * is not the one asked for, or paging past QUERY_LIMITS, is an EmApiError: never a partial list read as whole.
   */
  async all(query: Query, entity?: QueryEntity): Promise<QueryResults> {
    const out: QueryResults = { refs: [], entities: [], pages: 0 };
    const q = query.clone();
    if (q.toParams().pageSize === undefined) q.pageSize(DEFAULT_PAGE_SIZE);
    let pageNum = (q.toParams().page as number | undefined) ?? 1;
    for (;;) {
      q.page(pageNum);
      const page = await this.page(q, entity);
      out.pages += 1;
      // One at a time: a spread of a page of 200,000 would overflow the call stack.
      for (const ref of page.refs) out.refs.push(ref);
      for (const e of page.entities) out.entities.push(e);
      const paging = page.paging;
      if (!paging) break;
      if (paging.pageNum !== pageNum) throw this.pagingError(q, `EM answered page ${paging.pageNum} when asked for page ${pageNum}, so its paging does not advance`);
      const more = paging.next !== undefined || pageNum < paging.pagesCount;
      if (!more || page.refs.length + page.entities.length === 0) break;
      if (out.refs.length + out.entities.length > QUERY_LIMITS.items) throw this.pagingError(q, `the query's pages hold more than ${QUERY_LIMITS.items} results (${out.pages} pages read) and EM announces more; that is the most this client collects`);
      if (out.pages >= QUERY_LIMITS.pages) throw this.pagingError(q, `EM announces more pages after ${out.pages}, the most this client reads for one query`);
      pageNum += 1;
    }
    return out;
  }

  private pagingError(query: Query, emMessage: string): EmApiError {
    return new EmApiError({
      kind: "parse",
      method: "GET",
      path: `/query?type=${query.typeName}`,
      status: 200,
      emMessage,
      hint: "Nothing was read as a whole list. Narrow the query with a filter, or check that the URL points at EM's REST API (a proxy or another web server may have answered)",
    });
  }
}
