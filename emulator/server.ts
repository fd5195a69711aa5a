import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { REAL_CLOCK, type EmulatorClock } from "./clock";
import { FaultController, type FaultSettings } from "./faults";
import { handleControl } from "./http/control";
import { errorReply, send, type RecordedRequest } from "./http/exchange";
import type { RouteHandler } from "./http/handlers";
import { handleApi, type PipelineEnv } from "./http/pipeline";
import { Router } from "./http/router";
import { defaultHandlers } from "./routes";
import { seedProblems } from "./seedCheck";
import { DEFAULT_SEED_PATH, readSeedFile, Store, type SeedFile } from "./store";
import { DEFAULT_EM_VERSION, emProfile, type EmVersion } from "./versions";

export { http as emHttp, type Access, type Resolver, type RouteHandler } from "./http/handlers";
export { EmError, type Reply, type RequestContext } from "./http/context";
export { API_STEPS, type Step } from "./http/pipeline";
export { cloudConnectHandlers, cloudHandlers, entryHandlers, logonHandlers, queryHandlers, securityHandlers, taskHandlers, unimplementedHandlers } from "./routes";
export type { RecordedRequest } from "./http/exchange";
export type { EmulatorClock } from "./clock";
export { DEFAULT_EM_VERSION, EM_VERSIONS, emProfile, type EmProfile, type EmVersion } from "./versions";

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  adminUser?: string;
  adminPassword?: string;
  /** A seed object, or the path of a seed JSON file; the bundled default seed when omitted. Checked either way. */
  seed?: SeedFile | string;
  /** The EM version to behave like: API versions at logon, roles, representations (default 13). */
  emVersion?: EmVersion;
  /** How long a task stays Running before it finishes. */
  taskDurationMs?: number;
  /** Idle time after which a session expires and requests with it answer 401. */
  sessionIdleTimeoutMs?: number;
  /**
   * What task durations, session idle expiry and fault delays are measured on (the real clock by default). A test
   * hands in its own to move time instead of waiting; the client's `clock` hook has the same shape.
   */
  clock?: EmulatorClock;
  /** HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  faults?: Partial<FaultSettings>;
  /**
   * Route handlers tried before the built-in ones, so one with the same method and path replaces the built-in
   * route: `handlers: [emHttp.get("/cloud/tenants", () => ({ status: 503 }))]`.
   */
  handlers?: RouteHandler[];
  /** Called with one line per request (time, method, path, status, duration); never bodies or headers. */
  log?: (line: string) => void;
}

export interface Emulator {
  /** Base URL of the API, ending in /api/. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly faults: FaultController;
  readonly adminUser: string;
  readonly emVersion: EmVersion;
  /** What task durations, session expiry and fault delays are measured on: `options.clock`, else the real one. */
  readonly clock: EmulatorClock;
  /** Every /api request so far, in arrival order, with its wire formats. */
  readonly requests: RecordedRequest[];
  /** Adds route handlers in front of all others at run time (the last call's handlers win). */
  use(...handlers: RouteHandler[]): void;
  stop(): Promise<void>;
}

export const DEFAULT_ADMIN_USER = "admin";
export const DEFAULT_ADMIN_PASSWORD = "admin";

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const profile = emProfile(options.emVersion ?? DEFAULT_EM_VERSION);
  const seed = typeof options.seed === "object" ? options.seed : readSeedFile(options.seed ?? DEFAULT_SEED_PATH);
  const problems = seedProblems(seed, profile.roles.map((r) => r.id));
  if (problems.length > 0) {
    const source = typeof options.seed === "object" ? "The seed object" : `The seed file ${options.seed ?? DEFAULT_SEED_PATH}`;
    throw new Error(`${source} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  const clock = options.clock ?? REAL_CLOCK;
  const store = new Store(
    seed,
    { taskDurationMs: options.taskDurationMs ?? 1000, sessionIdleTimeoutMs: options.sessionIdleTimeoutMs ?? 15 * 60 * 1000 },
    () => clock.now(),
    profile,
  );
  const faults = new FaultController(options.faults);
  const adminUser = options.adminUser ?? DEFAULT_ADMIN_USER;
  const adminPassword = options.adminPassword ?? DEFAULT_ADMIN_PASSWORD;
  const router = new Router([...(options.handlers ?? []), ...defaultHandlers({ adminUser, adminPassword })]);
  const scheme = options.tls ? "https" : "http";
  const env: PipelineEnv = { store, faults, router, profile, scheme, clock, requests: [], log: options.log };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const handled = /^\/api(\/|$)/i.test(url.pathname)
      ? handleApi(req, res, url, env)
      : url.pathname.startsWith("/emulator/")
        ? handleControl(req, res, url, { faults, adminUser, adminPassword })
        : Promise.resolve(send(res, errorReply(404, `The resource '${url.pathname}' was not found; the API is under /api/`), "xml"));
    handled.catch((err: unknown) => {
      // A bug in the emulator must still answer like a server would, not hang the client or crash the process.
      options.log?.(`${new Date().toISOString()} internal error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, errorReply(500, `Internal emulator error: ${(err as Error).message}`), "xml");
      else res.destroy();
    });
  };

  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener) : http.createServer(listener);
  const sockets = new Set<Socket>();
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
    emVersion: profile.version,
    clock,
    requests: env.requests,
    use: (...handlers) => void router.prepend(...handlers),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
