import type * as http from "node:http";
import type { EmulatorClock } from "../clock";
import type { FaultController } from "../faults";
import type { Store } from "../store";
import type { EmProfile } from "../versions";
import { EmError, type RequestContext } from "./context";
import { errorReply, negotiate, send, sessionToken, mediaFormat, type Exchange, type RecordedRequest } from "./exchange";
import type { Router } from "./router";

export const MAX_BODY_BYTES = 1024 * 1024;

/** What every step may use: the emulator's state and settings. */
export interface PipelineEnv {
  store: Store;
  faults: FaultController;
  router: Router;
  profile: EmProfile;
  scheme: "http" | "https";
  /** What fault delays wait on; the store reads the same clock. */
  clock: EmulatorClock;
  requests: RecordedRequest[];
  log?: (line: string) => void;
}

/** One named step of request handling; it may set `x.reply` or `x.cut` to decide the answer. */
export interface Step {
  name: string;
  run(x: Exchange, env: PipelineEnv): void | Promise<void>;
}

/** Every request is recorded in arrival order with its wire formats, before anything can go wrong. */
const record: Step = {
  name: "record",
  run(x, env) {
    env.requests.push(x.record);
  },
};

function readAll(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new EmError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Reads the body. A body in neither XML nor JSON answers 400: EM's list of status codes has no 415
 * (http_response_codes), and the README says why 400.
 */
const readBody: Step = {
  name: "readBody",
  async run(x) {
    try {
      x.body = await readAll(x.req);
    } catch (err) {
      if (!(err instanceof EmError)) throw err;
      x.reply = errorReply(err.status, err.message);
      return;
    }
    const contentType = x.req.headers["content-type"];
    if (x.body.trim() !== "" && contentType !== undefined && mediaFormat(contentType) === undefined) {
      x.reply = errorReply(400, `The request body's Content-Type '${contentType}' is not supported; send application/xml or application/json`);
    }
  },
};

/** Latency, and at most one drawn fault: an answer without touching state, a dropped session, or a lost answer later. */
const injectFaults: Step = {
  name: "injectFaults",
  async run(x, { faults, store, clock }) {
    const settings = faults.settings;
    if (settings.latencyMs > 0) await clock.sleep(settings.latencyMs);
    x.fault = faults.drawRequestFault(x.method, x.token !== undefined);
    const retryAfter = { "Retry-After": String(settings.retryAfterSeconds) };
    switch (x.fault) {
      case "reset":
        x.cut = "reset";
        return;
      case "serverError": {
        const status = faults.drawServerErrorStatus();
        x.reply =
          status === 503
            ? errorReply(503, "The service is temporarily unavailable (fault injected by the emulator)", retryAfter)
            : errorReply(500, "Internal server error (fault injected by the emulator)");
        return;
      }
      case "throttle":
        x.reply = errorReply(429, "Too many requests (fault injected by the emulator)", retryAfter);
        return;
      case "sessionDrop":
        if (x.token !== undefined) store.sessions.delete(x.token);
        return;
    }
  },
};

/** Tasks finish lazily: before each request, those whose time has come apply their change (see Store.advance). */
const finishDueTasks: Step = {
  name: "finishDueTasks",
  run(_x, { store }) {
    store.advance();
  },
};

/** Finds the caller's live session, if any, refreshing its idle timer; whether one is needed depends on the route. */
const authenticate: Step = {
  name: "authenticate",
  run(x, { store }) {
    if (x.token !== undefined) x.session = store.touchSession(x.token);
  },
};

/**
 * Finds the route and runs it. 404 for unknown paths, 405 for a method the path lacks, 401 without a session where
 * one is needed, 403 for a tenant or vCD organization session outside what EM lets tenants reach
 * (cloud_connect_tenant_credentials; the status is assumed, see the README), then the route's own answer.
 */
const route: Step = {
  name: "route",
  run(x, env) {
    const match = env.router.match(x.method, x.path);
    const tenantSession = x.session?.kind === "tenant";
    const pathname = x.url.pathname;
    if (tenantSession && (match === undefined || ("allowed" in match ? match.access.every((a) => a === "admin") : match.access === "admin"))) {
      x.reply = errorReply(403, `Access denied: a tenant session may reach only /api/cloud, its cloud failover plans, replicas and replica points, its tasks and its logon session, not '${pathname}'`);
      return;
    }
    if (match === undefined) {
      x.reply = errorReply(404, `The resource '${pathname}' was not found`);
      return;
    }
    if ("allowed" in match) {
      x.reply = errorReply(405, `The method ${x.method} is not allowed for '${pathname}'; allowed: ${match.allowed.join(", ")}`, { Allow: match.allowed.join(", ") });
      return;
    }
    if (match.access !== "anonymous" && !x.session) {
      x.reply = errorReply(401, x.token === undefined ? "Unauthorized: the X-RestSvcSessionId header is missing; log on at POST /api/sessionMngr/ first" : "Unauthorized: the session has expired or does not exist");
      return;
    }
    const ctx: RequestContext = {
      method: x.method,
      path: x.path,
      params: match.params,
      query: x.url.searchParams,
      rawQuery: (x.req.url ?? "").split("?").slice(1).join("?"),
      headers: x.req.headers,
      body: x.body,
      requestFormat: x.record.requestFormat,
      responseFormat: x.record.responseFormat,
      apiUrl: `${env.scheme}://${x.req.headers.host ?? "localhost"}/api`,
      session: x.session,
      store: env.store,
      faults: env.faults,
      profile: env.profile,
    };
    try {
      x.reply = match.resolve(ctx);
    } catch (err) {
      if (!(err instanceof EmError)) throw err;
      x.reply = { ...errorReply(err.status, err.message, undefined, err.firstChanceExceptionMessage), logNote: err.logNote };
    }
  },
};

function logLine(x: Exchange, outcome: string): string {
  return `${new Date().toISOString()} ${x.method} ${x.record.url} ${outcome} ${Date.now() - x.startedAt}ms`;
}

/** Sends the answer, or closes the connection for an injected reset or lost answer; logs one line either way. */
function reply(x: Exchange, env: PipelineEnv): void {
  // A lost answer: whatever the request did has been done; the client never hears of it.
  if (x.fault === "lostResponse") x.cut = "lost";
  if (x.cut) {
    x.record.status = x.cut;
    env.log?.(logLine(x, `connection closed (${x.cut === "reset" ? "reset" : "response lost"}, injected)`));
    x.req.socket.destroy();
    return;
  }
  const answer = x.reply ?? errorReply(500, "Internal emulator error: no step answered the request");
  x.record.status = answer.status;
  env.log?.(logLine(x, String(answer.status) + (answer.logNote ? ` (${answer.logNote})` : "")));
  send(x.res, answer, x.record.responseFormat);
}

/** The steps of /api request handling, in order; the reply step always runs last. */
export const API_STEPS: readonly Step[] = [record, readBody, injectFaults, finishDueTasks, authenticate, route];

export async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, env: PipelineEnv, steps: readonly Step[] = API_STEPS): Promise<void> {
  const { requestFormat, responseFormat } = negotiate(req);
  const method = req.method ?? "GET";
  const x: Exchange = {
    req,
    res,
    url,
    method,
    path: url.pathname.replace(/^\/api/i, "").replace(/\/+$/, ""),
    startedAt: Date.now(),
    record: { method, url: req.url ?? "", status: 0, requestFormat, responseFormat, at: new Date().toISOString() },
    body: "",
    token: sessionToken(req),
  };
  for (const step of steps) {
    if (x.reply !== undefined || x.cut !== undefined) break;
    await step.run(x, env);
  }
  reply(x, env);
}
