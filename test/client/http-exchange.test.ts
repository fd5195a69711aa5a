/**
 * One HTTP exchange (provider/client/http-exchange.ts), tested on its own: each of its promises (the answer read in
 * full and decompressed, a byte-order mark dropped, a size cap, one deadline, a cut connection, TLS, Node's own
 * proxy support) against raw servers of the test's own on loopback ports.
 */
import { spawn } from "node:child_process";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import * as zlib from "node:zlib";
import { expect } from "chai";
import { createSelfSignedCertificate, type GeneratedCertificate } from "../../emulator/tls";
import { ACCEPT_ENCODING, type Exchange, type ExchangeAnswer, ExchangeError, exchange, nodeSupportsProxyEnv, proxyAgentOptions } from "../../provider/client/http-exchange";
import { Redactor, withoutUserinfo } from "../../provider/client/errors";
import { VirtualClock } from "../support/virtual-clock";
import { listenOnLoopback } from "./helpers";

/** Agent options with Node's proxyEnv (22.21+, 24.5+), which @types/node 22.20 does not name yet. */
type ProxyAgentOptions = http.AgentOptions & { proxyEnv?: NodeJS.ProcessEnv };

/** The codes error-hints.ts's networkError reads as "the connection broke before the answer was complete". */
const BROKEN_CONNECTION_CODES = ["ECONNRESET", "EPIPE"];

interface RawServer {
  url: URL;
  /** The server's side of each connection it accepted, to see when the client let go of one. */
  sockets: net.Socket[];
  close(): Promise<void>;
}

async function serve(handler: http.RequestListener, tls?: { cert: string; key: string }): Promise<RawServer> {
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  const sockets: net.Socket[] = [];
  server.on(tls ? "secureConnection" : "connection", (socket: net.Socket) => sockets.push(socket));
  const { url, close } = await listenOnLoopback(server, tls !== undefined);
  return { url: new URL(url), sockets, close };
}

/** Resolves when the socket has closed (the test's timeout fails a connection that stays open). */
function closed(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.once("close", () => resolve()));
}

/**
 * A plain agent that tells how many answer bytes reached the client: a server of the test's own sends the next
 * part of an answer once the part before has arrived, so that the parts arrive apart without a real sleep.
 */
