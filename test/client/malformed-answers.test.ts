/**
 * A catalogue of answers that are not what EM sends, served by a raw HTTP server on loopback: each must end in a
 * clear error within the retry budget on the client's (virtual) clock; none may crash, hang or read as an empty
 * result.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { EmApiError, EmClient, type ConnectionSettings } from "../../provider/client";
import { VirtualClock } from "../support/virtual-clock";
import { turns } from "./helpers";

const NS = "http://www.veeam.com/ent/v1.0";
const TOKEN = "c2Vzc2lvbi10b2tlbg==";
const LOGON = `<?xml version="1.0" encoding="utf-8"?><LogonSession xmlns="${NS}" Type="LogonSession" Href="http://127.0.0.1/api/logonSessions/s1"><SessionId>s1</SessionId><UserName>admin</UserName></LogonSession>`;
const PROXY_PAGE = "<!DOCTYPE html><html><head><title>Corporate proxy: please sign in</title></head><body><form>…</form></body></html>";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface Case {
  name: string;
  /** How the server answers the query (or the logon, with `logon`). */
  answer: Handler;
  logon?: boolean;
  format?: "xml" | "json";
  /** What the error must say. */
  says: RegExp;
  /** The server stops answering: the test lets the client's clock pass until the client gives up. */
  stalls?: boolean;
}

/** The client's clock in the current case (a trickling server waits on it too). */
let clock = new VirtualClock();
/** How far time moves at once in a case: a trickling server's wait between bytes; the test's own steps are smaller. */
const STEP_MS = 150;

const send = (status: number, body: string, type = "application/xml", headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, { "Content-Type": type, ...headers });
  res.end(body);
};

const CASES: Case[] = [
  { name: "a proxy's HTML page with 200", answer: send(200, PROXY_PAGE, "text/html"), says: /root element is <html>.*Corporate proxy: please sign in.*a proxy or another web server may have answered/ },
  { name: "plain text with 200", answer: send(200, "Service temporarily unavailable", "text/plain"), says: /not EM XML or JSON.*Service temporarily unavailable/ },
  { name: "a proxy's HTML page with 502", answer: send(502, PROXY_PAGE, "text/html"), says: /HTTP 502: Corporate proxy: please sign in.*gateway/ },
  { name: "truncated XML", answer: send(200, `<QueryResult xmlns="${NS}"><Refs><Ref Name="a"`), says: /not EM XML or JSON: malformed XML/ },
  { name: "XML in another namespace", answer: send(200, `<QueryResult xmlns="http://example.com/other"><Refs /></QueryResult>`), says: /namespace 'http:\/\/example\.com\/other', not EM's/ },
  { name: "XML with another root element", answer: send(200, `<EntityReferences xmlns="${NS}" />`), says: /root element is <EntityReferences>, where EM sends a QueryResult document/ },
  { name: "an empty 200", answer: send(200, ""), says: /the answer is empty, where EM sends a QueryResult document/ },
  { name: "an EM Error document with 200", answer: send(200, `<Error xmlns="${NS}" Message="Internal failure" StatusCode="500" />`), says: /an EM Error document with a success status.*Internal failure/ },
  { name: "JSON where XML was asked", answer: send(200, `{"Refs":[]}`, "application/json"), says: /JSON where XML was asked for/ },
  { name: "{} with 200 (JSON)", format: "json", answer: send(200, "{}", "application/json"), says: /lacks every property of a QueryResult document.*none at all \(\{\}\)/ },
  { name: "EM's JSON Error shape with 200", format: "json", answer: send(200, `{"FirstChanceExceptionMessage":null,"Message":"Busy","StackTrace":null,"Status":null,"StatusCode":500}`, "application/json"), says: /EM Error document with a success status.*Busy/ },
  { name: "a 302 to a login page", answer: send(302, "", "text/html", { Location: "https://sso.example.com/login?user=admin&password=hunter2-secret" }), says: /HTTP 302.*proxy or single sign-on gateway/ },
  { name: "a 201 logon without X-RestSvcSessionId", logon: true, answer: send(201, LOGON), says: /logon answer \(201\) has no X-RestSvcSessionId header.*proxy in between must pass/ },
  { name: "a 10 MB body", answer: (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html>" + "x".repeat(10 * 1024 * 1024) + "</html>");
    }, says: /larger than \d+ bytes/ },
  { name: "headers, then nothing", stalls: true, answer: (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml" });
      res.flushHeaders();
    }, says: /no complete answer within \d+ ms.*stalls or trickles/ },
  { name: "a body fed one byte every 150 ms", answer: async (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/xml" });
      const text = `<QueryResult xmlns="${NS}"><Refs /></QueryResult>` + " ".repeat(1000);
      for (let i = 0; i < text.length && !res.destroyed; i++) {
        res.write(text[i]);
        await clock.sleep(STEP_MS);
      }
    }, says: /no complete answer within \d+ ms/ },
];

/** A deadline of 600 ms per request and 2 s for all attempts: each case must end within the 2 s. */
const SETTINGS: Partial<ConnectionSettings> = { requestTimeoutMs: 600, retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20, budgetMs: 2000 } };
const BUDGET_MS = 2000;

describe("client: a catalogue of malformed answers (raw loopback server)", () => {
  let server: http.Server;
  let current: Case;
  let url: string;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.method === "POST" && /sessionMngr/.test(req.url ?? "")) {
        if (current.logon) return current.answer(req, res);
        res.writeHead(201, { "Content-Type": "application/xml", "X-RestSvcSessionId": TOKEN });
        return res.end(LOGON);
      }
      if (req.method === "DELETE") return res.writeHead(204).end();
      current.answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  });
  afterEach(() => server.closeAllConnections());
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const c of CASES) {
    it(`${c.name}: a clear error within the retry budget`, async () => {
      current = c;
      clock = new VirtualClock();
      const client = new EmClient({ url, credentials: { kind: "admin", username: "admin", password: "em-Secret-77" }, format: c.format ?? "xml", ...SETTINGS }, { clock });
      const started = clock.now();
      let endedAt: number | undefined;
      const pending = client.listSubtenants({ name: "x" }).then(
        (list) => ({ list }),
        (err: unknown) => ({ err }),
      );
      void pending.then(() => (endedAt = clock.now()));
      // A server that stopped answering: time passes, 50 ms at a time, while the client waits (at most 10 s).
      for (let step = 0; c.stalls && endedAt === undefined && step < 200; step++) {
        await turns(2);
        clock.advance(50);
      }
      const outcome = await pending;
      expect(outcome, "never an empty result").to.have.property("err");
      const err = (outcome as { err: Error }).err;
      expect(err, String(err)).to.be.instanceOf(EmApiError);
      expect(err.message).to.match(c.says);
      expect(err.message).not.to.match(/em-Secret-77|hunter2-secret/);
      // Time moves in steps, so a deadline is seen at the step that passes it: up to one step late.
      expect((endedAt ?? Infinity) - started, "within the retry budget on the client's clock").to.be.at.most(BUDGET_MS + STEP_MS);
    });
  }

  it("lists 16 cases, one for each kind of malformed answer the issue names and more", () => {
    expect(CASES.length).to.be.at.least(15);
  });
});
