import { EmError, requireSession, type RequestContext } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import { link, links } from "../representations/common";
import { compareFieldValues, FilterSyntaxError, matches, parseFilter, type FieldValue } from "../query/filter";
import { QUERY_TYPES, UNIMPLEMENTED_QUERY_TYPES, type QueryType } from "../query/types";
import { el, wrappedList, type Element } from "../wire/tree";

/**
 * Without pageSize, "all query results are displayed on one page" (pagesize_and_page); the examples, all shorter than
 * 100 results, report PageSize="100". The emulator reports 100, or the number of results when there are more, so
 * that the paging links lead back to the same single page (assumed: no example has more than 100 results).
 */
const REPORTED_PAGE_SIZE = 100;

function positiveInt(ctx: RequestContext, name: string, fallback: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new EmError(400, `The query parameter '${name}' must be a whole number greater than 0, got '${raw}'`);
  return Number(raw);
}

function fieldReader<T>(type: QueryType<T>, item: T, ctx: RequestContext): (name: string) => FieldValue {
  return (name) => {
    const read = type.fields[name.toLowerCase()];
    if (!read) throw new FilterSyntaxError(`'${name}' is not a filter field of type ${type.name}; fields: ${Object.keys(type.fields).join(", ")}`);
    return read(item, ctx.store.state);
  };
}

/** Paging links repeat the request's own parameters, with pageSize and page set for each page. */
function pagingInfo(ctx: RequestContext, rawQuery: string, pageSize: number, page: number, pagesCount: number): Element {
  const kept = rawQuery.split("&").filter((p) => p !== "" && !/^(pageSize|page)=/i.test(p));
  const href = (n: number) => `${ctx.apiUrl}/query?${[...kept, `pageSize=${pageSize}`, `page=${n}`].join("&")}`;
  return el(
    "PagingInfo",
    { PagesCount: pagesCount, PageSize: pageSize, PageNum: page },
    links(
      link("First", undefined, href(1)),
      page > 1 ? link("Previous", undefined, href(Math.min(page - 1, pagesCount))) : undefined,
      page < pagesCount ? link("Next", undefined, href(page + 1)) : undefined,
      link("Last", undefined, href(pagesCount)),
    ),
  );
}

function runQuery<T>(ctx: RequestContext, type: QueryType<T>, rawQuery: string): Element {
  const session = requireSession(ctx);
  const state = ctx.store.state;
  const format = (ctx.query.get("format") ?? type.defaultFormat ?? "References").toLowerCase();
  if (format !== "references" && format !== "entities") throw new EmError(400, `The query format '${ctx.query.get("format")}' is not valid; use References or Entities`);

  let items = type.items(state, session, ctx.store.tasks);
  const filter = ctx.query.get("filter");
  const sortAsc = ctx.query.get("sortAsc");
  const sortDesc = ctx.query.get("sortDesc");
  try {
    if (filter !== null && filter.trim() !== "") {
      const tree = parseFilter(filter);
      items = items.filter((item) => matches(tree, fieldReader(type, item, ctx)));
    }
    const sortField = sortAsc ?? sortDesc;
    if (sortField !== null) {
      const direction = sortAsc !== null ? 1 : -1;
      items = [...items].sort((a, b) => direction * compareFieldValues(fieldReader(type, a, ctx)(sortField), fieldReader(type, b, ctx)(sortField)));
    }
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new EmError(400, err.message);
    throw err;
  }

  const pageSize = positiveInt(ctx, "pageSize", Math.max(REPORTED_PAGE_SIZE, items.length));
  const page = positiveInt(ctx, "page", 1);
  const pagesCount = Math.max(1, Math.ceil(items.length / pageSize));
  const pageItems = items.slice((page - 1) * pageSize, page * pageSize);
  const api = ctx.apiUrl;
  const results =
    format === "entities" || type.defaultFormat === "entities"
      ? el(type.entitiesElement, undefined, wrappedList(type.entitiesList, type.entitiesList, pageItems.map((i) => type.entity(api, i, state, ctx.profile))))
      : wrappedList("Refs", "Refs", pageItems.map((i) => type.reference(api, i, state)));
  return el("QueryResult", undefined, results, pagingInfo(ctx, rawQuery, pageSize, page, pagesCount));
}

export const queryHandlers: RouteHandler[] = [
  http.get("/query", (ctx) => {
    const typeName = ctx.query.get("type");
    if (!typeName) throw new EmError(400, "The query parameter 'type' is required, for example /api/query?type=CloudTenant");
    const type = QUERY_TYPES.find((t) => t.name.toLowerCase() === typeName.toLowerCase());
    if (!type) {
      // A GET is never answered 501 (http_response_codes lists 501 for POST, PUT and DELETE only): see notModelled.
      if (UNIMPLEMENTED_QUERY_TYPES.some((t) => t.toLowerCase() === typeName.toLowerCase())) {
        throw new EmError(404, `The emulator does not model the query type '${typeName}', which EM documents; it implements ${QUERY_TYPES.map((t) => t.name).join(", ")}`);
      }
      throw new EmError(400, `'${typeName}' is not a query type`);
    }
    const rawQuery = ctx.rawQuery;
    return { status: 200, body: runQuery(ctx, type as QueryType<unknown>, rawQuery) };
  }),

  http.get("/querySvc", (ctx) => {
    const session = requireSession(ctx);
    const api = ctx.apiUrl;
    return {
      status: 200,
      body: el(
        "QuerySvc",
        { Href: `${api}/querySvc`, Type: "QueryService" },
        links(
          link("Up", "LogonSession", `${api}/logonSessions/${session.id}`),
          link("Down", "CloudTenantList", `${api}/query?type=CloudTenant&format=Entities&sortAsc=Name&pageSize=15&page=1`),
          link("Down", "CloudSubtenantList", `${api}/query?type=CloudSubtenant&format=Entities&sortAsc=Name&pageSize=15&page=1`),
        ),
      ),
    };
  }),
];

