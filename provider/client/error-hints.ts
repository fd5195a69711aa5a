/**
 * The texts that explain a failed request: what went wrong, in EM's words where it gave any, and what to check.
 * Each function turns one kind of failure (an unexpected status, an answer that is not EM's, a broken exchange)
 * into an EmApiError; none sends anything.
 */
import { decodeBody, isErrorDocument, parseErrorBody } from "./codec";
import { EmApiError, type EmErrorKind, missingRightsHint, type Redactor } from "./errors";
import type { Clock } from "./retry";

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH/;

/** What the hints need to know of the connection: where EM is, how secrets are hidden, the request timeout, the clock. */
export interface HintContext {
  readonly base: URL;
  readonly redactor: Redactor;
  readonly requestTimeoutMs: number;
  /** The client's clock: a Retry-After date is read against it. */
  readonly clock: Pick<Clock, "now">;
}

/** The request a hint is about. */
export interface HintedRequest {
  method: string;
  /** The path as asked for (below the base), when given as one. */
  path?: string;
  logon?: boolean;
}

function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** A short, tag-free excerpt of a non-EM body (an HTML page from a proxy, plain text). */
export function excerpt(text: string): string {
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

/** A 2xx answer that is not the document asked for: never read as "no objects". */
export function answerError(ctx: HintContext, req: HintedRequest, path: string, status: number, emMessage: string): EmApiError {
  return new EmApiError({
    kind: "parse",
    method: req.method,
    path,
    status,
    emMessage,
    hint: `Check that the URL points at EM's REST API (${ctx.base.origin}${ctx.base.pathname}); a proxy or another web server may have answered`,
  });
}

/** An answer with a status the request does not expect. */
export function statusError(ctx: HintContext, req: HintedRequest, path: string, status: number, text: string, headers: Record<string, string | undefined>): EmApiError {
  const { base, redactor } = ctx;
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
  emMessage = redactor.apply(emMessage);
  let kind: EmErrorKind = "http";
  let hint: string | undefined;
  if (status >= 300 && status < 400) {
    const location = headers.location ? ` to ${redactor.apply(redirectTarget(headers.location, base))}` : "";
    hint = `EM's REST API does not redirect; a redirect${location} usually comes from a proxy or single sign-on gateway in front of EM (its login page). Point the URL straight at EM's REST API (https://<em-host>:9398/api/) or let the proxy pass /api/ through`;
  } else if (req.logon && status === 401) {
    // The session manager says whose logon and where its credentials were set (refusedLogon).
    kind = "auth";
  } else if (status === 404 && (req.logon || path.replace(/\?.*$/, "") === base.pathname)) {
    hint = `EM's REST API was not found there: the URL must be EM's REST API base, ending in /api/ (e.g. https://<em-host>:9398/api/); it is ${base.origin}${base.pathname}`;
  } else if (status === 401) {
    hint = "The logon session is not (or no longer) valid";
  } else if (status === 403) {
    hint = missingRightsHint(req.path ?? path.slice(base.pathname.replace(/\/$/, "").length));
  } else if (status === 429 || status === 503) {
    hint = "EM is busy; try again later";
  } else if (status === 502 || status === 504) {
    hint = "A gateway between here and EM did not get an answer from EM; check that EM's REST API service is running";
  } else if (status >= 500) {
    hint = "EM failed while handling the request (see its message); check EM's service and logs, then run 'pulumi up' again (it reads EM's state first)";
  }
  return new EmApiError({ kind, method: req.method, path, status, emMessage, hint, fromEm, retryAfterMs: status === 429 || status === 503 ? retryAfterMs(headers["retry-after"], ctx.clock.now()) : undefined });
}

/**
 * An exchange that failed before a complete answer came. `notRepeated`: the request is not repeated on such a
 * failure, so the hint says it may have reached EM.
 */
export function networkError(ctx: HintContext, req: HintedRequest, path: string, url: URL, err: unknown, deadlineMs: number, notRepeated: boolean): EmApiError {
  const { base, redactor } = ctx;
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  let code = e.code ?? e.cause?.code;
  // The exchange's own failures (EM_DEADLINE, EM_TOO_LARGE, EM_BAD_ENCODING) already say what happened.
  const description = redactor.apply(String(e.message ?? "request failed"));
  const where = `${url.protocol}//${url.host}`;
  let kind: EmErrorKind = "network";
  let hint: string;
  if (code === "EM_DEADLINE") {
    hint = `EM at ${where} did not answer in full within ${deadlineMs} ms (an answer that stalls or trickles in counts too): check EM's load and the network, or raise requestTimeoutSeconds`;
  } else if (code === "EM_TOO_LARGE") {
    kind = "parse";
    hint = `EM's answers are far smaller; check that the URL points at EM's REST API (${base.origin}${base.pathname})`;
  } else if (code === "EM_BAD_ENCODING") {
    kind = "parse";
    hint = `EM sends plain or gzip-compressed answers; check that the URL points at EM's REST API (${base.origin}${base.pathname}) and what a proxy in between does to answers`;
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
    hint = `EM at ${where} did not answer within ${ctx.requestTimeoutMs} ms: check the URL, port 9398 and firewalls, or raise the request timeout`;
  } else {
    code ??= "ECONNRESET";
    hint = `The connection to EM at ${where} broke before the answer was complete; check the URL (port 9398 by default) and the network`;
  }
  if (notRepeated && code !== "ECONNREFUSED" && kind === "network") {
    hint += `. The ${req.method} may have reached EM, so it was not repeated`;
  }
  return new EmApiError({ kind, method: req.method, path, emMessage: description, hint, code, cause: { name: "TransportError", code: e.code ?? e.cause?.code, message: redactor.apply(String(e.message ?? "")) } });
}
