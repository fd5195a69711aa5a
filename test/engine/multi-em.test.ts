/**
 * Several EMs in one stack (issue 12.3) and the subtenant's passwordPolicy (issue 12.4), through the SDK's
 * dynamic-provider plugin: the stack config names one emulator ("EM 1"), resources with a `connection` live in a
 * second one ("EM 2") with other admin credentials.
 */
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import type { EmState } from "../../emulator/model";
import { CheckFailedError, Engine, type ResourceState } from "../../tools/engine/engine";
import { MASK, secret } from "../../tools/engine/secrets";
import { accountArgs, accountType, leakedSecrets, logons, SECRETS, SUBTENANT_PASSWORD, SUBTENANT_PASSWORD_2, subtenantArgs, subtenantType, TENANT, useStack } from "./support";

/** EM 2's administrator: another user and password than the stack config's. */
const EM2_USER = "site2-admin";
const EM2_PASSWORD = "Em2-Adm1n-S3cret-5582";
const ALL_SECRETS = [...SECRETS, EM2_PASSWORD];

/** Every place a state holds a secret under a key that is not secret-marked. */
function secretsOutsideSecretKeys(states: ResourceState[]): string[] {
  const found: string[] = [];
  for (const s of states)
    for (const [where, bag] of [["inputs", s.inputs], ["outputs", s.outputs]] as const)
      for (const [key, value] of Object.entries(bag)) {
        if (s.secretKeys.includes(key)) continue;
        for (const leaked of leakedSecrets(JSON.stringify(value), ALL_SECRETS)) found.push(`${s.name}.${where}.${key} holds ${leaked}`);
      }
  return found;
}

