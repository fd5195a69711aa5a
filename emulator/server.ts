import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { FaultController, type FaultSettings, validateFaultSettings } from "./faults";
import { EmError, type Reply, type RequestContext, type WireFormat } from "./http/context";
import { Router } from "./http/router";
import { errorBody } from "./representations/common";
import { DEFAULT_SEED_PATH, readSeedFile, Store, type SeedFile } from "./store";
import { registerRoutes } from "./routes";
import { renderJson } from "./wire/json";
import { renderXml } from "./wire/xml";

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  adminUser?: string;
  adminPassword?: string;
  /** A seed object, or the path of a seed JSON file; the bundled default seed when omitted. */
  seed?: SeedFile | string;
  /** How long a task stays Running before it finishes. */
  taskDurationMs?: number;
  /** Idle time after which a session expires and requests with it answer 401. */
  sessionIdleTimeoutMs?: number;
  /** HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  faults?: Partial<FaultSettings>;
  /** Called with one line per request (method, path, status); never bodies or headers. */
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path and query below the host, e.g. /api/query?type=CloudTenant. */
  url: string;
  status: number | "reset" | "lost";
  /** The wire format of the request body (from Content-Type) and of the answer (from Accept). */
  requestFormat: WireFormat;
  responseFormat: WireFormat;
}

export interface Emulator {
  /** Base URL of the API, ending in /api/. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly faults: FaultController;
  readonly adminUser: string;
  /** Every /api request so far, in arrival order, with its wire formats. */
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

export const DEFAULT_ADMIN_USER = "admin";
export const DEFAULT_ADMIN_PASSWORD = "admin";
const MAX_BODY_BYTES = 1024 * 1024;

function mediaFormat(value: string | undefined): WireFormat | undefined {
  if (!value) return undefined;
  if (/application\/json/i.test(value)) return "json";
  if (/(application|text)\/xml/i.test(value)) return "xml";
  return undefined;
}

/** JSON when asked for in Accept, or when the body was JSON and Accept is silent; XML otherwise (EM's default). */
function negotiate(req: http.IncomingMessage): { requestFormat: WireFormat; responseFormat: WireFormat } {
  const requestFormat = mediaFormat(req.headers["content-type"]) ?? "xml";
  const responseFormat = mediaFormat(req.headers.accept) ?? requestFormat;
  return { requestFormat, responseFormat };
}

/** The session token from the X-RestSvcSessionId cookie or header; EM prefers the cookie when both are sent. */
function sessionToken(req: http.IncomingMessage): string | undefined {
  const cookie = /(?:^|;\s*)X-RestSvcSessionId=([^;]+)/i.exec(req.headers.cookie ?? "");
  if (cookie) return decodeURIComponent(cookie[1]);
  const header = req.headers["x-restsvcsessionid"];
  return typeof header === "string" && header !== "" ? header : undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
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

function send(res: http.ServerResponse, reply: Reply, format: WireFormat): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = "";
  if (reply.body) {
    payload = format === "json" ? renderJson(reply.body) : renderXml(reply.body);
    headers["Content-Type"] = format === "json" ? "application/json; charset=utf-8" : "application/xml; charset=utf-8";
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function errorReply(status: number, message: string, headers?: Record<string, string>): Reply {
  return { status, body: errorBody(status, message), headers };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = typeof options.seed === "object" ? options.seed : readSeedFile(options.seed ?? DEFAULT_SEED_PATH);
  const store = new Store(seed, {
    taskDurationMs: options.taskDurationMs ?? 1000,
    sessionIdleTimeoutMs: options.sessionIdleTimeoutMs ?? 15 * 60 * 1000,
  });
  const faults = new FaultController(options.faults);
  const adminUser = options.adminUser ?? DEFAULT_ADMIN_USER;
  const adminPassword = options.adminPassword ?? DEFAULT_ADMIN_PASSWORD;
  const router = registerRoutes(new Router(), { adminUser, adminPassword });
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const scheme = options.tls ? "https" : "http";

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const { requestFormat, responseFormat } = negotiate(req);
    const record: RecordedRequest = { method: req.method ?? "GET", url: req.url ?? "", status: 0, requestFormat, responseFormat };
    requests.push(record);
    const finish = (reply: Reply) => {
      record.status = reply.status;
      options.log?.(`${record.method} ${record.url} ${reply.status}`);
      send(res, reply, responseFormat);
    };
    const cut = (how: "reset" | "lost") => {
      record.status = how;
      options.log?.(`${record.method} ${record.url} connection closed (${how === "reset" ? "reset" : "response lost"}, injected)`);
      req.socket.destroy();
    };

    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof EmError) return finish(errorReply(err.status, err.message));
      throw err;
    }
    if (faults.settings.latencyMs > 0) await sleep(faults.settings.latencyMs);

    const token = sessionToken(req);
    const fault = faults.drawRequestFault(record.method, token !== undefined);
    if (fault === "reset") return cut("reset");
    if (fault === "serverError") {
      const status = faults.drawServerErrorStatus();
      const headers = status === 503 ? { "Retry-After": String(faults.settings.retryAfterSeconds) } : undefined;
      return finish(errorReply(status, status === 503 ? "The service is temporarily unavailable (fault injected by the emulator)" : "Internal server error (fault injected by the emulator)", headers));
    }
    if (fault === "throttle") {
      return finish(errorReply(429, "Too many requests (fault injected by the emulator)", { "Retry-After": String(faults.settings.retryAfterSeconds) }));
    }
    if (fault === "sessionDrop" && token !== undefined) store.sessions.delete(token);

    store.advance();
    const path = url.pathname.replace(/^\/api/i, "").replace(/\/+$/, "");
    const match = router.match(record.method, path);
    let reply: Reply;
    if (match === undefined) {
      reply = errorReply(404, `The resource '${url.pathname}' was not found`);
    } else if ("allowed" in match) {
      reply = errorReply(405, `The method ${record.method} is not allowed for '${url.pathname}'; allowed: ${match.allowed.join(", ")}`, { Allow: match.allowed.join(", ") });
    } else {
      const session = token !== undefined ? store.touchSession(token) : undefined;
      const ctx: RequestContext = {
        method: record.method,
        path,
        params: match.params,
        query: url.searchParams,
        rawQuery: (req.url ?? "").split("?").slice(1).join("?"),
        headers: req.headers,
        body,
        requestFormat,
        responseFormat,
        apiUrl: `${scheme}://${req.headers.host ?? "localhost"}/api`,
        session,
        store,
        faults,
      };
      if (!match.anonymous && !session) {
        reply = errorReply(401, token === undefined ? "Unauthorized: the X-RestSvcSessionId header is missing; log on at POST /api/sessionMngr/ first" : "Unauthorized: the session has expired or does not exist");
      } else {
        try {
          reply = match.handler(ctx);
        } catch (err) {
          if (!(err instanceof EmError)) throw err;
          reply = errorReply(err.status, err.message);
        }
      }
    }
    if (fault === "lostResponse") return cut("lost");
    finish(reply);
  }

