/**
 * The session seam: one logon shared by every request (concurrent first calls share one in-flight logon), the
 * token sent as X-RestSvcSessionId, renewal and repeat when EM answers 401 (bounded), and logout on close().
 */
import { ANSWERS, loginSpec, parseLogonSession, ShapeError } from "./codec";
import { EmApiError } from "./errors";
import type { ResolvedSettings } from "./settings";
import type { TransportRequest, TransportResponse } from "./request";
import type { Transport } from "./transport";

export const SESSION_HEADER = "X-RestSvcSessionId";
/** How the progress line of a logon begins ("Logged on to EM as CORP\\svc-pulumi"). */
export const LOGGED_ON = "Logged on to EM as";
/** A logout is a courtesy (EM expires idle sessions anyway): one short attempt, so a run can end promptly. */
const LOGOUT_TIMEOUT_MS = 5000;
/**
 * Renewals one request may cause. A 401 means EM refused the request before doing anything, so any method may be
 * repeated; several are allowed because with many requests in flight on one session, EM may forget the renewed
 * session again (restart, idle expiry) before this request's repeat reaches it.
 */
export const MAX_SESSION_RENEWALS = 4;

interface ActiveSession {
  token: string;
  sessionId: string;
  userName: string;
  deleteHref?: string;
  /** Increases with every logon; a task started under one generation is invisible to the next. */
  generation: number;
}

export interface SessionRequestResult extends TransportResponse {
  /** The session generation the (final) request was made with. */
  generation: number;
}

export class SessionManager {
  #current?: ActiveSession;
  #pending?: Promise<ActiveSession>;
  #generation = 0;
  #logons = 0;

  constructor(
    private readonly transport: Transport,
    private readonly settings: ResolvedSettings,
    private readonly onProgress?: (msg: string) => void,
  ) {}

  /** How many logons this manager made (for diagnostics and tests). */
  get logonCount(): number {
    return this.#logons;
  }

  /** Generation of the current session (0 before the first logon). */
  get generation(): number {
    return this.#current?.generation ?? this.#generation;
  }

