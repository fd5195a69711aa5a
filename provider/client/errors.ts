/**
 * Errors of the EM client. Every message is built from plain strings the client chose (method, path, status,
 * EM's message, a hint); no error ever holds a request's headers, body, credentials or session token, and raw
 * transport errors (whose config holds headers) are never attached or rethrown.
 */
import { ShapeError } from "./codec";

export type EmErrorKind =
  /** EM answered with an unexpected HTTP status. */
  | "http"
  /** Logon refused (401 on POST /sessionMngr). */
  | "auth"
  /** No answer: connection refused, reset, DNS failure, timeout. */
  | "network"
  /** The TLS handshake failed (certificate not trusted, wrong host name…). */
  | "tls"
  /** EM answered, but the body is not the XML/JSON expected. */
  | "parse";

export interface EmApiErrorDetails {
  kind: EmErrorKind;
  method: string;
  /** Path and query below EM's base URL, e.g. /cloud/tenants/…/subtenants. */
  path: string;
  status?: number;
  /** EM's own message (from its Error body) or the network error's description. */
  emMessage?: string;
  /** What the user can do about it. */
  hint?: string;
  /** Network or TLS error code, e.g. ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT. */
  code?: string;
  /** EM's Retry-After (429/503), in milliseconds. */
  retryAfterMs?: number;
  /** The answer's body was EM's own Error document (not a proxy's page): a 404 then means EM lacks the object. */
  fromEm?: boolean;
  /** The underlying failure, reduced to redacted plain fields (never a transport error, whose config holds headers). */
  cause?: { name: string; code?: string; message: string };
}

/**
 * What an EM account needs for a request, by EM's security roles page (security_roles_concept): Portal User has the
 * whole of /cloud/tenants (tenants, their quota resources and subtenants) and /tasks, but not /security (accounts,
 * roles); its list of query types names neither CloudTenant nor CloudSubtenant. Portal Administrator has everything.
 */
export function missingRightsHint(path: string): string {
  const lower = path.toLowerCase();
  const lacks = "The account EM logged on lacks the rights for this request";
  if (lower.startsWith("/security")) return `${lacks}: EM accounts and roles (/security) need the Portal Administrator role; Portal User does not cover them`;
  if (lower.startsWith("/cloud/tenants")) return `${lacks}: cloud tenants and their subtenants need the Portal User or Portal Administrator role`;
  if (lower.startsWith("/query")) return `${lacks}: EM's security roles page lists the CloudTenant and CloudSubtenant queries for no role but Portal Administrator; give the account that role`;
  return `${lacks}: it needs an EM role that covers it (Portal Administrator covers every request)`;
}

export class EmApiError extends Error {
  readonly kind: EmErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly emMessage?: string;
  readonly hint?: string;
  readonly code?: string;
  readonly retryAfterMs?: number;
  readonly fromEm: boolean;

  constructor(details: EmApiErrorDetails, message?: string) {
    super(message ?? EmApiError.describe(details));
    this.name = "EmApiError";
    this.kind = details.kind;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.emMessage = details.emMessage;
    this.hint = details.hint;
    this.code = details.code;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.cause !== undefined) this.cause = details.cause;
    this.fromEm = details.fromEm ?? false;
  }

  static describe(d: EmApiErrorDetails): string {
    const what = d.status !== undefined ? `HTTP ${d.status}` : d.code ? d.code : d.kind;
    let text = `EM API ${d.method} ${d.path} failed: ${what}`;
    if (d.emMessage) text += `: ${d.emMessage}`;
    if (d.hint) text += `. ${d.hint}`;
    return text;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, kind: this.kind, method: this.method, path: this.path, status: this.status, emMessage: this.emMessage, hint: this.hint, code: this.code, cause: this.cause };
  }
}

/** An EM task finished with Result Success="false". */
export class EmTaskFailedError extends Error {
  constructor(
    readonly operation: string,
    readonly emMessage: string,
    readonly taskUrl: string,
  ) {
    super(`EM task ${operation} failed: ${emMessage || "(EM gave no message)"} (task ${taskUrl}). EM did not apply the change: check EM's message, fix its cause if it names one, then run 'pulumi up' again`);
    this.name = "EmTaskFailedError";
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, operation: this.operation, emMessage: this.emMessage, taskUrl: this.taskUrl };
  }
}

/** An EM task did not reach State Finished in time. The operation may still complete on EM. */
export class EmTaskTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly waitedMs: number,
    readonly taskUrl: string,
    readonly lastState: string,
  ) {
    super(
      `EM task ${operation} did not finish within ${waitedMs} ms (last state ${lastState}; task ${taskUrl}). ` +
        "It may still complete on EM: check the object's state before retrying, or raise the task timeout.",
    );
    this.name = "EmTaskTimeoutError";
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, operation: this.operation, waitedMs: this.waitedMs, taskUrl: this.taskUrl, lastState: this.lastState };
  }
}

/**
 * EM forgot the task: tasks belong to the logon session that started them, and the session had to be renewed
 * while waiting. The outcome is unknown; verify it by querying the object.
 */
