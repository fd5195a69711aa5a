/**
 * Spare connections (provider/client/spare-connections.ts): a change that must not be repeated rides a connection
 * that carried no request before, opened ahead so that it does not wait for a handshake. Watched from a raw
 * loopback server of the test's own, which records each connection: when it was accepted, what it carried, when
 * it closed.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { expect } from "chai";
import { type ConnectionSettings, EmApiError } from "../../provider/client";
import { SpareConnections } from "../../provider/client/spare-connections";
import { Transport } from "../../provider/client/transport";
import { createSelfSignedCertificate } from "../../emulator/tls";
import { listenOnLoopback, sleep, transportTo } from "./helpers";

interface Connection {
  acceptedAt: number;
  requests: Array<{ method: string; at: number }>;
  closedAt?: number;
}

interface RecordingServer {
  url: string;
  connections: Connection[];
  close(): Promise<void>;
}

/**
 * Answers 201 to a POST and 200 otherwise, recording each connection; with `dropIdleAfterMs`, closes a connection
 * that has carried no request for that long (as a server's header timeout does), first answering it
 * `408 Request Timeout` with `say408` (as Node's server and HAProxy do); with `answerInPairs`, holds each answer
 * until a second request is waiting too (up to 200 ms), so that answers arrive together.
 */
async function recordingServer(options: { tls?: { cert: string; key: string }; dropIdleAfterMs?: number; say408?: boolean; answerInPairs?: boolean } = {}): Promise<RecordingServer> {
  const connections: Connection[] = [];
  const bySocket = new Map<Socket, Connection>();
  let held: Array<() => void> = [];
  const handler: http.RequestListener = (req, res) => {
    bySocket.get(req.socket)?.requests.push({ method: req.method ?? "", at: Date.now() });
    req.resume();
    const answer = () => void res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Length": "0" }).end();
    if (!options.answerInPairs) return answer();
    held.push(answer);
    if (held.length === 2) {
      const pair = held;
      held = [];
      setTimeout(() => pair.forEach((a) => a()), 20);
    } else {
      setTimeout(() => held.includes(answer) && (held = held.filter((a) => a !== answer), answer()), 200);
    }
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  server.on(options.tls ? "secureConnection" : "connection", (socket: Socket) => {
    const connection: Connection = { acceptedAt: Date.now(), requests: [] };
    connections.push(connection);
    bySocket.set(socket, connection);
    socket.on("close", () => (connection.closedAt = Date.now()));
    const idle = options.dropIdleAfterMs;
    const drop = () => (options.say408 ? socket.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") : socket.destroy());
    if (idle !== undefined) setTimeout(() => connection.requests.length === 0 && drop(), idle).unref();
  });
  return { ...(await listenOnLoopback(server, options.tls !== undefined)), connections };
}

const transportFor = (server: RecordingServer, settings: Partial<ConnectionSettings> = {}) => transportTo(server.url, settings);

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
      transport = transportFor(server, cert ? { caCertPath: cert.certPath } : {});
      for (let i = 0; i < 4; i++) {
        expect((await transport.request({ method: "POST", path: "/items", expect: [201] })).status).to.equal(201);
        await sleep(100); // a change's task runs meanwhile
      }
      const posts = carrying(server, "POST").sort((a, b) => a.requests[0].at - b.requests[0].at);
      expect(posts).to.have.length(4);
      for (const c of posts) expect(c.requests, "a change never shares a connection").to.have.length(1);
      // The first POST opened its own connection; each later one found a connection opened about 100 ms before.
      for (const c of posts.slice(1)) expect(c.requests[0].at - c.acceptedAt).to.be.at.least(50);
      expect(server.connections.filter((c) => c.requests.length === 0), "one spare waits for the next change").to.have.length(1);
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
      server = await recordingServer({ dropIdleAfterMs: 40, say408 });
      transport = transportFor(server, { retry: { retries: 0 } });
      for (let i = 0; i < 3; i++) {
        expect((await transport.request({ method: "POST", path: "/items", expect: [201] })).status).to.equal(201, say408 ? "never the idle connection's 408" : undefined);
        await sleep(150); // the spare opened for it is closed by the server meanwhile
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
    const spares = new SpareConnections(2, 80);
    spares.attach(agent);
    try {
      await new Promise<void>((resolve, reject) => http.get(server!.url, { agent }, (res) => res.resume().on("end", resolve)).on("error", reject));
      await sleep(30);
      expect(spares.count).to.equal(1);
      await sleep(200);
      expect(spares.count).to.equal(0);
      const spare = server.connections.find((c) => c.requests.length === 0);
      expect(spare, "the spare was opened").to.not.equal(undefined);
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
    await sleep(30);
    const err = await transport.request({ method: "POST", path: "/items", expect: [201] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmApiError);
    expect((err as EmApiError).code).to.equal("ECONNREFUSED");
    await sleep(30); // a spare that failed to open would surface here as an uncaught error
  });
});
