/**
 * The connection policy: how many requests are on the wire at once (Turns), which connections a request travels
 * on (kept-alive or fresh agents, one TLS context, HTTP(S)_PROXY) and the spare connections opened ahead for changes.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as tlsModule from "node:tls";
import { proxyAgentOptions } from "./http-exchange";
import { policyOf, type TransportRequest, type Wire } from "./request";
import { type Clock, REAL_CLOCK } from "./retry";
import { isLoopback, type ResolvedSettings } from "./settings";
import { SpareConnections } from "./spare-connections";

/** The most spare connections kept for one EM (one per change under way, up to this many). */
const MAX_SPARES = 10;
/** How long an idle kept-alive connection is kept. */
const IDLE_SOCKET_MS = 30_000;

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

/** The connections to one EM: the turns, the kept-alive and fresh agents, and the spares. */
export class Connections implements Wire {
  /** Kept-alive connections, for requests that may be repeated. */
  private readonly reused: { http: http.Agent; https: https.Agent };
  /** A new connection per request, for changes that must not be repeated. */
  private readonly fresh: { http: http.Agent; https: https.Agent };
  /** New connections opened ahead for the next changes. */
  private readonly spares: SpareConnections;
  /** Requests on the wire at once, over both kinds of connection (settings.maxConnections). */
  readonly turns: Turns;

  constructor(settings: ResolvedSettings, onWarning: (msg: string) => void = () => {}, clock: Clock = REAL_CLOCK) {
    const base = new URL(settings.baseUrl);
    if (settings.insecureSkipTlsVerify) {
      onWarning(`TLS certificate verification is OFF for ${base.origin} (insecureSkipTlsVerify): anyone on the network path can impersonate EM. Use caCertPath instead outside tests.`);
    }
    if (base.protocol === "http:" && settings.allowInsecureHttp && !isLoopback(base.hostname)) {
      onWarning(`plain http:// to ${base.host} (allowInsecureHttp): the EM credentials and session travel unencrypted. Use https:// outside a trusted network.`);
    }
    // One TLS context for every connection: otherwise each connection builds its own (OpenSSL's context and, with
    // caCertPath, a certificate store), which lives in native memory until the JS heap happens to be collected.
    const secureContext = tlsModule.createSecureContext(settings.ca ? { ca: settings.ca } : {});
    const tls = { secureContext, rejectUnauthorized: !settings.insecureSkipTlsVerify };
    // HTTP(S)_PROXY / NO_PROXY, through Node's own proxy support (http-exchange.ts).
    const proxy = proxyAgentOptions(process.env, onWarning);
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
    this.spares = new SpareConnections(Math.min(MAX_SPARES, settings.maxConnections), clock);
    if (!proxy.proxyEnv) {
      this.spares.attach(this.fresh.http);
      this.spares.attach(this.fresh.https);
    }
  }

  /** The agent a request travels on (see reusesConnection). */
  agentFor(req: TransportRequest, url: URL): http.Agent {
    const agents = reusesConnection(req) ? this.reused : this.fresh;
    return url.protocol === "https:" ? agents.https : agents.http;
  }

  /** Closes the kept-alive and spare connections (at the end of a run). */
  close(): void {
    this.spares.close();
    for (const agents of [this.reused, this.fresh]) {
      agents.http.destroy();
      agents.https.destroy();
    }
  }
}