  /** The current session, logging on first if needed; concurrent callers share one logon. */
  async ensure(): Promise<ActiveSession> {
    if (this.#current) return this.#current;
    if (!this.#pending) {
      this.#pending = this.logon().finally(() => {
        this.#pending = undefined;
      });
    }
    return this.#pending;
  }

  /** Replaces a session EM rejected; callers that saw the same stale token share one renewal. */
  private async renew(stale: ActiveSession): Promise<ActiveSession> {
    if (this.#current === stale) this.#current = undefined;
    return this.ensure();
  }

  private async logon(): Promise<ActiveSession> {
    const c = this.settings.credentials;
    const req: TransportRequest = {
      method: "POST",
      path: "/sessionMngr/",
      query: { v: this.settings.apiVersion },
      expect: [201],
      answer: ANSWERS.LogonSession,
      logon: true,
    };
    if (c.kind === "admin") {
      req.headers = { Authorization: "Basic " + Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64") };
    } else if (c.kind === "tenant") {
      req.body = loginSpec({ kind: "tenant", username: c.tenantName, password: c.password });
    } else {
      req.body = loginSpec({ kind: "vcd", organizationName: c.organization, login: c.login, password: c.password });
    }
    if (req.headers?.Authorization) this.transport.redactor.add(req.headers.Authorization.slice("Basic ".length));
    let res: TransportResponse;
    try {
      res = await this.transport.request(req);
    } catch (err) {
      throw err instanceof EmApiError && err.kind === "auth" ? refusedLogon(err, this.settings) : err;
    }
    const token = res.headers[SESSION_HEADER.toLowerCase()];
    const path = "/sessionMngr/";
    if (!token) {
      throw new EmApiError({ kind: "parse", method: "POST", path, status: res.status, emMessage: `the logon answer (201) has no ${SESSION_HEADER} header`, hint: `Check that the URL points straight at Veeam Backup Enterprise Manager's REST API: a proxy in between must pass the ${SESSION_HEADER} response header (and request header) through unchanged` });
    }
    let body;
    try {
      body = parseLogonSession(res.body?.body);
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      throw new EmApiError({ kind: "parse", method: "POST", path, status: res.status, emMessage: `the logon answer is not a LogonSession (${err.message})` });
    }
    this.transport.redactor.add(token);
    this.#logons += 1;
    this.#generation += 1;
    const session: ActiveSession = { token, sessionId: body.sessionId, userName: body.userName, deleteHref: body.deleteHref, generation: this.#generation };
    this.#current = session;
    this.onProgress?.(`${LOGGED_ON} ${body.userName || "(unnamed user)"}`);
    return session;
  }

  /**
   * A request made with the session. When EM answers 401 (it forgot the session), the session is renewed (one
   * renewal shared by every caller that saw the same stale token) and the request repeated, at most
   * MAX_SESSION_RENEWALS times and within the retry budget.
   */
  async request(req: TransportRequest): Promise<SessionRequestResult> {
    const started = this.transport.clock.now();
    let session = await this.ensure();
    for (let renewals = 0; ; renewals++) {
      try {
        const res = await this.transport.request(this.withToken(req, session));
        return { ...res, generation: session.generation };
      } catch (err) {
        if (!(err instanceof EmApiError) || err.status !== 401 || err.kind === "auth") throw err;
        if (renewals >= MAX_SESSION_RENEWALS || this.transport.clock.now() - started >= this.settings.retry.budgetMs) throw sessionRefused(err, renewals);
        this.onProgress?.("EM rejected the logon session (expired?); logging on again");
        session = await this.renew(session);
      }
    }
  }

  private withToken(req: TransportRequest, session: ActiveSession): TransportRequest {
    return { ...req, headers: { ...req.headers, [SESSION_HEADER]: session.token } };
  }

  /** Logs out (DELETE of the LogonSession's Delete link); a session EM already forgot is fine. */
  async close(): Promise<void> {
    const session = this.#pending ? await this.#pending.catch(() => undefined) : this.#current;
    this.#current = undefined;
    if (!session) return;
    const target = session.deleteHref ? { href: session.deleteHref } : { path: `/logonSessions/${encodeURIComponent(session.sessionId)}` };
    try {
      await this.transport.request({ method: "DELETE", ...target, expect: [204, 200], headers: { [SESSION_HEADER]: session.token }, singleAttemptTimeoutMs: LOGOUT_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof EmApiError) || (err.status !== 401 && err.status !== 404)) throw err;
    }
  }
}

/** The logon's 401, naming whose logon EM refused and where its credentials were set (never the password). */
function refusedLogon(err: EmApiError, settings: ResolvedSettings): EmApiError {
  const c = settings.credentials;
  const who = c.kind === "admin" ? `user '${c.username}'` : c.kind === "tenant" ? `tenant '${c.tenantName}'` : `user '${c.login}' of vCD organization '${c.organization}'`;
  const where = settings.credentialsSource ? ` (set in ${settings.credentialsSource})` : "";
  const account = c.kind === "admin" ? "an EM administrator logs on as DOMAIN\\user and needs an EM role such as Portal Administrator" : "a tenant logs on with its own tenant credentials";
  return withHint(err, `EM refused the logon of ${who}: check the user name and password${where}; ${account}`);
}

/** The same 401 with the hint that says what it means here. */
function withHint(err: EmApiError, hint: string): EmApiError {
  return new EmApiError({ kind: err.kind, method: err.method, path: err.path, status: err.status, emMessage: err.emMessage, fromEm: err.fromEm, hint });
}

/** The 401 that remained after the renewals, with what it means and what to do. */
function sessionRefused(err: EmApiError, renewals: number): EmApiError {
  return withHint(
    err,
    `EM refused the logon session again after ${renewals} new logon(s): it forgets sessions when it restarts or after idle time. ` +
      "EM did not act on this request. Run 'pulumi up' again; if this keeps happening, check that EM's service is stable and that a proxy or load balancer in front of it keeps each client on one EM server",
  );
}
