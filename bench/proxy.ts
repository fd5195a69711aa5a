/**
 * A counting reverse proxy between the providers and the emulator: it terminates TLS (as EM would) with its own
 * self-signed certificate and forwards each request to the emulator over plain HTTP. What it counts is what EM
 * would see: requests by kind, bytes answered, TCP connections opened, and when each task's completion was first
 * reported to a client.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { createSelfSignedCertificate } from "../emulator/tls";

/** Requests of one kind, e.g. "POST subtenants" or "GET tasks/{id}". */
export type Counts = Record<string, number>;

export interface TrafficSnapshot {
  requests: number;
  byKind: Counts;
  /** Body bytes of the answers. */
  bytesRead: number;
  connections: number;
  /** Queries (GET /query) by the page size they asked for ("none": the whole result in one answer). */
  pageSizes?: Counts;
}

export interface TaskTimes {
  /** When the 202 answer that started the task reached the client. */
  startedAt: number;
  /** When a client first got an answer showing the task Finished. */
  noticedAt?: number;
}

/** One request's kind: method and path with ids replaced, so requests can be counted per kind. */
export function requestKind(method: string, url: string): string {
  const [path, query = ""] = url.split("?");
  const rest = path.replace(/^\/api\/?/i, "").replace(/\/+$/, "");
  if (/^sessionMngr$/i.test(rest)) return "logon";
  if (/^logonSessions\//i.test(rest)) return `${method} logonSessions/{id}`;
  if (/^query$/i.test(rest)) return `${method} query?type=${/(?:^|&)type=([^&]*)/.exec(query)?.[1] ?? "?"}`;
  const shape = rest
    .split("/")
    .map((seg, i) => (i > 0 && /[0-9a-f]{8}-|^task-\d+$|^urn:/i.test(decodeURIComponent(seg)) ? "{id}" : seg))
    .join("/");
  return `${method} ${shape}`;
}

/** Task ids and states in an EM answer, XML or JSON (a Task, or a list of them). */
export function taskStates(body: string): Array<{ id: string; state: string }> {
  const found: Array<{ id: string; state: string }> = [];
  const pattern = /(?:<TaskId>([^<]+)<\/TaskId>\s*<State>(\w+)<\/State>)|(?:"TaskId"\s*:\s*"([^"]+)"\s*,\s*"State"\s*:\s*"(\w+)")/g;
  for (const m of body.matchAll(pattern)) found.push({ id: m[1] ?? m[3], state: m[2] ?? m[4] });
  return found;
}

export interface CountingProxy {
  /** Base URL of the API through the proxy, ending in /api/. */
  readonly url: string;
  /** The proxy's CA certificate file (PEM), when it speaks TLS. */
  readonly caPath?: string;
  snapshot(): TrafficSnapshot;
  /** Task start and completion times, by task id, since the last reset. */
  readonly tasks: Map<string, TaskTimes>;
  /** Points the proxy at another emulator (task ids restart there) and forgets the task times. */
  retarget(upstream: string): void;
  close(): Promise<void>;
}

export async function startCountingProxy(upstreamUrl: string, options: { tls: boolean }): Promise<CountingProxy> {
  let upstream = new URL(upstreamUrl);
  // The proxy's own connections to the emulator are kept alive whatever the client does: only the client side is counted.
  let agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const byKind: Counts = {};
  let requests = 0;
  let bytesRead = 0;
  const pageSizes: Counts = {};
  let connections = 0;
  const tasks = new Map<string, TaskTimes>();
  const sockets = new Set<Socket>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const kind = requestKind(req.method ?? "GET", req.url ?? "/");
    requests += 1;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (kind.startsWith("GET query")) {
      const size = /[?&]pageSize=(\d+)/.exec(req.url ?? "")?.[1] ?? "none";
      pageSizes[size] = (pageSizes[size] ?? 0) + 1;
    }
    const { connection: _connection, "keep-alive": _keepAlive, ...headers } = req.headers;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          bytesRead += body.length;
          const { connection: _c, "keep-alive": _k, "transfer-encoding": _t, ...answerHeaders } = answer.headers;
          res.writeHead(answer.statusCode ?? 502, answerHeaders);
          res.end(body);
          noteTasks(answer.statusCode ?? 0, body.toString("utf8"));
        });
      },
    );
    forward.on("error", (err) => {
      res.writeHead(502, { "Content-Type": "text/plain" });
      res.end(`bench proxy: the emulator did not answer: ${err.message}`);
    });
    req.pipe(forward);
  };

  function noteTasks(status: number, body: string): void {
    if (!body.includes("TaskId")) return;
    const now = performance.now();
    for (const { id, state } of taskStates(body)) {
      let times = tasks.get(id);
      if (!times && status === 202) tasks.set(id, (times = { startedAt: now }));
      if (times && state === "Finished" && times.noticedAt === undefined) times.noticedAt = now;
    }
  }

  let server: http.Server | https.Server;
  let caPath: string | undefined;
  if (options.tls) {
    const certificate = await createSelfSignedCertificate();
    caPath = certificate.certPath;
    server = https.createServer({ cert: certificate.cert, key: certificate.key, keepAliveTimeout: 5000 }, handler);
    server.on("secureConnection", () => (connections += 1));
  } else {
    server = http.createServer({ keepAliveTimeout: 5000 }, handler);
    server.on("connection", () => (connections += 1));
  }
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}/api/`,
    caPath,
    tasks,
    snapshot: () => ({ requests, byKind: { ...byKind }, bytesRead, connections, pageSizes: { ...pageSizes } }),
    retarget(next: string) {
      upstream = new URL(next);
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
      tasks.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What happened between two snapshots. */
export function difference(before: TrafficSnapshot, after: TrafficSnapshot): TrafficSnapshot {
  const counts = (a: Counts, b: Counts) => {
    const out: Counts = {};
    for (const [key, count] of Object.entries(a)) if (count - (b[key] ?? 0) > 0) out[key] = count - (b[key] ?? 0);
    return out;
  };
  return { requests: after.requests - before.requests, byKind: counts(after.byKind, before.byKind), bytesRead: after.bytesRead - before.bytesRead, connections: after.connections - before.connections, pageSizes: counts(after.pageSizes ?? {}, before.pageSizes ?? {}) };
}