export class EmTaskLostError extends Error {
  constructor(
    readonly operation: string,
    readonly taskUrl: string,
    /** Why, when not the session renewal (e.g. the polls kept failing). */
    reason?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `EM task ${operation} (${taskUrl}) can no longer be read: ` +
        (reason ?? "the logon session that started it expired and was renewed, and EM shows tasks only to their own session") +
        ". The outcome is unknown; query the object to verify it.",
      options,
    );
    this.name = "EmTaskLostError";
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, operation: this.operation, taskUrl: this.taskUrl };
  }
}

/**
 * Whether EM may have applied a request that failed: its answer never arrived (the connection broke after the
 * request was sent) or the task that carried it can no longer be read. Callers decide by looking at EM's state.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (err instanceof EmTaskLostError) return true;
  if (!(err instanceof EmApiError)) return false;
  // A gateway that gave up waiting for EM may have forwarded the request.
  if (err.kind === "http") return err.status === 502 || err.status === 504;
  return err.kind === "network" && !NOTHING_SENT.has(err.code ?? "");
}

/**
 * Whether asking again would get the same failure: an answer that is not the document asked for, 501 (EM lacks the
 * feature), or a 4xx other than 429 (the request itself is refused). Optional requests that only save others (a
 * shared task poll, a query by UID) are then no longer sent.
 */
export function refusedForGood(err: unknown): boolean {
  if (!(err instanceof EmApiError)) return false;
  if (err.kind === "parse") return true;
  const status = err.status;
  return status === 501 || (status !== undefined && status >= 400 && status < 500 && status !== 429);
}

/**
 * A create EM refused because the name is taken: the object of that name belongs to someone else (another stack,
 * another run, a person). Nothing was changed.
 */
export class EmNameTakenError extends Error {
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly emMessage: string,
  ) {
    super(
      `EM refused to create ${kind} '${objectName}': ${emMessage}. Another object of that name (EM compares names without case) ` +
        `exists and was left untouched. Choose another name, or set adopt: true if this stack should take that object over.`,
    );
    this.name = "EmNameTakenError";
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, kind: this.kind, objectName: this.objectName, emMessage: this.emMessage };
  }
}

/**
 * A create whose answer (or task) was lost, where nothing EM shows proves what became of this request: an
 * object of that name may exist, but it may be someone else's. Nothing was written to it; EM was left as it is.
 */
export class EmOutcomeUnknownError extends Error {
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`The outcome of creating ${kind} '${objectName}' is unknown: ${detail.replace(/\.$/, "")}. EM was left as it is.`, options);
    this.name = "EmOutcomeUnknownError";
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, kind: this.kind, objectName: this.objectName };
  }
}

/**
 * A create that EM proved it applied (its answer, or this request's own task), after which the new object could
 * not be read back (its id is needed to record it). The object is this request's; EM was left as it is.
 */
export class EmCreatedUnreadableError extends Error {
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`EM created ${kind} '${objectName}' for this request, but ${detail}. EM was left as it is.`, options);
    this.name = "EmCreatedUnreadableError";
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, kind: this.kind, objectName: this.objectName };
  }
}

/** EM itself said the object does not exist: a 404 with EM's Error document (a proxy's 404 page does not count). */
export function isNotFound(err: unknown): boolean {
  return err instanceof EmApiError && err.status === 404 && err.fromEm;
}

/** Network failures that happen before a request leaves: EM cannot have applied it. */
const NOTHING_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Replaces known secrets in text: EM may echo a password a request carried (a subtenant's, a tenant's) in an error or
 * a task message. A secret of at least LONG_SECRET characters is masked wherever it appears; a shorter one only where
 * it stands alone (not inside a longer run of letters and digits), so that "ab" is masked in `password "ab"` but
 * "about" stays readable.
 */
export class Redactor {
  /** Longest first, so a secret containing another is replaced whole. */
  private secrets: Array<{ value: string; alone?: RegExp }> = [];

  add(secret: string | undefined): void {
    if (!secret || this.secrets.some((s) => s.value === secret)) return;
    const alone = secret.length < LONG_SECRET ? new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(secret)}(?![\\p{L}\\p{N}])`, "gu") : undefined;
    const at = this.secrets.findIndex((s) => s.value.length < secret.length);
    this.secrets.splice(at === -1 ? this.secrets.length : at, 0, { value: secret, alone });
  }

  apply(text: string): string;
  apply(text: string | undefined): string | undefined;
  apply(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    // A URL's user and password are secret whoever set them: Node's tunnel errors quote HTTPS_PROXY whole.
    let out = withoutUserinfo(text);
    for (const s of this.secrets) {
      if (!out.includes(s.value)) continue;
      out = s.alone ? out.replace(s.alone, "***") : out.split(s.value).join("***");
    }
    return out;
  }
}

/** Secrets this long are masked wherever they appear; shorter ones only where they stand alone. */
const LONG_SECRET = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A text with the user and password of any URL in it (`scheme://user:pass@host`) masked. */
export function withoutUserinfo(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1***@");
}

/** Runs a body reader, turning a missing-element failure (ShapeError) into an EmApiError of kind parse. */
export function readAnswer<T>(method: string, path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    throw new EmApiError({ kind: "parse", method, path, emMessage: `unexpected answer: ${err.message}` });
  }
}
