/**
 * The request seam: one HTTP request to EM, serialized in the chosen wire format, answered as a parsed body
 * or an EmApiError. Requests that are safe to repeat are retried on transient failures.
 */
import * as http from "node:http";
import * as https from "node:https";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import pRetry, { AbortError } from "p-retry";
import { contentType, decodeBody, type DecodedBody, encodeBody, type Element, parseErrorBody } from "./codec";
import { EmApiError, type EmErrorKind, Redactor } from "./errors";
import type { ResolvedSettings } from "./settings";

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
  headers?: Record<string, string>;
  /** Marks the logon request, for hints. */
  logon?: boolean;
  /** One attempt only, within this many milliseconds (a logout must not hold a process up). */
  singleAttemptTimeoutMs?: number;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed body; undefined when the answer has none. */
  body?: DecodedBody;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Codes of failures where the request may never have been answered, and a repeat is harmless when safe. */
const TRANSIENT_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "ECONNREFUSED", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ERR_SOCKET_CONNECTION_TIMEOUT", "ESOCKETTIMEDOUT"]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH/;

function isSafe(method: Method): boolean {
  return method === "GET" || method === "DELETE";
}

/**
 * Whether a failed attempt may be repeated. POST/PUT only when the connection was refused (nothing was sent),
 * except the logon: repeating it at worst leaves an extra session for EM to expire.
 */
export function isRetryable(method: Method, err: EmApiError, logon = false): boolean {
  if (err.kind === "network" && err.code === "ECONNREFUSED") return true;
  if (!isSafe(method) && !logon) return false;
  if (err.kind === "network") return err.code !== undefined && TRANSIENT_CODES.has(err.code);
  return err.kind === "http" && err.status !== undefined && RETRYABLE_STATUS.has(err.status);
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
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return plain.length > 200 ? plain.slice(0, 200) + "…" : plain;
}

export interface TransportHooks {
  onWarning?(msg: string): void;
  /** Called before each retry, with a body-free description. */
  onRetry?(msg: string): void;
}

export class Transport {
  private readonly http: AxiosInstance;
  private readonly base: URL;

