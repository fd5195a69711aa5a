/**
 * The connection limit (settings.maxConnections): at most that many requests on the wire to one EM at once, counted
 * by a raw loopback server of the test's own; the others wait their turn, and that wait is no part of a request's
 * deadline or retry budget.
 */
import * as http from "node:http";
import * as https from "node:https";
import { expect } from "chai";
import { type ConnectionSettings, EmApiError, EmClient, EmSettingsError, resolveSettings } from "../../provider/client";
import { DEFAULT_MAX_CONNECTIONS, MAX_MAX_CONNECTIONS } from "../../provider/client/settings";
import { Turns } from "../../provider/client/connection-policy";
import { Transport, type TransportHooks } from "../../provider/client/transport";
import { createSelfSignedCertificate } from "../../emulator/tls";
import { ConnectionConfigError, connectionSettings } from "../../provider/resources/connection";
import { VirtualClock } from "../support/virtual-clock";
import { afterSubtenantPostTaken } from "../support/emulator-events";
import { ABC_RESOURCE_ID, ABC_TENANT_ID, ADMIN, clockOf, emulator, listenOnLoopback, transportTo } from "./helpers";

interface CountingServer {
  url: string;
  /** Most connections open at once, and most requests being answered at once. */
  peak: { connections: number; requests: number };
  requests: Array<{ method: string; url: string }>;
  /** Resolves once `n` requests have arrived in all. */
  arrived(n: number): Promise<void>;
  /** Answers the oldest request held (with `delayMs` "held"). */
  release(): void;
  close(): Promise<void>;
}

/**
 * Answers every request with an empty 200 (201 for a POST) after `delayMs`, or when the test releases it ("held"),
 * counting what is open at once; with `busyFirst`, the first request to each path is answered 503 (EM busy: a GET is
 * repeated).
 */
async function countingServer(delayMs: number | "held", busyFirst = false, tls?: { cert: string; key: string }): Promise<CountingServer> {
  let connections = 0;
  let inProgress = 0;
  const peak = { connections: 0, requests: 0 };
  const requests: CountingServer["requests"] = [];
  const held: Array<() => void> = [];
  let arrivals: Array<{ n: number; resolve: () => void }> = [];
  const handler: http.RequestListener = (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "" });
    inProgress += 1;
    peak.requests = Math.max(peak.requests, inProgress);
    req.resume();
    const busy = busyFirst && requests.filter((r) => r.url === req.url).length === 1;
    const answer = () => {
      inProgress -= 1;
      res.writeHead(busy ? 503 : req.method === "POST" ? 201 : 200, { "Content-Length": "0", ...(busy ? { "Retry-After": "0" } : {}) });
      res.end();
    };
    if (delayMs === "held") held.push(answer);
    // Real time on the server's side only: requests must overlap on real sockets for the limit to be reached; no
    // wait of the client is measured.
    else setTimeout(answer, delayMs);
    for (const a of arrivals.filter((a) => requests.length >= a.n)) a.resolve();
    arrivals = arrivals.filter((a) => requests.length < a.n);
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  server.on(tls ? "secureConnection" : "connection", (socket: import("node:net").Socket) => {
    connections += 1;
    peak.connections = Math.max(peak.connections, connections);
    socket.on("close", () => (connections -= 1));
  });
  return {
    ...(await listenOnLoopback(server, tls !== undefined)),
    peak,
    requests,
    arrived: (n) => new Promise<void>((resolve) => (requests.length >= n ? resolve() : arrivals.push({ n, resolve }))),
    release: () => held.shift()?.(),
  };
}

const transportFor = (server: CountingServer, settings: Partial<ConnectionSettings> = {}, hooks: TransportHooks = {}) => transportTo(server.url, settings, hooks);

/**
 * Lets `count` requests through a held server one at a time, each `onWireMs` of the clock after it arrived: what a
 * slow EM answering one request at a time looks like to the client.
 */
async function answerInTurn(server: CountingServer, clock: VirtualClock, count: number, onWireMs: number): Promise<void> {
  for (let n = 1; n <= count; n++) {
    await server.arrived(n);
    clock.advance(onWireMs);
    server.release();
  }
}

