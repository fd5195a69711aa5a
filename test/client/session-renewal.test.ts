/**
 * EM forgets logon sessions (restart, idle expiry). With many requests in flight on one session, the renewed
 * session may be forgotten again before a request's repeat reaches EM: a 401 means EM did not act, so the request
 * is repeated after each renewal, a bounded number of times, and a 401 that remains says what to do.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { EmApiError, EmClient, MAX_SESSION_RENEWALS } from "../../provider/client";
import { VirtualClock } from "../support/virtual-clock";

const NS = "http://www.veeam.com/ent/v1.0";
const logonBody = (n: number) =>
  `<?xml version="1.0" encoding="utf-8"?><LogonSession xmlns="${NS}" Type="LogonSession" Href="http://127.0.0.1/api/logonSessions/s${n}"><SessionId>s${n}</SessionId><UserName>admin</UserName></LogonSession>`;
const UNAUTHORIZED = `<Error xmlns="${NS}" Message="Unauthorized: the session has expired or does not exist" StatusCode="401" />`;

describe("client: session renewal when EM keeps forgetting sessions (raw loopback server)", () => {
  let server: http.Server;
  let url: string;
  /** How many of the next requests with a session are answered 401. */
  let refuseNext = 0;
  /** Tokens EM has forgotten: every request that carries one is answered 401. */
  const forgotten = new Set<string>();
  let logons = 0;
  const seen: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.method === "POST" && /sessionMngr/.test(req.url ?? "")) {
        logons += 1;
        res.writeHead(201, { "Content-Type": "application/xml", "X-RestSvcSessionId": `token-${logons}` });
        return res.end(logonBody(logons));
      }
      seen.push(`${req.method} ${req.url} ${String(req.headers["x-restsvcsessionid"])}`);
      req.resume();
      if (refuseNext > 0 || forgotten.has(String(req.headers["x-restsvcsessionid"]))) {
        if (refuseNext > 0) refuseNext -= 1;
        res.writeHead(401, { "Content-Type": "application/xml" });
        return res.end(UNAUTHORIZED);
      }
      res.writeHead(204);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  });
  // The clients' kept-alive connections end with the server (their idle age runs on a clock that never moves).
  after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  beforeEach(() => {
    refuseNext = 0;
    forgotten.clear();
    logons = 0;
    seen.length = 0;
  });

  const client = () => new EmClient({ url, credentials: { kind: "admin", username: "admin", password: "s3cret-admin" }, requestTimeoutMs: 2000 }, { clock: new VirtualClock() });

  it("renews and repeats a POST each time EM refuses the renewed session again (3 times in a row)", async () => {
    const c = client();
    await c.logon();
    refuseNext = 3;
    await c.toggleAllowRestoreAllVms("9a0d4a2e-7bd5-4cb5-a2d4-4d8a1b1f0c11");
    expect(logons).to.equal(4);
    // Every attempt went with the token of the newest logon; the last one was answered.
    expect(seen).to.deep.equal([1, 2, 3, 4].map((n) => `POST /api/security/accounts/9a0d4a2e-7bd5-4cb5-a2d4-4d8a1b1f0c11 token-${n}`));
  });

  it("shares one renewal among concurrent requests that saw the same forgotten session", async () => {
    const c = client();
    await c.logon();
    // EM forgot the session: all 8 requests carry its token, however the connections send them.
    forgotten.add("token-1");
    await Promise.all(Array.from({ length: 8 }, () => c.request({ method: "DELETE", path: "/security/accounts/9a0d4a2e-7bd5-4cb5-a2d4-4d8a1b1f0c11/roles/r1", expect: [204] })));
    expect(logons).to.equal(2);
    expect(seen.filter((s) => s.endsWith("token-2"))).to.have.length(8);
  });

  it("stops after a bounded number of renewals with an error that says EM did not act and what to do", async () => {
    const c = client();
    await c.logon();
    refuseNext = 1000;
    const err = await c.toggleAllowRestoreAllVms("9a0d4a2e-7bd5-4cb5-a2d4-4d8a1b1f0c11").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmApiError);
    expect((err as EmApiError).status).to.equal(401);
    expect((err as Error).message).to.match(/EM did not act on this request\. Run 'pulumi up' again/);
    expect((err as Error).message).not.to.contain("s3cret-admin");
    expect(logons).to.equal(1 + MAX_SESSION_RENEWALS);
    expect(seen).to.have.length(1 + MAX_SESSION_RENEWALS);
  });
});