  constructor(
    private readonly settings: ResolvedSettings,
    readonly redactor: Redactor,
    private readonly hooks: TransportHooks = {},
  ) {
    this.base = new URL(settings.baseUrl);
    if (settings.insecureSkipTlsVerify) {
      hooks.onWarning?.(`TLS certificate verification is OFF for ${this.base.origin} (insecureSkipTlsVerify): anyone on the network path can impersonate EM. Use caCertPath instead outside tests.`);
    }
    // No keep-alive: a reused socket that EM closed meanwhile would fail a POST that must not be repeated.
    this.http = axios.create({
      timeout: settings.requestTimeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      httpAgent: new http.Agent({ keepAlive: false }),
      httpsAgent: new https.Agent({ keepAlive: false, ca: settings.ca, rejectUnauthorized: !settings.insecureSkipTlsVerify }),
      maxContentLength: 64 * 1024 * 1024,
    });
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

  /** One request, retried (p-retry, exponential backoff with jitter, Retry-After) when safe to repeat. */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const r = this.settings.retry;
    return pRetry(
      async () => {
        try {
          return await this.send(req);
        } catch (err) {
          if (err instanceof EmApiError && isRetryable(req.method, err, req.logon)) throw err;
          throw new AbortError(err as Error);
        }
      },
      {
        retries: req.singleAttemptTimeoutMs !== undefined ? 0 : r.retries,
        factor: 2,
        minTimeout: r.minDelayMs,
        maxTimeout: r.maxDelayMs,
        randomize: true,
        onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
          if (retriesLeft <= 0) return;
          const e = error as EmApiError;
          const wanted = Math.min(e.retryAfterMs ?? 0, r.maxRetryAfterMs);
          this.hooks.onRetry?.(`${e.method} ${e.path}: ${e.status ?? e.code ?? e.kind}; retrying (${retriesLeft} left)`);
          // p-retry then waits retryDelay; top it up to EM's Retry-After.
          if (wanted > retryDelay) await new Promise((resolve) => setTimeout(resolve, wanted - retryDelay));
        },
      },
    );
  }

  /** One attempt. */
  async send(req: TransportRequest): Promise<TransportResponse> {
    const url = this.resolveUrl(req);
    const path = this.display(url);
    const headers: Record<string, string> = { Accept: contentType(this.settings.format), "User-Agent": "pulumi-veeam-em", ...req.headers };
    let data: string | undefined;
    if (req.body) {
      data = encodeBody(req.body, this.settings.format);
      headers["Content-Type"] = `${contentType(this.settings.format)}; charset=utf-8`;
    }
    let res: AxiosResponse<string>;
    try {
      res = await this.http.request<string>({ method: req.method, url: url.toString(), headers, data, timeout: req.singleAttemptTimeoutMs });
    } catch (err) {
      throw this.networkError(req, path, url, err);
    }
    const text = typeof res.data === "string" ? res.data : "";
    const resHeaders: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers ?? {})) resHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v === undefined || v === null ? undefined : String(v);
    if (!req.expect.includes(res.status)) throw this.statusError(req, path, res.status, text, resHeaders);
    if (text.trim() === "") return { status: res.status, headers: resHeaders };
    try {
      return { status: res.status, headers: resHeaders, body: decodeBody(text) };
    } catch (err) {
      throw new EmApiError({
        kind: "parse",
        method: req.method,
        path,
        status: res.status,
        emMessage: `the answer is not EM XML or JSON: ${(err as Error).message}${text.trim() ? ` (starts with: ${this.redactor.apply(excerpt(text))})` : ""}`,
        hint: `Check that the URL points at EM's REST API (${this.base.origin}${this.base.pathname}); a proxy or another web server may have answered`,
      });
    }
  }

  private statusError(req: TransportRequest, path: string, status: number, text: string, headers: Record<string, string | undefined>): EmApiError {
    let emMessage: string | undefined;
    try {
      emMessage = text.trim() ? parseErrorBody(decodeBody(text).body).message : undefined;
    } catch {
      emMessage = text.trim() ? excerpt(text) : undefined;
    }
    if (emMessage && emMessage.length > 500) emMessage = emMessage.slice(0, 500) + "…";
    emMessage = this.redactor.apply(emMessage);
    let kind: EmErrorKind = "http";
    let hint: string | undefined;
    if (req.logon && status === 401) {
      kind = "auth";
      hint = "EM refused the logon: check the user name and password (admins need an EM role such as Portal Administrator; tenants log on with their tenant credentials)";
    } else if (status === 404 && (req.logon || path.replace(/\?.*$/, "") === this.base.pathname)) {
      hint = `EM's REST API was not found there: the URL must be EM's REST API base, ending in /api/ (e.g. https://<em-host>:9398/api/); it is ${this.base.origin}${this.base.pathname}`;
    } else if (status === 401) {
      hint = "The logon session is not (or no longer) valid";
    } else if (status === 403) {
      hint = "The account EM logged on lacks the rights for this request (it needs an EM role such as Portal Administrator)";
    } else if (status === 429 || status === 503) {
      hint = "EM is busy; try again later";
    }
    return new EmApiError({ kind, method: req.method, path, status, emMessage, hint, retryAfterMs: status === 429 || status === 503 ? retryAfterMs(headers["retry-after"]) : undefined });
  }

  private networkError(req: TransportRequest, path: string, url: URL, err: unknown): EmApiError {
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code;
    const description = this.redactor.apply(String(e.message ?? "request failed"));
    const where = `${url.protocol}//${url.host}`;
    let kind: EmErrorKind = "network";
    let hint: string;
    if (code && TLS_CODES.test(code)) {
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
      hint = `The connection to EM at ${where} failed; check the URL (port 9398 by default) and the network`;
    }
    if (!isSafe(req.method) && !req.logon && code !== "ECONNREFUSED" && kind === "network") {
      hint += `. The ${req.method} may have reached EM, so it was not repeated: check the object's state before retrying`;
    }
    return new EmApiError({ kind, method: req.method, path, emMessage: description, hint, code });
  }
}