describe("client: at most maxConnections requests to EM at once", () => {
  let server: CountingServer | undefined;
  let transport: Transport | undefined;
  afterEach(async () => {
    transport?.close();
    await server?.close();
    server = transport = undefined;
  });

  it("defaults to 30 and refuses a limit that is not a whole number from 1 to 256, naming the setting", () => {
    const base: ConnectionSettings = { url: "https://em.example.com:9398/api/", credentials: { kind: "admin", username: "admin", password: "pw-Limit-1" } };
    expect(resolveSettings(base).maxConnections).to.equal(DEFAULT_MAX_CONNECTIONS).and.to.equal(30);
    expect(resolveSettings({ ...base, maxConnections: 1 }).maxConnections).to.equal(1);
    expect(resolveSettings({ ...base, maxConnections: MAX_MAX_CONNECTIONS }).maxConnections).to.equal(256);
    for (const bad of [0, -1, 2.5, 257, "8", null, Number.NaN]) {
      let err: unknown;
      try {
        resolveSettings({ ...base, maxConnections: bad as number });
      } catch (e) {
        err = e;
      }
      expect(err, `maxConnections ${String(bad)}`).to.be.instanceOf(EmSettingsError);
      const message = (err as Error).message;
      expect(message).to.contain("'maxConnections'");
      expect(message).to.contain(`got ${JSON.stringify(bad)}`);
      expect(message).to.match(/whole number of connections from 1 to 256/);
    }
  });

  it("reads veeam-em:maxConnections (or VEEAM_EM_MAX_CONNECTIONS) from the stack config, refusing what is no whole number", () => {
    const config = (value: string) => ({ get: (key: string) => ({ "veeam-em:url": "https://em.example.com:9398/api/", "veeam-em:username": "admin", "veeam-em:password": "pw-Limit-1", "veeam-em:maxConnections": value })[key] });
    expect(connectionSettings(config("4"), {}).maxConnections).to.equal(4);
    expect(connectionSettings(config(""), { VEEAM_EM_MAX_CONNECTIONS: "6" }).maxConnections).to.equal(6);
    expect(connectionSettings(config(""), {})).not.to.have.property("maxConnections");
    expect(() => connectionSettings(config("four"), {})).to.throw(ConnectionConfigError, /veeam-em: maxConnections must be a whole number, got 'four'/);
    expect(() => resolveSettings(connectionSettings(config("0"), {}))).to.throw(EmSettingsError, /'maxConnections': got 0\. A whole number of connections from 1 to 256/);
  });

  it("sends 40 concurrent GETs over at most 3 connections, 3 at a time, and answers them all", async () => {
    server = await countingServer(20);
    transport = transportFor(server, { maxConnections: 3 });
    const t = transport;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => t.request({ method: "GET", path: `/items/${i}`, expect: [200] })));
    expect(answers.map((a) => a.status)).to.deep.equal(new Array(40).fill(200));
    expect(server.requests).to.have.length(40, "no request was repeated");
    expect(server.peak.requests).to.equal(3, "the limit is used, and never passed");
    expect(server.peak.connections).to.be.at.most(3);
    expect(t.turns.inFlight).to.equal(0, "every turn was given back");
    expect(t.turns.waiting).to.equal(0);
  });

  it("counts POSTs on fresh connections and GETs on kept-alive ones against the same limit", async () => {
    server = await countingServer(20);
    transport = transportFor(server, { maxConnections: 4 });
    const t = transport;
    const sent = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? t.request({ method: "POST", path: "/items", expect: [201] }) : t.request({ method: "GET", path: `/items/${i}`, expect: [200] })));
    const answers = await Promise.all(sent);
    expect(answers.filter((a) => a.status === 201)).to.have.length(15);
    expect(server.requests.filter((r) => r.method === "POST")).to.have.length(15, "each POST sent once");
    expect(server.peak.requests).to.equal(4);
    expect(t.turns.inFlight).to.equal(0);
  });

  it("verifies EM's certificate on both kinds of connection over TLS, within the same limit", async () => {
    const cert = await createSelfSignedCertificate();
    server = await countingServer(20, false, cert);
    transport = transportFor(server, { maxConnections: 3, caCertPath: cert.certPath });
    const t = transport;
    const sent = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? t.request({ method: "POST", path: "/items", expect: [201] }) : t.request({ method: "GET", path: `/items/${i}`, expect: [200] })));
    expect((await Promise.all(sent)).map((a) => a.status).sort()).to.deep.equal([...new Array(10).fill(200), ...new Array(10).fill(201)]);
    expect(server.peak.requests).to.equal(3);
    // Without the CA, neither a change on a fresh connection nor a read on a kept-alive one gets through.
    const strict = transportFor(server, { maxConnections: 3 });
    try {
      for (const method of ["POST", "GET"] as const) {
        const err = await strict.request({ method, path: "/items", expect: [200, 201] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, method).to.be.instanceOf(EmApiError);
        expect((err as EmApiError).kind, method).to.equal("tls");
      }
    } finally {
      strict.close();
    }
    expect(server.requests).to.have.length(20, "nothing reached the server unverified");
  });

  it("does not count the wait for a turn towards the request deadline or the retry budget", async () => {
    // One connection, each answer 120 ms on the wire: the fifth request waits 480 ms for its turn, more than its
    // 200 ms deadline and its 250 ms budget; only its own 120 ms on the wire count.
    server = await countingServer("held");
    const clock = new VirtualClock();
    transport = transportFor(server, { maxConnections: 1, requestTimeoutMs: 200, retry: { retries: 0, budgetMs: 250 } }, { clock });
    const t = transport;
    const started = clock.now();
    const pending = Promise.all(Array.from({ length: 5 }, (_, i) => t.request({ method: "GET", path: `/slow/${i}`, expect: [200] })));
    await answerInTurn(server, clock, 5, 120);
    const answers = await pending;
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(clock.now() - started).to.equal(5 * 120);
    expect(server.peak.requests, "they went one at a time").to.equal(1);
    expect(server.peak.connections).to.equal(1);
  });

  it("leaves a request that waited for its turn its whole retry budget", async () => {
    // Six GETs, each answered 503 once, each answer 60 ms on the wire: about 700 ms of queueing for the last, past
    // its 300 ms budget, yet each may still repeat its GET, as its own attempts and waits took far less than that.
    server = await countingServer("held", true);
    const clock = new VirtualClock();
    transport = transportFor(server, { maxConnections: 1, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2, budgetMs: 300 } }, { clock });
    const t = transport;
    const pending = Promise.all(Array.from({ length: 6 }, (_, i) => t.request({ method: "GET", path: `/busy/${i}`, expect: [200] })));
    await answerInTurn(server, clock, 12, 60);
    const answers = await pending;
    expect(answers.map((a) => a.status)).to.deep.equal(new Array(6).fill(200));
    expect(server.requests).to.have.length(12, "each GET answered 503 once, then repeated once");
  });

  it("still holds a request that is slow on the wire to its deadline", async () => {
    server = await countingServer("held");
    const clock = new VirtualClock();
    transport = transportFor(server, { maxConnections: 1, requestTimeoutMs: 150, retry: { retries: 0 } }, { clock });
    const t = transport;
    const failed = t.request({ method: "GET", path: "/slow", expect: [200] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await server.arrived(1);
    clock.advance(150); // and EM has not answered yet
    const err = await failed;
    expect(err).to.be.instanceOf(EmApiError);
    expect((err as EmApiError).code).to.equal("EM_DEADLINE");
    expect(t.turns.inFlight).to.equal(0, "a failed request gives its turn back");
  });
});

