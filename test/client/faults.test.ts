import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { createSelfSignedCertificate } from "../../emulator/tls";
import { EmApiError, EmClient, EmTaskFailedError, EmTaskLostError, outcomeUnknown } from "../../provider/client";
import { VirtualClock } from "../support/virtual-clock";
import { ABC_RESOURCE_ID, ABC_TENANT_ID, clientFor, clockOf, count, emulator } from "./helpers";

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as Error,
  );
}

/** Both serializations a log or a crash report would use. */
function serialized(err: unknown): string {
  return inspect(err, { depth: 10, showHidden: true }) + "\n" + JSON.stringify(err) + "\n" + String(err) + "\n" + (err as Error).stack;
}

describe("client: retries, TLS and error messages (emulator)", () => {
  let em: Emulator;
  afterEach(async () => {
    await em?.stop();
  });

  it("retries GETs through injected 503/429 and connection resets, counting the requests", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 0, seed: 7 } });
    const client = clientFor(em, { retry: { retries: 10, minDelayMs: 1, maxDelayMs: 5 } });
    await client.logon();
    em.faults.update({ throttleRate: 0.3, resetRate: 0.3 });
    for (let i = 0; i < 5; i++) expect((await client.listRoles()).length).to.be.greaterThan(0);
    const roles = em.requests.filter((r) => r.url === "/api/security/roles");
    const failed = roles.filter((r) => r.status !== 200);
    expect(failed.length).to.be.greaterThan(0, "the seed injects some faults");
    expect(failed.every((r) => r.status === 429 || r.status === "reset")).to.equal(true);
    expect(roles.filter((r) => r.status === 200)).to.have.length(5);
    expect(roles).to.have.length(5 + failed.length, "each fault cost exactly one repeat");
  });

  it("honours Retry-After on 429 before repeating a GET", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 1 } });
    const clock = clockOf(em);
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } }, { onProgress: (m) => /retrying/.test(m) && em.faults.update({ throttleRate: 0 }) });
    await client.logon();
    em.faults.update({ throttleRate: 1 });
    await client.listRoles();
    expect(clock.waits, "EM's Retry-After: 1, not the 1–2 ms backoff").to.deep.equal([1000]);
    expect(em.requests.filter((r) => r.url === "/api/security/roles").map((r) => r.status)).to.deep.equal([429, 200]);
  });

  it("repeats a GET after 500 and 503 (EM did not take it, or took it and a GET is harmless to repeat)", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 0, seed: 11 } });
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } }, { onProgress: (m) => /retrying/.test(m) && em.faults.update({ serverErrorRate: 0 }) });
    await client.logon();
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 2; i++) {
      em.faults.update({ serverErrorRate: 1 });
      const before = em.requests.length;
      expect((await client.listRoles()).length).to.be.greaterThan(0);
      const statuses = em.requests.slice(before).map((r) => r.status);
      expect(statuses).to.have.length(2);
      expect(statuses[1]).to.equal(200);
      seen.add(String(statuses[0]));
    }
    expect([...seen].sort()).to.deep.equal(["500", "503"]);
  });

  it("repeats a logon EM answered 500 or 503 (repeating a logon at worst leaves a session for EM to expire)", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 0, serverErrorRate: 1, onlyMethods: ["POST"] } });
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } }, { onProgress: (m) => /retrying/.test(m) && em.faults.update({ serverErrorRate: 0 }) });
    await client.logon();
    const statuses = em.requests.filter((r) => r.url.startsWith("/api/sessionMngr")).map((r) => r.status);
    expect(statuses).to.have.length(2);
    expect([500, 503]).to.include(statuses[0]);
    expect(statuses[1]).to.equal(201);
  });

  it("never repeats a POST that may have reached EM (reset, lost answer)", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 0 } });
    const client = clientFor(em);
    await client.logon();
    for (const fault of [{ resetRate: 1 }, { lostResponseRate: 1 }]) {
      em.faults.reset();
      em.faults.update({ retryAfterSeconds: 0, ...fault });
      const before = count(em, "POST", /\/subtenants$/);
      const err = await rejection(client.createSubtenant(ABC_TENANT_ID, { name: `p-${Object.keys(fault)[0]}`, password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true }));
      expect(err).to.be.instanceOf(EmApiError);
      expect(count(em, "POST", /\/subtenants$/) - before).to.equal(1, `one POST under ${JSON.stringify(fault)}`);
      if ((err as EmApiError).kind === "network") expect(err.message).to.match(/may have reached EM, so it was not repeated/);
    }
  });

  it("repeats a POST that EM answered 429 or 503 (it did not take it), after Retry-After", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 1 } });
    let retries = 0;
    const clock = clockOf(em);
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } }, { onProgress: (m) => /retrying/.test(m) && ++retries && em.faults.update({ throttleRate: 0, serverErrorRate: 0 }) });
    await client.logon();
    em.faults.update({ throttleRate: 1, onlyMethods: ["POST"] });
    const before = clock.waits.length;
    await client.createSubtenant(ABC_TENANT_ID, { name: "p-throttled", password: "pw123456", tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true });
    // The POST's one retry waited EM's Retry-After; every wait after it is a poll of the (50 ms) task.
    const [retryWait, ...pollWaits] = clock.waits.slice(before);
    expect(retryWait, "waited for Retry-After: 1").to.equal(1000);
    expect(pollWaits.every((ms) => ms <= 40), `then only the task's polls (at most 40 ms): ${pollWaits.join(", ")}`).to.equal(true);
    expect(em.requests.filter((r) => r.method === "POST" && /\/subtenants$/.test(r.url)).map((r) => r.status)).to.deep.equal([429, 202]);
    expect((await client.listSubtenants({ name: "p-throttled" })).length).to.equal(1);
  });

  it("refuses EM's self-signed certificate by default with a TLS hint; trusts it with caCertPath or insecureSkipTlsVerify", async () => {
    const cert = await createSelfSignedCertificate();
    em = await emulator({ tls: { cert: cert.cert, key: cert.key } });
    expect(em.url).to.match(/^https:/);
    const strict = clientFor(em);
    const err = (await rejection(strict.listRoles())) as EmApiError;
    expect(err.kind).to.equal("tls");
    expect(err.message).to.match(/caCertPath/).and.to.match(/insecureSkipTlsVerify/);
    expect(count(em, "POST", /sessionMngr/)).to.equal(0, "TLS failed before any request");

    const trusted = clientFor(em, { caCertPath: cert.certPath });
    expect((await trusted.listRoles()).length).to.be.greaterThan(0);

    const warnings: string[] = [];
    const insecure = clientFor(em, { insecureSkipTlsVerify: true }, { onWarning: (w) => warnings.push(w) });
    await insecure.listRoles();
    await insecure.listTenants();
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/verification is OFF/);
    await insecure.close();
    await trusted.close();
  });

  it("explains an unreachable EM and a URL that is not EM's API", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const down = new EmClient({ url: `http://127.0.0.1:${port}`, credentials: { kind: "admin", username: "admin", password: "admin" }, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } }, { clock: new VirtualClock() });
    const e1 = (await rejection(down.listRoles())) as EmApiError;
    expect(e1.kind).to.equal("network");
    expect(e1.code).to.equal("ECONNREFUSED");
    expect(e1.message).to.match(/not reachable at http:\/\/127\.0\.0\.1:\d+.*9398/);

    em = await emulator();
    const wrong = new EmClient({ url: em.url.replace(/\/api\/$/, "/em/api/"), credentials: { kind: "admin", username: "admin", password: "admin" } }, { clock: clockOf(em) });
    const e2 = (await rejection(wrong.listRoles())) as EmApiError;
    expect(e2.status).to.equal(404);
    expect(e2.message).to.match(/ending in \/api\//);
  });

  it("turns an HTML page from a proxy into a clear error", async () => {
    const proxy = http.createServer((req, res) => {
      if (req.url?.includes("sessionMngr")) {
        res.writeHead(201, { "Content-Type": "text/html", "X-RestSvcSessionId": "dG9rZW4=" });
        res.end("<html><head><title>Corporate proxy login</title></head><body><p>Sign in</body></html>");
      } else {
        res.writeHead(502, { "Content-Type": "text/html" });
        res.end("<html><head><title>502 Bad Gateway</title></head></html>");
      }
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const client = new EmClient({ url: `http://127.0.0.1:${port}/api/`, credentials: { kind: "admin", username: "admin", password: "admin" } }, { clock: new VirtualClock() });
      const err = (await rejection(client.listRoles())) as EmApiError;
      expect(err).to.be.instanceOf(EmApiError);
      expect(err.kind).to.equal("parse");
      expect(err.message).to.match(/not EM XML or JSON/);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it("never puts a password, an Authorization value or a session token in errors", async () => {
    const password = "Sup3r-Secret-Pa55";
    em = await emulator({ adminPassword: password });
    // Wrong password: the attempted password must not leak either.
    const bad = new EmClient({ url: em.url, credentials: { kind: "admin", username: "admin", password: "Wr0ng-Secret-Pa55" } }, { clock: clockOf(em) });
    const authErr = await rejection(bad.listRoles());
    const basic = Buffer.from("admin:Wr0ng-Secret-Pa55").toString("base64");
    for (const secret of ["Wr0ng-Secret-Pa55", basic]) expect(serialized(authErr)).not.to.contain(secret);
    expect(serialized(bad)).not.to.contain("Wr0ng-Secret-Pa55");

    const client = clientFor(em, { credentials: { kind: "admin", username: "admin", password } });
    await client.logon();
    const tokens = [...em.store.sessions.values()].filter((s) => !s.pinned).map((s) => s.token);
    expect(tokens).to.have.length(1);
    const errors: unknown[] = [];
    errors.push(await rejection(client.request({ method: "GET", path: "/no/such/thing", expect: [200] })));
    errors.push(await rejection(client.createSubtenant("00000000-0000-0000-0000-000000000000", { name: "x", password, tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true })));
    errors.push(await rejection(client.createSubtenant(ABC_TENANT_ID, { name: password, password, tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: false, quotaMb: 1 })));
    em.faults.update({ resetRate: 1 });
    errors.push(await rejection(client.createSubtenant(ABC_TENANT_ID, { name: "y", password, tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true })));
    em.faults.reset();
    expect(errors[2]).to.be.instanceOf(EmTaskFailedError);
    for (const err of errors) {
      const text = serialized(err);
      for (const secret of [password, Buffer.from(`admin:${password}`).toString("base64"), ...tokens]) expect(text).not.to.contain(secret);
      expect(text).not.to.match(/authorization|x-restsvcsessionid/i);
    }
    expect(serialized(client)).not.to.contain(password);
    expect((errors[0] as EmApiError).message).to.match(/GET \/api\/no\/such\/thing failed: HTTP 404/);
  });
});

describe("client: outcomeUnknown", () => {
  const network = (code: string) => new EmApiError({ kind: "network", method: "POST", path: "/x", code });
  it("is true when the request may have reached EM, false when nothing was sent or EM answered", () => {
    expect(outcomeUnknown(network("ECONNRESET"))).to.equal(true);
    expect(outcomeUnknown(network("ETIMEDOUT"))).to.equal(true);
    expect(outcomeUnknown(new EmTaskLostError("AddCloudSubtenant", "https://em/api/tasks/task-1"))).to.equal(true);
    expect(outcomeUnknown(network("ECONNREFUSED"))).to.equal(false);
    expect(outcomeUnknown(network("ENOTFOUND"))).to.equal(false);
    expect(outcomeUnknown(new EmApiError({ kind: "tls", method: "POST", path: "/x", code: "DEPTH_ZERO_SELF_SIGNED_CERT" }))).to.equal(false);
    expect(outcomeUnknown(new EmApiError({ kind: "http", method: "POST", path: "/x", status: 400 }))).to.equal(false);
  });
});
