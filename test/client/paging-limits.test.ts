/**
 * A query's paging against an emulator whose /query route answers as something posing as EM would: pages that
 * never advance, pages announced without end, one page too large to spread. Each must end in a clear error (or,
 * for the large page, in the whole list), never in a partial list or the plugin out of memory.
 */
import { expect } from "chai";
import { emHttp, type Emulator, type RequestContext } from "../../emulator/server";
import { el, wrappedList } from "../../emulator/wire/tree";
import { EmApiError, EmClient, Query, QUERY_LIMITS, type WireFormat } from "../../provider/client";
import { ADMIN, clockOf, emulator } from "./helpers";

/** A QueryResult page of `count` tenant references that says it is page `pageNum` of `pagesCount` (`lean`: names only). */
function page(ctx: RequestContext, pageNum: number, pagesCount: number, count: number, lean = false) {
  const refs = Array.from({ length: count }, (_, i) => {
    if (lean) return el("Ref", { Name: String(i) });
    const id = `${String(pageNum).padStart(8, "0")}-0000-0000-0000-${String(i).padStart(12, "0")}`;
    return el("Ref", { UID: `urn:veeam:CloudTenant:${id}`, Name: `t-${pageNum}-${i}`, Href: `${ctx.apiUrl}/cloud/tenants/${id}`, Type: "CloudTenantReference" });
  });
  const next = pageNum < pagesCount ? el("Links", undefined, el("Link", { Rel: "Next", Href: `${ctx.apiUrl}/query?type=CloudTenant&page=${pageNum + 1}` })) : undefined;
  return { status: 200, body: el("QueryResult", undefined, wrappedList("Refs", "Refs", refs), el("PagingInfo", { PagesCount: pagesCount, PageSize: count, PageNum: pageNum }, next)) };
}

const asked = (ctx: RequestContext) => Number(ctx.query.get("page") ?? "1");

describe("client: a query's paging is bounded (emulator answering as a hostile EM)", () => {
  let em: Emulator;
  before(async () => (em = await emulator()));
  after(async () => em.stop());

  const run = async (format: WireFormat) => {
    const client = new EmClient({ url: em.url, credentials: ADMIN, format }, { clock: clockOf(em) });
    try {
      return await client.query(Query.type("CloudTenant"));
    } finally {
      await client.close();
    }
  };
  const failure = async (format: WireFormat): Promise<EmApiError> => {
    const outcome = await run(format).then(
      (r) => r,
      (err: unknown) => err,
    );
    expect(outcome, "never a partial list").to.be.instanceOf(EmApiError);
    return outcome as EmApiError;
  };

  for (const format of ["xml", "json"] as const) {
    describe(format, () => {
      it("stops with a clear error when EM answers page 1 again, whatever page was asked for", async () => {
        let pages = 0;
        em.use(
          emHttp.get("/query", (ctx) => {
            pages++;
            return page(ctx, 1, 1_000_000, 10);
          }),
        );
        const err = await failure(format);
        expect(err.message).to.match(/EM answered page 1 when asked for page 2, so its paging does not advance/);
        expect(pages).to.equal(2);
      });

      it("stops with a clear error when EM keeps announcing more pages past the most one query collects", async () => {
        const perPage = 5_000;
        let pages = 0;
        em.use(
          emHttp.get("/query", (ctx) => {
            pages++;
            return page(ctx, asked(ctx), 1_000_000, perPage);
          }),
        );
        const err = await failure(format);
        expect(err.message).to.match(new RegExp(`more than ${QUERY_LIMITS.items} results \\(\\d+ pages read\\) and EM announces more`));
        expect(err.message).to.match(/Narrow the query with a filter/);
        expect(pages).to.equal(Math.floor(QUERY_LIMITS.items / perPage) + 1);
      });

      it("reads a page of 200,000 references whole (more than a spread of arguments takes)", async () => {
        em.use(emHttp.get("/query", (ctx) => page(ctx, asked(ctx), 1, 200_000, true)));
        const result = await run(format);
        expect(result.refs).to.have.length(200_000);
        expect(result.refs[199_999].name).to.equal("199999");
      });
    });
  }
});
