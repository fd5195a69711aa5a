/**
 * Spare connections (provider/client/spare-connections.ts): a change that must not be repeated rides a connection
 * that carried no request before, opened ahead so that it does not wait for a handshake. Watched from a raw
 * loopback server of the test's own, which records each connection: when it was accepted, what it carried, when
 * it closed, as places in the order of events (never as times). A spare's age runs on a virtual clock.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { expect } from "chai";
import { type ConnectionSettings, EmApiError } from "../../provider/client";
import { SpareConnections } from "../../provider/client/spare-connections";
import { Transport, type TransportHooks } from "../../provider/client/transport";
import { createSelfSignedCertificate } from "../../emulator/tls";
import { VirtualClock } from "../support/virtual-clock";
import { listenOnLoopback, transportTo, turns } from "./helpers";

/** Places in the order of events the server saw (and the test marked): `at` values compare, they are no times. */
interface Connection {
  acceptedAt: number;
  requests: Array<{ method: string; at: number }>;
  closedAt?: number;
}

interface RecordingServer {
  url: string;
  connections: Connection[];
  /** The next place in the order of events, for something the test does. */
  mark(): number;
  /** Resolves once the server has accepted `n` connections in all. */
  accepted(n: number): Promise<void>;
  /**
   * Closes (as a server's header timeout does) the connections that have carried no request; resolves once they are
   * closed, or with `say408` once the 408 and the end of the connection are sent (the client has not read them).
   */
  dropIdle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Answers 201 to a POST and 200 otherwise, recording each connection; `dropIdle` closes the connections that have
 * carried no request, first answering them `408 Request Timeout` with `say408` (as Node's server and HAProxy do);
 * with `answerInPairs`, holds each answer until a second request is waiting too (up to 200 ms), so that answers
 * arrive together.
 */
async function recordingServer(options: { tls?: { cert: string; key: string }; say408?: boolean; answerInPairs?: boolean } = {}): Promise<RecordingServer> {
  const connections: Connection[] = [];
  const bySocket = new Map<Socket, Connection>();
  let events = 0;
  const mark = () => ++events;
  let acceptWaiters: Array<{ n: number; resolve: () => void }> = [];
  let held: Array<() => void> = [];
  const handler: http.RequestListener = (req, res) => {
    bySocket.get(req.socket)?.requests.push({ method: req.method ?? "", at: mark() });
    req.resume();
    const answer = () => void res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Length": "0" }).end();
    if (!options.answerInPairs) return answer();
    held.push(answer);
    if (held.length === 2) {
      const pair = held;
      held = [];
      pair.forEach((a) => a());
    } else {
      // Only a lone last request waits this long: the server's own fallback, no measure of the client.
      setTimeout(() => held.includes(answer) && (held = held.filter((a) => a !== answer), answer()), 200);
    }
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  server.on(options.tls ? "secureConnection" : "connection", (socket: Socket) => {
    const connection: Connection = { acceptedAt: mark(), requests: [] };
    connections.push(connection);
    bySocket.set(socket, connection);
    socket.on("close", () => (connection.closedAt = mark()));
    const ready = acceptWaiters.filter((w) => connections.length >= w.n);
    acceptWaiters = acceptWaiters.filter((w) => connections.length < w.n);
    for (const w of ready) w.resolve();
  });
  const accepted = (n: number) => new Promise<void>((resolve) => (connections.length >= n ? resolve() : acceptWaiters.push({ n, resolve })));
  const dropIdle = () =>
    Promise.all(
      [...bySocket]
        .filter(([socket, c]) => c.requests.length === 0 && !socket.destroyed)
        .map(
          ([socket]) =>
            new Promise<void>((resolve) => {
              if (options.say408) socket.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", () => resolve());
              else socket.once("close", () => resolve()).destroy();
            }),
        ),
    ).then(() => undefined);
  return { ...(await listenOnLoopback(server, options.tls !== undefined)), connections, mark, accepted, dropIdle };
}

const transportFor = (server: RecordingServer, settings: Partial<ConnectionSettings> = {}, hooks: TransportHooks = {}) => transportTo(server.url, settings, hooks);

const carrying = (server: RecordingServer, method: string) => server.connections.filter((c) => c.requests.some((r) => r.method === method));

describe("client: changes ride connections opened ahead (spare connections)", () => {
  let server: RecordingServer | undefined;
  let transport: Transport | undefined;
  afterEach(async () => {
    transport?.close();
    await server?.close();
    server = transport = undefined;
  });

  for (const tls of [false, true]) {
    it(`sends each POST on a connection of its own, opened before the POST was sent (${tls ? "https" : "http"})`, async () => {
      const cert = tls ? await createSelfSignedCertificate() : undefined;
      server = await recordingServer({ tls: cert });
      const clock = new VirtualClock();
      transport = transportFor(server, cert ? { caCertPath: cert.certPath } : {}, { clock });
      const sentAt: number[] = [];
      for (let i = 0; i < 4; i++) {
        sentAt.push(server.mark());
        expect((await transport.request({ method: "POST", path: "/items", expect: [201] })).status).to.equal(201);
        // A change's task runs meanwhile: the spare opened for the next change is connected before it is sent.
        await server.accepted(i + 2);
        await turns(2);
      }
      const posts = carrying(server, "POST").sort((a, b) => a.requests[0].at - b.requests[0].at);
      expect(posts).to.have.length(4);
      for (const c of posts) expect(c.requests, "a change never shares a connection").to.have.length(1);
      // The first POST opened its own connection; each later one found a connection opened before it was sent.
      expect(posts[0].acceptedAt).to.be.greaterThan(sentAt[0]);
      for (const [i, c] of posts.entries()) if (i > 0) expect(c.acceptedAt, `POST ${i + 1}`).to.be.lessThan(sentAt[i]);
      expect(server.connections.filter((c) => c.requests.length === 0), "one spare waits for the next change").to.have.length(1);
      transport.close();
      expect(clock.pendingTimers, "no deadline or spare's age outlives its work").to.equal(0);
    });
  }

  it("does not open spares for reads, which reuse kept-alive connections", async () => {
    server = await recordingServer();
    transport = transportFor(server);
    for (let i = 0; i < 5; i++) await transport.request({ method: "GET", path: `/items/${i}`, expect: [200] });
    expect(server.connections).to.have.length(1);
    expect(server.connections[0].requests).to.have.length(5);
  });

  for (const say408 of [false, true]) {
    it(`never sends a change on a spare the server has closed${say408 ? " after answering it 408" : ""}, and opens a new one instead`, async () => {
      server = await recordingServer({ say408 });
      transport = transportFor(server, { retry: { retries: 0 } }, { clock: new VirtualClock() });
      for (let i = 0; i < 3; i++) {
        expect((await transport.request({ method: "POST", path: "/items", expect: [201] })).status).to.equal(201, say408 ? "never the idle connection's 408" : undefined);
        // The spare opened for it is closed by the server meanwhile, and the client has read that.
        await server.accepted(2 * (i + 1)); // its own connection (the spare was closed) and the next spare
        await server.dropIdle();
        await turns(2);
      }
      const posts = carrying(server, "POST");
      expect(posts).to.have.length(3, "each POST sent once, none lost on a closed spare");
      for (const c of posts) expect(c.requests).to.have.length(1);
      expect(server.connections.filter((c) => c.requests.length === 0 && c.closedAt !== undefined).length).to.be.at.least(2);
    });
  }

  it("never lets two changes share a connection, even when answers arrive together and changes wait their turn", async () => {
    server = await recordingServer({ answerInPairs: true });
    transport = transportFor(server, { maxConnections: 2, retry: { retries: 0 } });
    const t = transport;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => t.request({ method: "POST", path: `/items/${i}`, expect: [201] })));
    expect(answers.map((a) => a.status)).to.deep.equal(new Array(8).fill(201));
    const posts = carrying(server, "POST");
    expect(posts.reduce((n, c) => n + c.requests.length, 0)).to.equal(8);
    for (const c of posts) expect(c.requests, "one change per connection").to.have.length(1);
  });

  it("closes a spare unused after its time, without sending anything on it", async () => {
    server = await recordingServer();
    const agent = new http.Agent({ keepAlive: false });
    const clock = new VirtualClock();
    const spares = new SpareConnections(2, clock, 80);
    spares.attach(agent);
    try {
      await new Promise<void>((resolve, reject) => http.get(server!.url, { agent }, (res) => res.resume().on("end", resolve)).on("error", reject));
      await server.accepted(2);
      expect(spares.count).to.equal(1);
      expect(clock.pendingTimers, "the spare's age").to.equal(1);
      clock.advance(79);
      await turns();
      expect(spares.count, "79 ms: still kept").to.equal(1);
      clock.advance(1);
      await turns();
      expect(spares.count, "80 ms: let go").to.equal(0);
      expect(clock.pendingTimers).to.equal(0);
      const spare = server.connections.find((c) => c.requests.length === 0);
      expect(spare, "the spare was opened").to.not.equal(undefined);
      await turns(2);
      expect(spare?.closedAt, "and closed unused").to.be.a("number");
    } finally {
      spares.close();
      agent.destroy();
    }
  });

  it("lets a change meet the error itself when EM cannot be reached, with no stray error from a spare", async () => {
    server = await recordingServer();
    transport = transportFor(server, { retry: { retries: 0 } });
    await transport.request({ method: "POST", path: "/items", expect: [201] });
    await server.close(); // the spare opened for the next change is closed with it
    server = undefined;
    await turns(2);
    const err = await transport.request({ method: "POST", path: "/items", expect: [201] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmApiError);
    expect((err as EmApiError).code).to.equal("ECONNREFUSED");
    await turns(3); // a spare that failed to open would surface here as an uncaught error
  });
});