describe("engine protocol: several EMs in one stack (resource connection)", function () {
  this.timeout(30_000);
  const stack = useStack("xml");
  let em2: Emulator;
  let seed2: EmState;

  before(async () => {
    em2 = await startEmulator({ port: 0, taskDurationMs: 20, adminUser: EM2_USER, adminPassword: EM2_PASSWORD });
    seed2 = structuredClone(em2.store.state);
  });
  beforeEach(() => {
    em2.store.state = structuredClone(seed2);
  });
  after(async () => {
    await em2?.stop();
  });

  /** The connection to EM 2, as a program passes it: wholly secret (the resource class wraps it so). */
  const em2Connection = (overrides: Record<string, unknown> = {}) => secret({ url: em2.url, username: EM2_USER, password: EM2_PASSWORD, format: "json", ...overrides });
  const subsIn = (em: Emulator) => em.store.state.subtenants.filter((s) => s.tenantId === TENANT.id).map((s) => s.name);

  it("resources of each EM are made in their own EM, each with its own logon; the connection stays secret everywhere", async () => {
    const site1 = await stack.engine.register(subtenantType(stack), "site1", subtenantArgs(stack, { name: "sub-site1" }));
    const site2 = await stack.engine.register(subtenantType(stack), "site2", subtenantArgs(stack, { name: "sub-site2", connection: em2Connection() }));
    const alice2 = await stack.engine.register(accountType(stack), "alice2", accountArgs(stack, { connection: em2Connection() }));

    expect(subsIn(stack.em)).to.include("sub-site1").and.not.include("sub-site2");
    expect(subsIn(em2)).to.include("sub-site2").and.not.include("sub-site1");
    expect(em2.store.state.accounts.map((a) => a.name)).to.include("TECH\\alice");
    expect(stack.em.store.state.accounts.map((a) => a.name)).to.not.include("TECH\\alice");
    expect(logons(em2.requests), "EM 2 saw one logon, with its own administrator").to.have.length(1);
    expect(em2.requests.filter((r) => /\/cloud\/|\/security\//.test(r.url)).length).to.be.greaterThan(0);

    // The connection is kept (read and delete need it), secret as a whole; __provider carries none of it.
    expect(site2.state.secretKeys).to.include.members(["password", "connection"]);
    expect(alice2.state.secretKeys).to.deep.equal(["connection"]);
    expect((site2.state.outputs.connection as { password: string }).password).to.equal(EM2_PASSWORD);
    expect(site2.state.outputs.__provider).to.equal(stack.texts.Subtenant);
    expect(site1.state.outputs).to.not.have.property("connection");
    const raw = stack.engine.rawView();
    expect(secretsOutsideSecretKeys(raw)).to.deep.equal([]);
    const dump = stack.engine.plainTextDump();
    expect(leakedSecrets(dump, ALL_SECRETS)).to.deep.equal([]);
    expect(JSON.parse(dump).find((s: { urn: string }) => s.urn === site2.state.urn).outputs.connection).to.equal(MASK);
    expect(leakedSecrets(stack.harness.plugin.output(), ALL_SECRETS), "the plugin's stdout and stderr").to.deep.equal([]);

    // Refresh and destroy reach each object in its own EM, with the stored connection.
    expect((await stack.engine.refresh(site2.state.urn)).op).to.equal("refreshed");
    expect((await stack.engine.refresh(alice2.state.urn)).op).to.equal("refreshed");
    await stack.engine.destroy(site2.state.urn);
    await stack.engine.destroy(alice2.state.urn);
    expect(subsIn(em2)).to.not.include("sub-site2");
    expect(em2.store.state.accounts.map((a) => a.name)).to.not.include("TECH\\alice");
    expect(subsIn(stack.em), "EM 1's subtenant is untouched").to.include("sub-site1");
  });

  it("a changed password, format or timeout of the connection is no change: no diff, no request to either EM", async () => {
    await stack.engine.register(subtenantType(stack), "site2", subtenantArgs(stack, { name: "sub-site2", connection: em2Connection() }));
    const [before1, before2] = [stack.em.requests.length, em2.requests.length];
    const again = await stack.engine.register(
      subtenantType(stack),
      "site2",
      subtenantArgs(stack, { name: "sub-site2", connection: em2Connection({ password: "Another-Pw-1", format: "xml", requestTimeoutSeconds: 30, url: em2.url.replace(/\/$/, "") }) }),
    );
    expect(again.op).to.equal("same");
    expect(again.diff?.changes).to.equal("none");
    expect(stack.em.requests.length - before1).to.equal(0);
    expect(em2.requests.length - before2).to.equal(0);
  });

  it("another url is never a replacement: the update finds the subtenant missing at the new url, fails and changes nothing in either EM", async () => {
    const first = await stack.engine.register(subtenantType(stack), "moving", subtenantArgs(stack, { name: "sub-moving", connection: em2Connection() }));
    const writesBefore = [stack.em, em2].map((em) => em.requests.filter((r) => r.method !== "GET" && !r.url.includes("sessionMngr")).length);
    const error = await stack.engine
      .register(subtenantType(stack), "moving", subtenantArgs(stack, { name: "sub-moving", connection: secret({ url: stack.em.url, username: "admin", password: stack.harness.config["veeam-em:password"] }) }))
      .then(
        () => expect.fail("the update should fail: EM 1 does not hold EM 2's subtenant"),
        (e: unknown) => e as Error,
      );
    expect(error.message).to.include(`(id ${first.state.id}) is not in the EM at ${stack.em.url}`).and.to.include("objects cannot move between EMs. Nothing was changed.");
    const rpcs = stack.engine.rpcs.map((r) => r.rpc);
    expect(rpcs.slice(rpcs.lastIndexOf("Diff") + 1), "an update, not a create and a delete").to.deep.equal(["Update"]);
    expect(subsIn(em2), "the object stays where it is").to.include("sub-moving");
    expect(subsIn(stack.em)).to.not.include("sub-moving");
    const writesAfter = [stack.em, em2].map((em) => em.requests.filter((r) => r.method !== "GET" && !r.url.includes("sessionMngr")).length);
    expect(writesAfter, "no write to either EM").to.deep.equal(writesBefore);
  });

  it("a url naming the same EM under another address updates in place, without a new object", async () => {
    const first = await stack.engine.register(subtenantType(stack), "readdressed", subtenantArgs(stack, { name: "sub-readdressed", connection: em2Connection() }));
    const moved = await stack.engine.register(
      subtenantType(stack),
      "readdressed",
      subtenantArgs(stack, { name: "sub-readdressed", description: "reached by name", connection: em2Connection({ url: em2.url.replace("127.0.0.1", "localhost") }) }),
    );
    expect(moved.op).to.equal("update");
    expect(moved.diff?.replaces ?? []).to.deep.equal([]);
    expect(moved.state.id).to.equal(first.state.id);
    expect(em2.store.state.subtenants.filter((s) => s.name === "sub-readdressed").map((s) => s.description)).to.deep.equal(["reached by name"]);
  });

  it("check refuses a bad connection by the same rules as the stack config, naming connection.<member>, never echoing the password", async () => {
    const refused = (connection: Record<string, unknown>) =>
      stack.engine.register(subtenantType(stack), "bad", subtenantArgs(stack, { connection: secret(connection) })).then(
        () => expect.fail("check should refuse the connection"),
        (e: unknown) => {
          expect(e).to.be.instanceOf(CheckFailedError);
          return (e as CheckFailedError).failures;
        },
      );
    const base = { url: em2.url, username: EM2_USER, password: EM2_PASSWORD };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...base, url: "ftp://em2.example.com/api/" }, "connection.url", /scheme 'ftp' is not supported/],
      [{ ...base, url: "http://em2.example.com:9398/api/" }, "connection.url", /unencrypted.*allowInsecureHttp/],
      [{ ...base, password: undefined }, "connection.password", /connection\.password is required/],
      [{ ...base, requestTimeoutSeconds: 7200 }, "connection.requestTimeoutSeconds", /at most 3600/],
      [{ ...base, caCertPath: "/nonexistent/ca.pem" }, "connection.caCertPath", /cannot read/],
      [{ ...base, format: "yaml" }, "connection.format", /one of xml, json/],
      [{ ...base, apiVersion: "2" }, "connection.apiVersion", /latest/],
      [{ ...base, tenantName: "ABC" }, "connection.tenantName", /not an argument/],
    ];
    for (const [connection, property, reason] of cases) {
      const failures = await refused(connection);
      expect(failures.map((f) => f.property), JSON.stringify(connection)).to.include(property);
      const failure = failures.find((f) => f.property === property)!;
      expect(failure.reason).to.match(reason);
      expect(leakedSecrets(failure.reason, ALL_SECRETS)).to.deep.equal([]);
    }
    expect(subsIn(em2)).to.not.include("sub-finance");
  });
});

