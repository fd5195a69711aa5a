import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmApiError, EmClient } from "../../provider/client";
import { ADMIN, clientFor, clockOf, count, emulator } from "./helpers";

describe("client: logon and sessions (emulator)", () => {
  let em: Emulator;
  beforeEach(async () => {
    em = await emulator();
  });
  afterEach(async () => {
    await em.stop();
  });

  it("logs on as admin with HTTP Basic, once, and sends the token on later requests", async () => {
    const client = clientFor(em);
    const tenants = await client.listTenants();
    expect(tenants.map((t) => t.name)).to.include("ABC Company");
    const abc = tenants.find((t) => t.name === "ABC Company")!;
    expect(abc).to.deep.include({ id: "28ddf9b9-12fa-431a-a34c-a327f05c3920", type: "Standalone", enabled: true });
    expect(abc.resources.map((r) => r.id)).to.deep.equal(["11c59670-23df-448c-a4b3-74c42669633e"]);
    expect(await client.getTenant(abc.id)).to.deep.equal(abc);
    expect(await client.getTenant("00000000-0000-0000-0000-000000000000")).to.equal(undefined);
    await client.listRoles();
    expect(count(em, "POST", /^\/api\/sessionMngr\/\?v=latest$/)).to.equal(1);
    expect(em.requests.filter((r) => r.status === 404).map((r) => r.url)).to.deep.equal(["/api/cloud/tenants/00000000-0000-0000-0000-000000000000?format=Entity"]);
    expect(em.requests.filter((r) => r.status === 401)).to.deep.equal([]);
    expect(client.logonCount).to.equal(1);
  });

  for (const format of ["xml", "json"] as const) {
    it(`logs on as a standalone tenant and as a vCD organization user (${format})`, async () => {
      const tenant = new EmClient({ url: em.url, format, credentials: { kind: "tenant", tenantName: "ABC Company", password: "P@ssw0rd" } }, { clock: clockOf(em) });
      const res = await tenant.request({ method: "GET", path: "/cloud", expect: [200] });
      expect(res.status).to.equal(200);
      const vcd = new EmClient({ url: em.url, format, credentials: { kind: "vcd", organization: "vCDOrg1", login: "user01", password: "Qwe123" } }, { clock: clockOf(em) });
      await vcd.logon();
      expect(count(em, "POST", /^\/api\/sessionMngr\//)).to.equal(2);
      expect(em.requests.filter((r) => r.url.startsWith("/api/sessionMngr")).map((r) => r.status)).to.deep.equal([201, 201]);
      await tenant.close();
      await vcd.close();
    });
  }

  it("shares one logon among 20 concurrent first requests", async () => {
    const client = clientFor(em);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.listRoles()));
    expect(results.every((r) => r.length > 0)).to.equal(true);
    expect(count(em, "POST", /^\/api\/sessionMngr\//)).to.equal(1);
    expect(count(em, "GET", /^\/api\/security\/roles$/)).to.equal(20);
  });

  it("logs on again once when the session expired, and repeats the request once", async () => {
    await em.stop();
    em = await emulator({ sessionIdleTimeoutMs: 100 });
    const client = clientFor(em);
    await client.listRoles();
    // The session idles past EM's 100 ms on the one clock.
    clockOf(em).advance(250);
    const roles = await Promise.all([client.listRoles(), client.listRoles(), client.listRoles()]);
    expect(roles[0].length).to.be.greaterThan(0);
    expect(count(em, "POST", /^\/api\/sessionMngr\//)).to.equal(2);
    const gets = em.requests.filter((r) => r.method === "GET" && r.url === "/api/security/roles").map((r) => r.status);
    expect(gets).to.deep.equal([200, 401, 401, 401, 200, 200, 200]);
  });

  it("logs out with DELETE of the LogonSession's Delete link, and tolerates a session already gone", async () => {
    const client = clientFor(em);
    const seeded = em.store.sessions.size;
    await client.logon();
    expect(em.store.sessions.size).to.equal(seeded + 1);
    await client.close();
    expect(em.store.sessions.size).to.equal(seeded);
    const del = em.requests.filter((r) => r.method === "DELETE");
    expect(del).to.have.length(1);
    expect(del[0].url).to.match(/^\/api\/logonSessions\/[0-9a-f-]{36}$/);
    expect(del[0].status).to.equal(204);
    await client.close(); // nothing to log out
    await client.logon();
    em.store.sessions.clear();
    await client.close(); // EM forgot it: 401/404 tolerated
    expect(em.requests.filter((r) => r.method === "DELETE")).to.have.length(2);
  });

  it("logs out with a single attempt, so an unreachable EM does not hold the run up with retries", async () => {
    const client = clientFor(em);
    await client.logon();
    em.faults.update({ resetRate: 1, onlyMethods: ["DELETE"] });
    let error: unknown;
    await client.close().catch((e) => (error = e));
    expect(error).to.be.instanceOf(EmApiError);
    expect(em.requests.filter((r) => r.method === "DELETE").map((r) => r.status)).to.deep.equal(["reset"]);
  });

  it("refuses wrong credentials with an auth error and a hint", async () => {
    const client = new EmClient({ url: em.url, credentials: { ...ADMIN, password: "wrong-Pa55word" } }, { clock: clockOf(em) });
    const err = await client.listRoles().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(EmApiError);
    const e = err as EmApiError;
    expect(e.kind).to.equal("auth");
    expect(e.status).to.equal(401);
    expect(e.message).to.match(/user name and password/);
    expect(count(em, "POST", /^\/api\/sessionMngr\//)).to.equal(1);
  });
});