describe("client: Turns", () => {
  it("lets `limit` callers through and passes each given-back turn to the next in line, in order", async () => {
    const turns = new Turns(2);
    const order: number[] = [];
    await turns.take();
    await turns.take();
    const later = [3, 4, 5].map((n) => turns.take().then(() => order.push(n)));
    expect(turns.waiting).to.equal(3);
    turns.give();
    await later[0];
    expect(order).to.deep.equal([3]);
    expect(turns.inFlight).to.equal(2);
    turns.give();
    turns.give();
    await Promise.all(later.slice(1));
    expect(order).to.deep.equal([3, 4, 5]);
    turns.give();
    turns.give();
    expect(turns.inFlight).to.equal(0);
  });
});

describe("client: one connection at a time against the emulator", function () {
  this.timeout(30_000);
  it("with maxConnections 1, concurrent creates, shared task polls and a logon renewed mid-way all finish", async () => {
    const em = await emulator({ taskDurationMs: 300 });
    const client = new EmClient({ url: em.url, credentials: ADMIN, maxConnections: 1 }, { clock: clockOf(em) });
    // EM forgets the session once it has taken the fifth create, while the creates wait: the client logs on again,
    // needing a turn of its own.
    afterSubtenantPostTaken(em, () => em.store.sessions.clear(), 5);
    try {
      await client.logon();
      const creates = Array.from({ length: 5 }, (_, i) => client.createSubtenant(ABC_TENANT_ID, { name: `one-at-a-time-${i}`, password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true }).catch((e: unknown) => e));
      const results = await Promise.all(creates);
      // Every wait ends (no deadlock); a task the lost session started may end as lost, never hang.
      expect(results).to.have.length(5);
      for (const r of results) if (r instanceof Error) expect(r.name, r.message).to.equal("EmTaskLostError");
      expect(await client.getTenant(ABC_TENANT_ID)).to.not.equal(undefined);
    } finally {
      await client.close();
      em.stop();
    }
  });
});