describe("engine protocol: Subtenant passwordPolicy", function () {
  this.timeout(20_000);
  const stack = useStack("xml");
  const inEm = (id: string) => stack.em.store.state.subtenants.find((s) => s.id === id)!;
  const editsOf = (id: string) => stack.em.requests.slice(stack.mark).filter((r) => r.method === "PUT" && r.url.includes(id));

  it("initial: the password is set at create; a password the tenant changed stays, a changed declared one is no diff", async () => {
    const created = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy: "initial" }));
    expect(inEm(created.state.id).password).to.equal(SUBTENANT_PASSWORD);
    expect(created.state.outputs.passwordPolicy).to.equal("initial");

    inEm(created.state.id).password = "Changed-By-Tenant-1";
    const same = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy: "initial", password: secret(SUBTENANT_PASSWORD_2) }));
    expect(same.op).to.equal("same");
    expect(same.diff?.changes).to.equal("none");

    // An update for another reason does not send the password either.
    const updated = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy: "initial", password: secret(SUBTENANT_PASSWORD_2), description: "changed" }));
    expect(updated.op).to.equal("update");
    expect(inEm(created.state.id).description).to.equal("changed");
    expect(inEm(created.state.id).password, "the tenant's own password is left alone").to.equal("Changed-By-Tenant-1");
    expect(editsOf(created.state.id)).to.have.length(1);
  });

  for (const passwordPolicy of ["always", "initial"]) {
    it(`${passwordPolicy}: adopting a subtenant that matches the declaration keeps EM's password and sends no edit`, async () => {
      // Made by someone else (another stack), with another password.
      const other = new Engine(stack.harness.plugin, "veeam-em-test", "other");
      const existing = await other.register(subtenantType(stack), "fin", subtenantArgs(stack, { password: secret(SUBTENANT_PASSWORD_2) }));
      expect(inEm(existing.state.id).password).to.equal(SUBTENANT_PASSWORD_2);
      stack.mark = stack.em.requests.length;
      const adopted = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy, adopt: true }));
      expect(adopted.state.id).to.equal(existing.state.id);
      expect(inEm(existing.state.id).password).to.equal(SUBTENANT_PASSWORD_2);
      expect(editsOf(existing.state.id)).to.deep.equal([]);
      // A later change of the declared password is sent under "always" only.
      const changed = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy, adopt: true, password: secret("Declared-Later-3") }));
      expect(changed.op).to.equal(passwordPolicy === "always" ? "update" : "same");
      expect(inEm(existing.state.id).password).to.equal(passwordPolicy === "always" ? "Declared-Later-3" : SUBTENANT_PASSWORD_2);
    });
  }

  it("initial: an adoption whose edit failed is finished by the next up, and the password stays EM's", async () => {
    const other = new Engine(stack.harness.plugin, "veeam-em-test", "other");
    const existing = await other.register(subtenantType(stack), "fin", subtenantArgs(stack, { password: secret(SUBTENANT_PASSWORD_2) }));
    stack.em.faults.update({ taskFailureRate: 1, onlyMethods: ["PUT"] });
    // Another description than EM's: adopting edits it.
    const failed = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy: "initial", adopt: true, description: "adopted" })).catch((e: unknown) => e);
    stack.em.faults.reset();
    expect(failed).to.be.instanceOf(Error);
    expect(inEm(existing.state.id).description, "the failed edit set nothing").to.not.equal("adopted");
    const finished = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy: "initial", adopt: true, description: "adopted" }));
    expect(finished.op).to.equal("update");
    expect(inEm(existing.state.id).description).to.equal("adopted");
    expect(inEm(existing.state.id).password).to.equal(SUBTENANT_PASSWORD_2);
  });

  it("always (the default): a changed declared password is sent, overwriting the tenant's", async () => {
    const created = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack));
    expect(created.state.inputs.passwordPolicy).to.equal("always");
    inEm(created.state.id).password = "Changed-By-Tenant-1";
    const updated = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { password: secret(SUBTENANT_PASSWORD_2) }));
    expect(updated.op).to.equal("update");
    expect(inEm(created.state.id).password).to.equal(SUBTENANT_PASSWORD_2);
  });

  it("refuses a policy it does not know, naming the allowed ones", async () => {
    const err = await stack.engine.register(subtenantType(stack), "fin", subtenantArgs(stack, { passwordPolicy: "once" })).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CheckFailedError);
    expect((err as CheckFailedError).failures).to.deep.include({ property: "passwordPolicy", reason: "passwordPolicy must be one of always, initial; got 'once'" });
  });
});