  /** The emulator's own control endpoint, outside /api/: read and change fault settings at run time. */
  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const json = (status: number, value: unknown) => {
      const text = JSON.stringify(value) + "\n";
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const expected = "Basic " + Buffer.from(`${adminUser}:${adminPassword}`).toString("base64");
    if (req.headers.authorization !== expected) return json(401, { error: "the emulator's control endpoint needs the admin user's HTTP Basic credentials" });
    const body = await readBody(req);
    if (url.pathname === "/emulator/faults" && req.method === "GET") return json(200, faults.settings);
    if (url.pathname === "/emulator/faults" && req.method === "PUT") {
      try {
        return json(200, faults.update(validateFaultSettings(JSON.parse(body || "{}"))));
      } catch (err) {
        return json(400, { error: (err as Error).message });
      }
    }
    if (url.pathname === "/emulator/faults" && req.method === "DELETE") return json(200, faults.reset());
    return json(404, { error: "known control endpoints: GET, PUT and DELETE /emulator/faults" });
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const handled = /^\/api(\/|$)/i.test(url.pathname)
      ? handleApi(req, res, url)
      : url.pathname.startsWith("/emulator/")
        ? handleControl(req, res, url)
        : Promise.resolve(send(res, errorReply(404, `The resource '${url.pathname}' was not found; the API is under /api/`), "xml"));
    handled.catch((err: unknown) => {
      // A bug in the emulator must still answer like a server would, not hang the client or crash the process.
      options.log?.(`internal error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, errorReply(500, `Internal emulator error: ${(err as Error).message}`), "xml");
      else res.destroy();
    });
  };

  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener) : http.createServer(listener);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `${scheme}://${urlHost}:${port}/api/`,
    port,
    store,
    faults,
    adminUser,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
