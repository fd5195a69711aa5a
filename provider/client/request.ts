/**
 * One request to EM: its shape, its URL, and one attempt at it — serialized in the chosen wire format, sent on the
 * connection the policy picks, and its answer read back as a parsed body or an EmApiError. Retries are the
 * transport's (transport.ts); the connections are connection-policy.ts's; the failure texts are error-hints.ts's.
 */
import type * as http from "node:http";
import { type AnswerShape, checkAnswer, EM_NAMESPACE, contentType, decodeBody, type DecodedBody, encodeBody, type Element } from "./codec";
import type { EmApiError } from "./errors";
import { answerError, excerpt, type HintContext, networkError, statusError } from "./error-hints";
import { exchange, type ExchangeAnswer } from "./http-exchange";
import { type Clock, POLICIES, type PolicyName } from "./retry";
import type { WireFormat } from "./settings";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface TransportRequest {
  method: Method;
  /** Path below the API base, e.g. "/cloud/tenants/{id}"; or … */
  path?: string;
  /** … an absolute Href from one of EM's links (its path is re-based onto the configured base URL). */
  href?: string;
  query?: Record<string, string | number | undefined>;
  body?: Element;
  /** Statuses that count as success. */
  expect: number[];
  /** What a successful answer's body must be (root element and namespace in XML, shape in JSON). */
  answer?: AnswerShape;
  headers?: Record<string, string>;
  /** Marks the logon request, for hints and the retry policy. */
  logon?: boolean;
  /** One attempt only, within this many milliseconds (a logout must not hold a process up). */
  singleAttemptTimeoutMs?: number;
  /** Retry policy; by default GET, DELETE and the logon are idempotent, POST and PUT are repeated only when not taken. */
  policy?: PolicyName;
  /**
   * The change is safe to send again (an edit of the whole object), and its caller settles an unknown outcome by
   * reading EM: it may ride a kept-alive connection although the transport does not repeat it.
   */
  safeToResend?: boolean;
  /** The largest answer taken for this request, when it may exceed MAX_ANSWER_BYTES (a list EM does not page). */
  maxAnswerBytes?: number;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed body; undefined when the answer has none. */
  body?: DecodedBody;
}

/** The largest answer read; EM's pages are far smaller (a page of 100 subtenants is about 100 KB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/**
 * The largest answer read for a list EM does not page (`GET /security/accounts`: every account at once, about
 * 450 bytes a reference and 1.5 KB an entity): room for about 70,000 account references or 20,000 entities.
 */
export const MAX_UNPAGED_LIST_BYTES = 32 * 1024 * 1024;

/** The retry policy of a request. */
export function policyOf(req: Pick<TransportRequest, "method" | "logon" | "singleAttemptTimeoutMs" | "policy">): PolicyName {
  if (req.policy) return req.policy;
  if (req.singleAttemptTimeoutMs !== undefined) return "once";
  return req.method === "GET" || req.method === "DELETE" || req.logon ? "idempotent" : "notTaken";
}

/** Whether a failed attempt may be repeated under the request's policy. */
export function isRetryable(method: Method, err: EmApiError, logon = false): boolean {
  return POLICIES[policyOf({ method, logon })].retryable(err);
}

