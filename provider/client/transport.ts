/**
 * The request seam: one HTTP request to EM, serialized in the chosen wire format, answered as a parsed body
 * or an EmApiError. Requests that are safe to repeat are retried on transient failures.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as tlsModule from "node:tls";
import { type AnswerShape, checkAnswer, EM_NAMESPACE, isErrorDocument, contentType, decodeBody, type DecodedBody, encodeBody, type Element, parseErrorBody } from "./codec";
import { EmApiError, type EmErrorKind, missingRightsHint, Redactor } from "./errors";
import { exchange, type ExchangeAnswer, proxyAgentOptions } from "./http-exchange";
import { type Clock, POLICIES, type PolicyName, REAL_CLOCK, withRetry } from "./retry";
import { isLoopback, type ResolvedSettings } from "./settings";
import { SpareConnections } from "./spare-connections";

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
/** The most spare connections kept for one EM (one per change under way, up to this many). */
const MAX_SPARES = 10;
/** How long an idle kept-alive connection is kept. */
const IDLE_SOCKET_MS = 30_000;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH/;

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

function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** A short, tag-free excerpt of a non-EM body (an HTML page from a proxy, plain text). */
function excerpt(text: string): string {
  const head = text.slice(0, 4096);
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(head)?.[1];
  const plain = (title ?? head.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return plain.length > 200 ? plain.slice(0, 200) + "…" : plain;
}

/** Where a redirect points, without user info, query or fragment (a login page's query may carry anything). */
function redirectTarget(location: string, base: URL): string {
  try {
    const u = new URL(location, base);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(an unreadable Location)";
  }
}

export interface TransportHooks {
  onWarning?(msg: string): void;
  /** Called before each retry, with a body-free description. */
  onRetry?(msg: string): void;
}

/**
 * Which connection a request travels on. Requests that may be repeated (GET, DELETE, the logon, task polls) reuse
 * kept-alive connections: when EM has closed an idle one meanwhile, the broken attempt is simply repeated. So does a
 * change that is safe to send again (a subtenant edit): if EM closed the connection as it was sent, its caller reads
 * EM and sends it again. A POST that must not be repeated (a create, a toggle) goes on a fresh connection: on a
 * reused socket that EM closed while it sat idle, the request fails after it was written, which looks exactly like EM
 * having dropped it mid-way, and the outcome would be unknown for no reason. A fresh connection costs one handshake
 * per create; polls, reads and edits, the bulk, reuse.
 */
export function reusesConnection(req: Pick<TransportRequest, "method" | "logon" | "singleAttemptTimeoutMs" | "policy" | "safeToResend">): boolean {
  return req.safeToResend === true || policyOf(req) !== "notTaken";
}

/**
 * At most `limit` requests at once; the others wait their turn, first come first served. Each request holds its
 * turn only while on the wire (not while parsing, nor during a retry's wait).
 */
export class Turns {
  #inFlight = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  /** Requests on the wire now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests waiting for their turn now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves when the caller may send; it must call `give` once done. */
  take(): Promise<void> {
    if (this.#inFlight < this.limit) {
      this.#inFlight += 1;
      return Promise.resolve();
    }
    // The turn passes straight from `give` to the next in line, so the count stays the same.
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  give(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }
}

export class Transport {
  private readonly base: URL;
  /** Kept-alive connections, for requests that may be repeated. */
  private readonly reused: { http: http.Agent; https: https.Agent };
  /** A new connection per request, for changes that must not be repeated. */
  private readonly fresh: { http: http.Agent; https: https.Agent };
  /** New connections opened ahead for the next changes. */
  private readonly spares: SpareConnections;
  /** Requests on the wire at once, over both kinds of connection (settings.maxConnections). */
  readonly turns: Turns;

  constructor(
    private readonly settings: ResolvedSettings,
    readonly redactor: Redactor,
    private readonly hooks: TransportHooks = {},
  ) {
    this.base = new URL(settings.baseUrl);
    if (settings.insecureSkipTlsVerify) {
      hooks.onWarning?.(`TLS certificate verification is OFF for ${this.base.origin} (insecureSkipTlsVerify): anyone on the network path can impersonate EM. Use caCertPath instead outside tests.`);
    }
    if (this.base.protocol === "http:" && settings.allowInsecureHttp && !isLoopback(this.base.hostname)) {
      hooks.onWarning?.(`plain http:// to ${this.base.host} (allowInsecureHttp): the EM credentials and session travel unencrypted. Use https:// outside a trusted network.`);
    }
    // One TLS context for every connection: otherwise each connection builds its own (OpenSSL's context and, with
    // caCertPath, a certificate store), which lives in native memory until the JS heap happens to be collected.
    const secureContext = tlsModule.createSecureContext(settings.ca ? { ca: settings.ca } : {});
    const tls = { secureContext, rejectUnauthorized: !settings.insecureSkipTlsVerify };
    // HTTP(S)_PROXY / NO_PROXY, through Node's own proxy support (http-exchange.ts).
    const proxy = proxyAgentOptions(process.env, (message) => hooks.onWarning?.(message));
    // Idle connections are let go well before a server's usual idle timeout (IIS, in front of EM: 120 s).
    // The reused agents' own limits are never reached (a request holds a turn first); they stand behind this.turns.
    const limit = { maxSockets: settings.maxConnections, maxFreeSockets: settings.maxConnections };
    this.turns = new Turns(settings.maxConnections);
    this.reused = { http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, ...limit, ...proxy }), https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, ...limit, ...tls, ...proxy }) };
    // No socket limit on the fresh agents: with one, Node keeps a finished change's socket alive and hands it to a
    // request queued in the agent, so two changes could share a connection. Unlimited, each is sent with
    // "Connection: close" and its socket is never reused; this.turns bounds how many are on the wire.
    this.fresh = { http: new http.Agent({ keepAlive: false, ...proxy }), https: new https.Agent({ keepAlive: false, ...tls, ...proxy }) };
    // Fresh connections are opened ahead, one for each change under way, so that a change does not wait for a
    // handshake (spare-connections.ts). Not through a proxy: Node opens its tunnels itself, after the request.
    this.spares = new SpareConnections(Math.min(MAX_SPARES, settings.maxConnections));
    if (!proxy.proxyEnv) {
      this.spares.attach(this.fresh.http);
      this.spares.attach(this.fresh.https);
    }
  }

  /** Closes the kept-alive and spare connections (at the end of a run). */
  close(): void {
    this.spares.close();
    for (const agents of [this.reused, this.fresh]) {
      agents.http.destroy();
      agents.https.destroy();
    }
  }

  get baseUrl(): string {
    return this.base.toString();
  }

  /** Absolute URL of a request: a path below the base, or an EM Href re-based onto the configured base. */
  resolveUrl(req: Pick<TransportRequest, "path" | "href" | "query">): URL {
    let url: URL;
    if (req.href !== undefined) {
      const given = new URL(req.href.replace(/&amp;/g, "&"), this.base);
      const at = given.pathname.search(/\/api(\/|$)/i);
      url = new URL(this.base.toString());
      const rest = at >= 0 ? given.pathname.slice(at).replace(/^\/api\/?/i, "") : given.pathname.replace(/^\/+/, "");
      url.pathname = this.base.pathname + rest;
      url.search = given.search;
    } else {
      url = new URL(this.base.toString());
      url.pathname = this.base.pathname + (req.path ?? "").replace(/^\/+/, "");
    }
    const pairs = Object.entries(req.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
    if (pairs.length > 0) {
      const extra = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
      url.search = url.search ? `${url.search}&${extra}` : `?${extra}`;
    }
    return url;
  }

  /** Path and query below the host, for messages. */
  private display(url: URL): string {
    return this.redactor.apply(url.pathname + url.search);
  }

  /**
   * One request, retried under its policy (see retry.ts) within the retry budget. Time spent waiting for a turn
   * counts towards neither the attempt's deadline nor the budget: a queue behind a large refresh is not EM's delay.
   */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const policy = POLICIES[policyOf(req)];
    const timing = { ...this.settings.retry, retries: policy === POLICIES.once ? 0 : this.settings.retry.retries };
    let queuedMs = 0;
    const clock: Clock = { sleep: REAL_CLOCK.sleep, now: () => REAL_CLOCK.now() - queuedMs };
    const onQueued = (ms: number) => (queuedMs += ms);
    return withRetry(
      policy,
      timing,
      (remainingMs) => this.send(req, Math.min(req.singleAttemptTimeoutMs ?? this.settings.requestTimeoutMs, remainingMs), onQueued),
      (e, left) => this.hooks.onRetry?.(`${e.method} ${e.path}: ${e.status ?? e.code ?? e.kind}; retrying (${left} left)`),
      clock,
    );
  }

  /**
   * One attempt, which must be answered in full within `deadlineMs` (the request timeout by default) from when its
   * turn came (see Turns); `onQueued` learns how long it waited for the turn.
   */
  async send(req: TransportRequest, deadlineMs = this.settings.requestTimeoutMs, onQueued?: (ms: number) => void): Promise<TransportResponse> {
    // The turn first: a request waiting behind a large refresh holds only itself, not its URL, headers and body.
    const queuedAt = REAL_CLOCK.now();
    await this.turns.take();
    onQueued?.(REAL_CLOCK.now() - queuedAt);
    let url: URL;
    let path: string;
    let res: ExchangeAnswer;
    try {
      url = this.resolveUrl(req);
      path = this.display(url);
      const headers: Record<string, string> = { Accept: contentType(this.settings.format), "User-Agent": "pulumi-veeam-em", ...req.headers };
      let data: string | undefined;
      if (req.body) {
        data = encodeBody(req.body, this.settings.format);
        headers["Content-Type"] = `${contentType(this.settings.format)}; charset=utf-8`;
      }
      const agents = reusesConnection(req) ? this.reused : this.fresh;
      try {
        // One deadline for the whole exchange, so an answer that stalls or trickles in cannot hold a run up.
        res = await exchange({ method: req.method, url, headers, body: data, agent: url.protocol === "https:" ? agents.https : agents.http, deadlineMs, maxBytes: req.maxAnswerBytes ?? MAX_ANSWER_BYTES });
      } catch (err) {
        throw this.networkError(req, path, url, err, deadlineMs);
      }
    } finally {
      this.turns.give();
    }
    const text = res.text;
    const resHeaders: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) resHeaders[k] = Array.isArray(v) ? v.join(", ") : v;
    if (!req.expect.includes(res.status)) throw this.statusError(req, path, res.status, text, resHeaders);
    if (text.trim() === "") {
      if (req.answer) throw this.answerError(req, path, res.status, `the answer is empty, where EM sends ${req.answer.describe}`);
      return { status: res.status, headers: resHeaders };
    }
    let body: DecodedBody;
    try {
      body = decodeBody(text);
    } catch (err) {
      throw this.answerError(req, path, res.status, `the answer is not EM XML or JSON: ${(err as Error).message}${text.trim() ? ` (starts with: ${this.redactor.apply(excerpt(text))})` : ""}`);
    }
    if (req.answer) {
      const problem = checkAnswer(body, req.answer, this.settings.format);
      if (problem) {
        const foreign = body.format === "xml" && body.namespace !== EM_NAMESPACE && body.root !== "Error";
        throw this.answerError(req, path, res.status, this.redactor.apply(problem + (foreign ? ` (starts with: ${excerpt(text)})` : "")));
      }
    }
    return { status: res.status, headers: resHeaders, body };
  }

  /** A 2xx answer that is not the document asked for: never read as "no objects". */
  private answerError(req: TransportRequest, path: string, status: number, emMessage: string): EmApiError {
    return new EmApiError({
      kind: "parse",
      method: req.method,
      path,
      status,
      emMessage,
      hint: `Check that the URL points at EM's REST API (${this.base.origin}${this.base.pathname}); a proxy or another web server may have answered`,
    });
  }

  private statusError(req: TransportRequest, path: string, status: number, text: string, headers: Record<string, string | undefined>): EmApiError {
    let emMessage: string | undefined;
    let fromEm = false;
    try {
      const decoded = text.trim() ? decodeBody(text) : undefined;
      if (decoded) {
        fromEm = isErrorDocument(decoded);
        // Not EM's Error document (a proxy's page that happens to be well-formed): say what it shows.
        emMessage = fromEm ? parseErrorBody(decoded.body).message : excerpt(text);
      }
    } catch {
      emMessage = text.trim() ? excerpt(text) : undefined;
    }
    if (emMessage && emMessage.length > 500) emMessage = emMessage.slice(0, 500) + "…";
    emMessage = this.redactor.apply(emMessage);
    let kind: EmErrorKind = "http";
    let hint: string | undefined;
    if (status >= 300 && status < 400) {
      const location = headers.location ? ` to ${this.redactor.apply(redirectTarget(headers.location, this.base))}` : "";
      hint = `EM's REST API does not redirect; a redirect${location} usually comes from a proxy or single sign-on gateway in front of EM (its login page). Point the URL straight at EM's REST API (https://<em-host>:9398/api/) or let the proxy pass /api/ through`;
    } else if (req.logon && status === 401) {
      // The session manager says whose logon and where its credentials were set (refusedLogon).
      kind = "auth";
    } else if (status === 404 && (req.logon || path.replace(/\?.*$/, "") === this.base.pathname)) {
      hint = `EM's REST API was not found there: the URL must be EM's REST API base, ending in /api/ (e.g. https://<em-host>:9398/api/); it is ${this.base.origin}${this.base.pathname}`;
    } else if (status === 401) {
      hint = "The logon session is not (or no longer) valid";
    } else if (status === 403) {
      hint = missingRightsHint(req.path ?? path.slice(this.base.pathname.replace(/\/$/, "").length));
    } else if (status === 429 || status === 503) {
      hint = "EM is busy; try again later";
    } else if (status === 502 || status === 504) {
      hint = "A gateway between here and EM did not get an answer from EM; check that EM's REST API service is running";
    } else if (status >= 500) {
      hint = "EM failed while handling the request (see its message); check EM's service and logs, then run 'pulumi up' again (it reads EM's state first)";
    }
    return new EmApiError({ kind, method: req.method, path, status, emMessage, hint, fromEm, retryAfterMs: status === 429 || status === 503 ? retryAfterMs(headers["retry-after"]) : undefined });
  }

  private networkError(req: TransportRequest, path: string, url: URL, err: unknown, deadlineMs: number): EmApiError {
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    let code = e.code ?? e.cause?.code;
    // The exchange's own failures (EM_DEADLINE, EM_TOO_LARGE, EM_BAD_ENCODING) already say what happened.
    const description = this.redactor.apply(String(e.message ?? "request failed"));
    const where = `${url.protocol}//${url.host}`;
    let kind: EmErrorKind = "network";
    let hint: string;
    if (code === "EM_DEADLINE") {
      hint = `EM at ${where} did not answer in full within ${deadlineMs} ms (an answer that stalls or trickles in counts too): check EM's load and the network, or raise requestTimeoutSeconds`;
    } else if (code === "EM_TOO_LARGE") {
      kind = "parse";
      hint = `EM's answers are far smaller; check that the URL points at EM's REST API (${this.base.origin}${this.base.pathname})`;
    } else if (code === "EM_BAD_ENCODING") {
      kind = "parse";
      hint = `EM sends plain or gzip-compressed answers; check that the URL points at EM's REST API (${this.base.origin}${this.base.pathname}) and what a proxy in between does to answers`;
    } else if (code && TLS_CODES.test(code)) {
      kind = "tls";
      hint =
        code === "ERR_TLS_CERT_ALTNAME_INVALID"
          ? `EM's TLS certificate does not name the host '${url.hostname}'; connect with a host name the certificate names`
          : /EPROTO|ERR_SSL/.test(code)
            ? `TLS failed with ${where}: check that it serves HTTPS (EM's REST API uses https on port 9398)`
            : `TLS certificate verification failed for ${where}: EM's certificate is self-signed or signed by an unknown CA. Set caCertPath to the PEM file of the CA that signed it, or (tests only) insecureSkipTlsVerify: true`;
    } else if (code === "ECONNREFUSED") {
      hint = `EM is not reachable at ${where}: the connection was refused. Check the URL and that EM's REST API listens on that port (9398 by default)`;
    } else if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
      hint = `The host name '${url.hostname}' cannot be resolved: check the URL`;
    } else if (code === "ECONNABORTED" || code === "ETIMEDOUT" || code === "ERR_SOCKET_CONNECTION_TIMEOUT") {
      hint = `EM at ${where} did not answer within ${this.settings.requestTimeoutMs} ms: check the URL, port 9398 and firewalls, or raise the request timeout`;
    } else {
      code ??= "ECONNRESET";
      hint = `The connection to EM at ${where} broke before the answer was complete; check the URL (port 9398 by default) and the network`;
    }
    if (policyOf(req) !== "idempotent" && code !== "ECONNREFUSED" && kind === "network") {
      hint += `. The ${req.method} may have reached EM, so it was not repeated`;
    }
    return new EmApiError({ kind, method: req.method, path, emMessage: description, hint, code, cause: { name: "TransportError", code: e.code ?? e.cause?.code, message: this.redactor.apply(String(e.message ?? "")) } });
  }
}
