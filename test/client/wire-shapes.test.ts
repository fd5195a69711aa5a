/**
 * What goes over the wire and how EM's real answers are read (issue 10.3, client side), and the retry budget
 * (issue 9, defect 5), against a raw loopback server that records what it gets.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { EmApiError, EmClient, type EmClientHooks, type WireFormat } from "../../provider/client";
import { VirtualClock } from "../support/virtual-clock";

const NS = "http://www.veeam.com/ent/v1.0";
const TENANT = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const SUB = "5b0e7a1e-0f6b-4a43-9c55-0b2b4c7b6e11";

interface Seen {
  method: string;
  url: string;
  body: string;
}

describe("client: wire shapes and the retry budget (raw loopback server)", () => {
  let server: http.Server;
  let url: string;
  let seen: Seen[];
  let answer: (req: http.IncomingMessage, res: http.ServerResponse, format: WireFormat) => void;

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
        const format: WireFormat = /json/.test(req.headers.accept ?? "") ? "json" : "xml";
        if (req.method === "POST" && /sessionMngr/.test(req.url ?? "")) {
          res.writeHead(201, { "Content-Type": "application/xml", "X-RestSvcSessionId": "dG9rZW4=" });
          return res.end(`<LogonSession xmlns="${NS}" Href="http://x/api/logonSessions/s1"><SessionId>s1</SessionId></LogonSession>`);
        }
        answer(req, res, format);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  });
  beforeEach(() => (seen = []));
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A client of the raw server, on a virtual clock of its own unless the test gives one. */
  const client = (format: WireFormat, extra: object = {}, hooks: EmClientHooks = {}) => new EmClient({ url, credentials: { kind: "admin", username: "admin", password: "admin-pw" }, format, ...extra }, { clock: new VirtualClock(), ...hooks });

  for (const format of ["xml", "json"] as const) {
    it(`sends the subtenant edit with Href, Type and Id, as EM's PUT example does (${format})`, async () => {
      answer = (_req, res, f) => {
        res.writeHead(202, { "Content-Type": `application/${f}` });
        res.end(
          f === "json"
            ? JSON.stringify({ TaskId: "task-1", State: "Finished", Operation: "EditCloudSubtenant", Result: { Success: true, Message: "Ok" }, Href: "http://x/api/tasks/task-1" })
            : `<Task xmlns="${NS}" Href="http://x/api/tasks/task-1"><TaskId>task-1</TaskId><State>Finished</State><Operation>EditCloudSubtenant</Operation><Result Success="true"><Message>Ok</Message></Result></Task>`,
        );
      };
      await client(format).editSubtenant(TENANT, SUB, { name: "s1", description: "d", password: "", enabled: true, repositoryQuota: { unlimited: false, tenantResourceId: "r1", quotaMb: 2048 } });
      const put = seen.find((s) => s.method === "PUT");
      expect(put?.url).to.equal(`/api/cloud/tenants/${TENANT}/subtenants/${SUB}`);
      const href = `${url}cloud/tenants/${TENANT}/subtenants/${SUB}`;
      if (format === "xml") {
        expect(put?.body).to.match(new RegExp(`<CloudSubtenant xmlns="${NS.replace(/[./]/g, "\\$&")}"[^>]* Href="${href.replace(/[./?]/g, "\\$&")}" Type="CloudSubtenant" Id="${SUB}">`));
      } else {
        expect(JSON.parse(put?.body ?? "{}")).to.include({ Id: SUB, Href: href, Type: "CloudSubtenant" });
      }
    });

    it(`reads EM's real error body, with FirstChanceExceptionMessage, StackTrace and Status (${format})`, async () => {
      answer = (_req, res, f) => {
        res.writeHead(400, { "Content-Type": `application/${f}` });
        res.end(
          f === "json"
            ? `{"FirstChanceExceptionMessage":null,"Message":"Subtenant quota cannot be less than 1 GB","StackTrace":null,"Status":null,"StatusCode":400}`
            : `<Error xmlns="${NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><FirstChanceExceptionMessage i:nil="true"/><Message>Subtenant quota cannot be less than 1 GB</Message><StackTrace i:nil="true"/><Status i:nil="true"/><StatusCode>400</StatusCode></Error>`,
        );
      };
      const err = (await client(format).listRoles().catch((e: unknown) => e)) as EmApiError;
      expect(err).to.be.instanceOf(EmApiError);
      expect(err.status).to.equal(400);
      expect(err.emMessage).to.equal("Subtenant quota cannot be less than 1 GB");
      expect(err.fromEm).to.equal(true);
    });
  }

  it("keeps the retries of one GET within the total budget, whatever the retry count", async () => {
    answer = (_req, res) => {
      res.writeHead(503, { "Content-Type": "text/plain", "Retry-After": "0" });
      res.end("busy");
    };
    const clock = new VirtualClock();
    const started = clock.now();
    const err = (await client("xml", { requestTimeoutMs: 1000, retry: { retries: 20, minDelayMs: 100, maxDelayMs: 200, budgetMs: 700 } }, { clock })
      .listRoles()
      .catch((e: unknown) => e)) as EmApiError;
    expect(err.status).to.equal(503);
    const gets = seen.filter((s) => s.method === "GET").length;
    expect(gets).to.be.within(2, 8, "retried, but far fewer than 21 attempts");
    expect(clock.waits, "a wait between each two attempts").to.have.length(gets - 1);
    expect(clock.now() - started, "all attempts and waits within the 700 ms budget").to.be.at.most(700);
  });

  it("a Retry-After longer than the budget ends the retries at once, with EM's answer", async () => {
    answer = (_req, res) => {
      res.writeHead(429, { "Content-Type": "text/plain", "Retry-After": "30" });
      res.end("slow down");
    };
    const clock = new VirtualClock();
    const err = (await client("xml", { requestTimeoutMs: 1000, retry: { retries: 5, budgetMs: 2000 } }, { clock }).listRoles().catch((e: unknown) => e)) as EmApiError;
    expect(err.status).to.equal(429);
    expect(err.message).to.match(/EM is busy/);
    expect(clock.waits, "no wait: the 30 s asked for would outlast the budget").to.deep.equal([]);
    expect(seen.filter((s) => s.method === "GET")).to.have.length(1);
  });
});