/** Absolute URL of a request: a path below the base, or an EM Href re-based onto the configured base. */
export function resolveUrl(base: URL, req: Pick<TransportRequest, "path" | "href" | "query">): URL {
  let url: URL;
  if (req.href !== undefined) {
    const given = new URL(req.href.replace(/&amp;/g, "&"), base);
    const at = given.pathname.search(/\/api(\/|$)/i);
    url = new URL(base.toString());
    const rest = at >= 0 ? given.pathname.slice(at).replace(/^\/api\/?/i, "") : given.pathname.replace(/^\/+/, "");
    url.pathname = base.pathname + rest;
    url.search = given.search;
  } else {
    url = new URL(base.toString());
    url.pathname = base.pathname + (req.path ?? "").replace(/^\/+/, "");
  }
  const pairs = Object.entries(req.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
  if (pairs.length > 0) {
    const extra = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
    url.search = url.search ? `${url.search}&${extra}` : `?${extra}`;
  }
  return url;
}

/** The wire a request goes out on: a turn among the requests at once, and the agent for its connection. */
export interface Wire {
  readonly turns: { take(): Promise<void>; give(): void };
  agentFor(req: TransportRequest, url: URL): http.Agent;
}

/** What one attempt needs besides the request. */
export interface AttemptContext extends HintContext {
  readonly format: WireFormat;
  readonly wire: Wire;
  /** The client's clock: the exchange's deadline runs on it. */
  readonly clock: Clock;
}

/**
 * One attempt, which must be answered in full within `deadlineMs` from when its turn came (see Turns); `onQueued`
 * learns how long it waited for the turn.
 */
export async function sendAttempt(ctx: AttemptContext, req: TransportRequest, deadlineMs: number, onQueued?: (ms: number) => void): Promise<TransportResponse> {
  // The turn first: a request waiting behind a large refresh holds only itself, not its URL, headers and body.
  const queuedAt = ctx.clock.now();
  await ctx.wire.turns.take();
  onQueued?.(ctx.clock.now() - queuedAt);
  let path: string;
  let res: ExchangeAnswer;
  try {
    const url = resolveUrl(ctx.base, req);
    // Path and query below the host, for messages.
    path = ctx.redactor.apply(url.pathname + url.search);
    const headers: Record<string, string> = { Accept: contentType(ctx.format), "User-Agent": "pulumi-veeam-em", ...req.headers };
    let data: string | undefined;
    if (req.body) {
      data = encodeBody(req.body, ctx.format);
      headers["Content-Type"] = `${contentType(ctx.format)}; charset=utf-8`;
    }
    try {
      // One deadline for the whole exchange, so an answer that stalls or trickles in cannot hold a run up.
      res = await exchange({ method: req.method, url, headers, body: data, agent: ctx.wire.agentFor(req, url), deadlineMs, clock: ctx.clock, maxBytes: req.maxAnswerBytes ?? MAX_ANSWER_BYTES });
    } catch (err) {
      throw networkError(ctx, req, path, url, err, deadlineMs, policyOf(req) !== "idempotent");
    }
  } finally {
    ctx.wire.turns.give();
  }
  return readAnswer(ctx, req, path, res);
}

/** The answer of one attempt: its status checked, its body parsed and checked against the shape asked for. */
function readAnswer(ctx: AttemptContext, req: TransportRequest, path: string, res: ExchangeAnswer): TransportResponse {
  const text = res.text;
  const resHeaders: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(res.headers)) resHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
  if (!req.expect.includes(res.status)) throw statusError(ctx, req, path, res.status, text, resHeaders);
  if (text.trim() === "") {
    if (req.answer) throw answerError(ctx, req, path, res.status, `the answer is empty, where EM sends ${req.answer.describe}`);
    return { status: res.status, headers: resHeaders };
  }
  let body: DecodedBody;
  try {
    body = decodeBody(text);
  } catch (err) {
    throw answerError(ctx, req, path, res.status, `the answer is not EM XML or JSON: ${(err as Error).message}${text.trim() ? ` (starts with: ${ctx.redactor.apply(excerpt(text))})` : ""}`);
  }
  if (req.answer) {
    const problem = checkAnswer(body, req.answer, ctx.format);
    if (problem) {
      const foreign = body.format === "xml" && body.namespace !== EM_NAMESPACE && body.root !== "Error";
      throw answerError(ctx, req, path, res.status, ctx.redactor.apply(problem + (foreign ? ` (starts with: ${excerpt(text)})` : "")));
    }
  }
  return { status: res.status, headers: resHeaders, body };
}