function watchedAgent(): { agent: http.Agent; readonly bytes: number; received(bytes: number): Promise<void> } {
  const agent = new http.Agent();
  let total = 0;
  const waiting: Array<{ bytes: number; resolve: () => void }> = [];
  const target = agent as unknown as { createConnection(options: unknown, onCreate?: unknown): net.Socket };
  const open = target.createConnection.bind(agent);
  target.createConnection = (options, onCreate) => {
    const socket = open(options, onCreate);
    socket.on("data", (chunk: Buffer) => {
      total += chunk.length;
      for (const w of waiting.filter((w) => total >= w.bytes)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    });
    return socket;
  };
  return {
    agent,
    get bytes() {
      return total;
    },
    received: (bytes) => new Promise<void>((resolve) => (total >= bytes ? resolve() : waiting.push({ bytes, resolve }))),
  };
}

/** Whether `pending` is still unsettled after the event loop has run what was ready. */
async function stillPending(pending: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

/** The error an exchange failed with; fails the test if it succeeded. */
async function failure(pending: Promise<ExchangeAnswer>): Promise<ExchangeError & { code: string }> {
  const outcome = await pending.then(
    (answer) => ({ answer }),
    (err: unknown) => ({ err }),
  );
  if ("answer" in outcome) expect.fail(`the exchange succeeded (${outcome.answer.status}: ${outcome.answer.text.slice(0, 80)})`);
  return outcome.err as ExchangeError & { code: string };
}

describe("client: one HTTP exchange on Node's http/https (http-exchange)", () => {
  const servers: RawServer[] = [];
  const agents: http.Agent[] = [];
  let certificate: GeneratedCertificate;

  before(async () => {
    certificate = await createSelfSignedCertificate();
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function server(handler: http.RequestListener, tls?: { cert: string; key: string }): Promise<RawServer> {
    const s = await serve(handler, tls);
    servers.push(s);
    return s;
  }

  function agent<A extends http.Agent>(a: A): A {
    agents.push(a);
    return a;
  }

  /**
   * A GET of `path` on `s` on a plain http agent of its own, with a generous cap unless given. The deadline runs on
   * a virtual clock of its own unless one is given: time never passes on it, so only a test that lets it pass meets
   * the deadline, and no other test waits on (or races) the wall clock.
   */
  function run(s: RawServer, options: Partial<Exchange> & { path?: string } = {}): Promise<ExchangeAnswer> {
    const { path = "/api/", ...rest } = options;
    return exchange({ method: "GET", url: new URL(path, s.url), headers: {}, agent: agent(new http.Agent()), deadlineMs: 5000, clock: new VirtualClock(), maxBytes: 1 << 20, ...rest });
  }

  describe("a plain answer", () => {
    it("gives the status, the headers lower-cased and the text; the body arrives with its length in bytes; Accept-Encoding is sent", async () => {
      const seen: { method?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
      const s = await server((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          Object.assign(seen, { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
          res.writeHead(201, { "Content-Type": "application/xml; charset=utf-8", "X-RestSvcSessionId": "token-1" }).end("<Created>yes</Created>");
        });
      });
      const body = "<Spec name='Zürich €'/>"; // more bytes than characters
      const answer = await run(s, { method: "POST", path: "/api/things?x=1", body, headers: { Accept: "application/xml", "Content-Type": "application/xml" } });

      expect(answer.status).to.equal(201);
      expect(answer.text).to.equal("<Created>yes</Created>");
      expect(answer.headers["x-restsvcsessionid"]).to.equal("token-1");
      expect(answer.headers["content-type"]).to.equal("application/xml; charset=utf-8");
      expect(seen.method).to.equal("POST");
      expect(seen.body).to.equal(body);
      expect(seen.headers?.["content-length"]).to.equal(String(Buffer.byteLength(body)));
      expect(Buffer.byteLength(body)).to.be.greaterThan(body.length);
      expect(seen.headers?.["accept-encoding"]).to.equal(ACCEPT_ENCODING);
      expect(seen.headers?.accept).to.equal("application/xml");
    });
  });

  describe("compressed answers", () => {
    const text = `<Subtenants>${"<Subtenant Name='Zürich'/>".repeat(200)}</Subtenants>`;
    const compressors: Record<string, (b: Buffer) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };

    for (const [encoding, compress] of Object.entries(compressors)) {
      it(`decompresses a ${encoding} answer`, async () => {
        const compressed = compress(Buffer.from(text, "utf8"));
        expect(compressed.length).to.be.lessThan(Buffer.byteLength(text) / 4);
        const s = await server((_req, res) => void res.writeHead(200, { "Content-Encoding": encoding, "Content-Length": compressed.length }).end(compressed));
        const answer = await run(s);
        expect(answer.status).to.equal(200);
        expect(answer.text).to.equal(text);
      });
    }

    it("decompresses a deflate answer sent as raw deflate without the zlib header (servers that misread RFC 2616 do, Microsoft's notably, per the zlib FAQ), as axios did", async () => {
      const raw = zlib.deflateRawSync(Buffer.from(text, "utf8"));
      const s = await server((_req, res) => void res.writeHead(200, { "Content-Encoding": "deflate", "Content-Length": raw.length }).end(raw));
      const answer = await run(s);
      expect(answer.text).to.equal(text);
    });

    // axios read these as empty text; an empty body is no gzip stream, so it must not be handed to the decoder.
    const emptyButEncoded: Array<[string, number, http.OutgoingHttpHeaders]> = [
      ["a 204 (EM's answer to a logout)", 204, { "Content-Encoding": "gzip" }],
      ["a 200 with Content-Length: 0", 200, { "Content-Encoding": "gzip", "Content-Length": "0" }],
    ];
    for (const [what, status, headers] of emptyButEncoded) {
      it(`reads ${what} that names gzip but carries no body as empty text`, async () => {
        const s = await server((_req, res) => void res.writeHead(status, headers).end());
        const answer = await run(s, { method: "DELETE" });
        expect(answer.status).to.equal(status);
        expect(answer.text).to.equal("");
      });
    }

    it("fails with EM_BAD_ENCODING on an encoding it did not ask for (compress)", async () => {
      const s = await server((_req, res) => void res.writeHead(200, { "Content-Encoding": "compress" }).end("\x1f\x9d\x90 whatever"));
      const err = await failure(run(s));
      expect(err).to.be.instanceOf(ExchangeError);
      expect(err.code).to.equal("EM_BAD_ENCODING");
      expect(err.message).to.include("compress");
    });

    it("fails with EM_BAD_ENCODING, and nothing throws, on an encoding named like an object's property (toString)", async () => {
      for (const encoding of ["toString", "constructor", "__proto__"]) {
        const s = await server((_req, res) => void res.writeHead(200, { "Content-Encoding": encoding }).end("x"));
        const err = await failure(run(s));
        expect(err, encoding).to.be.instanceOf(ExchangeError);
        expect(err.code, encoding).to.equal("EM_BAD_ENCODING");
      }
    });

    it("fails with EM_BAD_ENCODING on a gzip answer that is not gzip", async () => {
      const corrupt = Buffer.from("this is not gzip at all, though the header says so");
      const s = await server((_req, res) => void res.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": corrupt.length }).end(corrupt));
      const err = await failure(run(s));
      expect(err).to.be.instanceOf(ExchangeError);
      expect(err.code).to.equal("EM_BAD_ENCODING");
    });

    it("fails as a broken connection (ECONNRESET), never as a refusal, on a compressed answer whose stream stops early", async () => {
      // With or without framing: a POST whose answer this was must count as of unknown outcome (and be checked),
      // which a parse error would not; an answer that ends the body by closing looks complete on the wire.
      const whole = zlib.gzipSync(Buffer.from(text));
      const truncated = whole.subarray(0, whole.length - 20);
      const framed = await server((_req, res) => void res.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": truncated.length }).end(truncated));
      expect((await failure(run(framed))).code).to.equal("ECONNRESET");
      for (const [encoding, compress] of [["gzip", zlib.gzipSync], ["br", zlib.brotliCompressSync], ["deflate", zlib.deflateRawSync]] as const) {
        const cut = compress(Buffer.from(text.repeat(20))).subarray(0, 40);
        const closing = await server((req, res) => {
          res.writeHead(200, { "Content-Encoding": encoding, Connection: "close" });
          res.write(cut);
          res.socket?.end();
          req.socket.on("finish", () => req.socket.destroy());
        });
        const err = await failure(run(closing));
        expect(err.code, encoding).to.equal("ECONNRESET");
      }
    });
  });

  describe("decoding the text", () => {
    it("drops a UTF-8 byte-order mark at the start, even when it arrives split across chunks", async () => {
      const watched = watchedAgent();
      const s = await server(async (_req, res) => {
        res.writeHead(200, { "Content-Type": "application/xml" });
        res.write(Buffer.from([0xef]));
        await watched.received(1);
        res.end(Buffer.concat([Buffer.from([0xbb, 0xbf]), Buffer.from("<Logon/>")]));
      });
      const answer = await run(s, { agent: agent(watched.agent) });
      expect(answer.text).to.equal("<Logon/>");
    });

    it("keeps a U+FEFF that is not at the start", async () => {
      const s = await server((_req, res) => void res.end("<a>\ufeff</a>"));
      expect((await run(s)).text).to.equal("<a>\ufeff</a>");
    });

    it("decodes a multi-byte UTF-8 character split across two chunks", async () => {
      const euro = Buffer.from("€", "utf8"); // e2 82 ac
      const watched = watchedAgent();
      const s = await server(async (_req, res) => {
        res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
        res.write(Buffer.concat([Buffer.from("price: "), euro.subarray(0, 2)]));
        await watched.received(1);
        res.end(Buffer.concat([euro.subarray(2), Buffer.from(" 5")]));
      });
      const answer = await run(s, { agent: agent(watched.agent) });
      expect(answer.text).to.equal("price: € 5");
      expect(answer.text).not.to.include("\ufffd");
    });
  });

  describe("the size cap (maxBytes)", () => {
    it("reads an answer of exactly maxBytes, and fails with EM_TOO_LARGE one byte over", async () => {
      const s = await server((req, res) => void res.end("x".repeat(req.url === "/api/over" ? 1001 : 1000)));
      expect((await run(s, { maxBytes: 1000 })).text).to.have.length(1000);
      const err = await failure(run(s, { maxBytes: 1000, path: "/api/over" }));
      expect(err).to.be.instanceOf(ExchangeError);
      expect(err.code).to.equal("EM_TOO_LARGE");
    });

    it("caps the decompressed bytes: a small gzip answer that inflates past the cap fails with EM_TOO_LARGE", async () => {
      const compressed = zlib.gzipSync(Buffer.alloc(200_000, "a"));
      expect(compressed.length).to.be.lessThan(10_000);
      const s = await server((_req, res) => void res.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": compressed.length }).end(compressed));
      const err = await failure(run(s, { maxBytes: 10_000 }));
      expect(err.code).to.equal("EM_TOO_LARGE");
    });

    it("ends the exchange as soon as the cap is passed: an endless answer fails at once and its connection is closed", async () => {
      const s = await server((_req, res) => {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.write("y".repeat(5000)); // and never ends
      });
      // No time passes on the exchange's clock: only the cap can end it.
      const err = await failure(run(s, { maxBytes: 1000, deadlineMs: 10_000 }));
      expect(err.code).to.equal("EM_TOO_LARGE");
      await closed(s.sockets[0]);
    });
  });

  describe("the deadline (deadlineMs) for the whole exchange", () => {
    it("fails with EM_DEADLINE when the server sends the headers and then stalls, not before the deadline, and closes the connection", async () => {
      const watched = watchedAgent();
      const s = await server((_req, res) => {
        res.writeHead(200, { "Content-Length": "100" });
        res.flushHeaders();
      });
      const clock = new VirtualClock();
      const pending = failure(run(s, { deadlineMs: 150, clock, agent: agent(watched.agent) }));
      await watched.received(1); // the headers are in; the body never comes
      clock.advance(149);
      expect(await stillPending(pending), "149 ms: still waiting").to.equal(true);
      clock.advance(1);
      const err = await pending;
      expect(err).to.be.instanceOf(ExchangeError);
      expect(err.code).to.equal("EM_DEADLINE");
      expect(err.message).to.include("150 ms");
      await closed(s.sockets[0]);
    });

    it("fails with EM_DEADLINE when the body trickles in, each byte in time but the whole too late", async () => {
      const watched = watchedAgent();
      let answering!: (res: http.ServerResponse) => void;
      const answered = new Promise<http.ServerResponse>((resolve) => (answering = resolve));
      const s = await server((_req, res) => {
        res.writeHead(200, { "Content-Length": "40" });
        res.flushHeaders();
        answering(res);
      });
      const clock = new VirtualClock();
      const pending = failure(run(s, { deadlineMs: 200, clock, agent: agent(watched.agent) }));
      const res = await answered;
      await watched.received(1);
      const headerBytes = watched.bytes;
      // One byte each 25 ms of the exchange's clock, each received before the clock moves on.
      let sent = 0;
      while (sent < 40 && (await stillPending(pending))) {
        res.write("z");
        sent += 1;
        await watched.received(headerBytes + sent);
        clock.advance(25);
      }
      const err = await pending;
      expect(err.code).to.equal("EM_DEADLINE");
      expect(sent, "bytes received before the deadline ended it, at 200 ms").to.equal(8);
    });

    it("leaves no timer behind, after a fast answer or a failure with a long deadline: the process exits at once", async () => {
      // In a process of its own: one that a forgotten 10-minute timer kept alive would not exit.
      const script = `
        const http = require("node:http");
        const { exchange } = require(${JSON.stringify(require.resolve("../../provider/client/http-exchange"))});
        const { REAL_CLOCK } = require(${JSON.stringify(require.resolve("../../provider/client/retry"))});
        const server = http.createServer((req, res) => (req.url === "/cut" ? req.socket.destroy() : res.writeHead(200, { Connection: "close" }).end("ok")));
        server.listen(0, "127.0.0.1", async () => {
          const at = (path) => ({ method: "GET", url: new URL(path, "http://127.0.0.1:" + server.address().port), headers: {}, agent: new http.Agent(), deadlineMs: 600000, clock: REAL_CLOCK, maxBytes: 1000 });
          const answer = await exchange(at("/"));
          const code = await exchange(at("/cut")).then(() => "none", (err) => err.code);
          server.close();
          process.stdout.write(answer.text + " " + code);
        });`;
      const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exitCode = await new Promise<number | null>((resolve) => {
        // Not a measure: it ends the child this test started, should a timer keep it alive.
        const timer = setTimeout(() => child.kill(), 5000);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
      expect(output).to.equal("ok ECONNRESET");
      expect(exitCode, "the process was still running after 5 s").to.equal(0);
    });
  });

  describe("broken connections", () => {
    it("fails with a broken-connection code (not EM_DEADLINE) when the connection is cut mid-body", async () => {
      const watched = watchedAgent();
      const s = await server(async (req, res) => {
        res.writeHead(200, { "Content-Length": "1000" });
        res.write("a".repeat(100));
        await watched.received(100);
        req.socket.destroy();
      });
      // No time passes on the exchange's clock: only the cut can end it.
      const err = await failure(run(s, { deadlineMs: 5000, agent: agent(watched.agent) }));
      expect(err.code).to.be.oneOf(BROKEN_CONNECTION_CODES);
    });

    it("fails with a broken-connection code when a chunked answer is cut before its last chunk", async () => {
      const watched = watchedAgent();
      const s = await server(async (req, res) => {
        res.writeHead(200, { "Content-Type": "text/plain" }); // no length: chunked
        res.write("<Subtenants>");
        await watched.received("<Subtenants>".length);
        req.socket.destroy();
      });
      const err = await failure(run(s, { agent: agent(watched.agent) }));
      expect(err.code).to.be.oneOf(BROKEN_CONNECTION_CODES);
    });

    it("fails with a broken-connection code (not EM_BAD_ENCODING) when a gzip answer is cut mid-body", async () => {
      const compressed = zlib.gzipSync(Buffer.from("<Subtenant/>".repeat(5000)));
      const watched = watchedAgent();
      const s = await server(async (req, res) => {
        res.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": compressed.length });
        res.write(compressed.subarray(0, compressed.length >> 1));
        await watched.received(compressed.length >> 1);
        req.socket.destroy();
      });
      const err = await failure(run(s, { agent: agent(watched.agent) }));
      expect(err.code).to.be.oneOf(BROKEN_CONNECTION_CODES);
    });

    it("fails with a broken-connection code when the server closes the connection without answering", async () => {
      const s = await server((req) => req.socket.destroy());
      const err = await failure(run(s));
      expect(err.code).to.be.oneOf(BROKEN_CONNECTION_CODES);
    });

    it("fails with ECONNREFUSED on a port nobody listens on", async () => {
      const s = await serve((_req, res) => void res.end());
      await s.close(); // the port is free again
      const err = await failure(run(s));
      expect(err.code).to.equal("ECONNREFUSED");
    });
  });

  describe("TLS", () => {
    it("fails with a certificate code against a self-signed certificate it was not given, and succeeds with it as CA", async () => {
      const s = await server((_req, res) => void res.end("<secure/>"), certificate);
      expect(s.url.protocol).to.equal("https:");
      const err = await failure(run(s, { agent: agent(new https.Agent()) }));
      expect(err.code).to.match(/CERT|SELF_SIGNED|UNABLE_TO_/);
      const answer = await run(s, { agent: agent(new https.Agent({ ca: certificate.cert })) });
      expect(answer.status).to.equal(200);
      expect(answer.text).to.equal("<secure/>");
    });
  });

  describe("Node's own proxy support", () => {
    it("masks the user and password of a proxy URL in an error text (Node's tunnel errors name HTTPS_PROXY whole)", () => {
      const text = "Failed to establish tunnel to em.example.com:9398 via http://svc-pulumi:S3cret%21@proxy.corp:3128: 407";
      const masked = withoutUserinfo(text);
      expect(masked).not.to.include("S3cret").and.not.to.include("svc-pulumi");
      expect(masked).to.include("http://***@proxy.corp:3128");
      expect(withoutUserinfo("GET https://em.example.com:9398/api/ failed")).to.equal("GET https://em.example.com:9398/api/ failed");
      // Every text the client redacts has it masked, the network errors' among them.
      expect(new Redactor().apply(text)).to.equal(masked);
    });

    it("knows which Node versions have the agents' proxyEnv option (22.21+, 24.5+)", () => {
      const expected: Record<string, boolean> = { "20.19.0": false, "22.20.0": false, "22.21.0": true, "24.4.0": false, "24.5.0": true, "26.0.0": true };
      for (const [version, supported] of Object.entries(expected)) expect(nodeSupportsProxyEnv(version), version).to.equal(supported);
    });

    it("asks for no proxy, and warns of nothing, when no proxy variable is set", () => {
      const warnings: string[] = [];
      expect(proxyAgentOptions({ PATH: "/usr/bin", NO_PROXY: "localhost" }, (m) => warnings.push(m), "24.5.0")).to.deep.equal({});
      expect(proxyAgentOptions({ HTTPS_PROXY: "  " }, (m) => warnings.push(m), "24.5.0")).to.deep.equal({});
      expect(warnings).to.deep.equal([]);
    });

    it("hands the environment to the agents when a proxy variable is set on a Node that supports it", () => {
      const warnings: string[] = [];
      const env = { HTTPS_PROXY: "http://proxy.example:3128", NO_PROXY: "em.example" };
      const options = proxyAgentOptions(env, (m) => warnings.push(m), "22.21.0");
      expect(options).to.deep.equal({ proxyEnv: env });
      expect(options.proxyEnv).to.equal(env);
      expect(proxyAgentOptions({ http_proxy: "http://proxy.example:3128" }, (m) => warnings.push(m), "24.5.0")).to.have.property("proxyEnv");
      expect(warnings).to.deep.equal([]);
    });

    it("asks for no proxy, and warns once naming the variable and the Node version, on a Node that cannot", () => {
      const warnings: string[] = [];
      expect(proxyAgentOptions({ HTTPS_PROXY: "http://proxy.example:3128" }, (m) => warnings.push(m), "20.19.0")).to.deep.equal({});
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include("HTTPS_PROXY").and.include("20.19.0");
    });

    describe("through a loopback forward proxy", () => {
      interface Proxy {
        url: string;
        /** What the proxy was asked: "GET http://…" (plain http, absolute form) or "CONNECT host:port" (https). */
        seen: string[];
        close(): Promise<void>;
      }

      let proxy: Proxy | undefined;
      afterEach(async () => {
        await proxy?.close();
        proxy = undefined;
      });

      async function startProxy(): Promise<Proxy> {
        const seen: string[] = [];
        const tunnels = new Set<net.Socket>();
        const server = http.createServer((req, res) => {
          seen.push(`${req.method} ${req.url}`);
          const up = http.request(req.url ?? "", { method: req.method, headers: req.headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          });
          up.on("error", () => res.writeHead(502).end());
          req.pipe(up);
        });
        server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
          seen.push(`CONNECT ${req.url}`);
          const [host, port] = (req.url ?? "").split(":");
          const target = net.connect(Number(port), host, () => {
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            target.write(head);
            target.pipe(client);
            client.pipe(target);
          });
          for (const socket of [client, target]) {
            tunnels.add(socket);
            socket.on("error", () => undefined);
            socket.on("close", () => tunnels.delete(socket));
          }
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return {
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          seen,
          close: () =>
            new Promise((resolve) => {
              for (const socket of tunnels) socket.destroy();
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        };
      }

      it(
        nodeSupportsProxyEnv()
          ? `sends plain http (absolute form) and https (CONNECT) through HTTP(S)_PROXY, and not for NO_PROXY hosts (Node ${process.versions.node})`
          : `asks for no proxy and warns, on this Node (${process.versions.node}), which cannot send through a proxy`,
        async () => {
          if (!nodeSupportsProxyEnv()) {
            const warnings: string[] = [];
            expect(proxyAgentOptions({ HTTP_PROXY: "http://127.0.0.1:9" }, (m) => warnings.push(m))).to.deep.equal({});
            expect(warnings).to.have.length(1);
            expect(warnings[0]).to.include("HTTP_PROXY").and.include(process.versions.node);
            return;
          }
          const p = (proxy = await startProxy());
          const plain = await server((req, res) => void res.end(`plain ${req.url}`));
          const secure = await server((req, res) => void res.end(`secure ${req.url}`), certificate);

          const httpOptions: ProxyAgentOptions = proxyAgentOptions({ HTTP_PROXY: p.url }, () => expect.fail("no warning expected"));
          const answer = await run(plain, { path: "/api/a", agent: agent(new http.Agent({ ...httpOptions })) });
          expect(answer.text).to.equal("plain /api/a");
          expect(p.seen).to.deep.equal([`GET ${new URL("/api/a", plain.url).href}`]);

          const httpsOptions: ProxyAgentOptions = proxyAgentOptions({ HTTPS_PROXY: p.url }, () => expect.fail("no warning expected"));
          const secureAnswer = await run(secure, { path: "/api/b", agent: agent(new https.Agent({ ca: certificate.cert, ...httpsOptions })) });
          expect(secureAnswer.text).to.equal("secure /api/b");
          expect(p.seen).to.deep.equal([`GET ${new URL("/api/a", plain.url).href}`, `CONNECT ${secure.url.host}`]);

          p.seen.length = 0;
          const bypass: ProxyAgentOptions = { ...proxyAgentOptions({ HTTP_PROXY: p.url, HTTPS_PROXY: p.url, NO_PROXY: "127.0.0.1" }, () => expect.fail("no warning expected")) };
          expect((await run(plain, { path: "/api/c", agent: agent(new http.Agent(bypass)) })).text).to.equal("plain /api/c");
          expect((await run(secure, { path: "/api/d", agent: agent(new https.Agent({ ca: certificate.cert, ...bypass })) })).text).to.equal("secure /api/d");
          expect(p.seen).to.deep.equal([]);
        },
      );
    });
  });
});
