/**
 * Issue 9, defects 1-3 and 6, driven the way the engine drives the providers: no step is retried, a failed create
 * leaves nothing in state unless its error carries an id, and the user simply runs `up` again.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient } from "../../provider/client";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs } from "../../provider/resources/account/inputs";
import { ClientPool, connectionSettings } from "../../provider/resources/connection";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs, SubtenantOutputs } from "../../provider/resources/subtenant/inputs";
import { afterSubtenantPostTaken } from "../support/emulator-events";
import { ABC, ABC_RESOURCE, EM_PASSWORD, emulatorFor, onVirtualClock, poolOn, proxyTo } from "./support";
import { forgetSessionsAtFirstSleep } from "../support/sessions";
import { clockOf, VirtualClock } from "../support/virtual-clock";

const subtenant = (name: string, overrides: Partial<SubtenantInputs> = {}): SubtenantInputs =>
  ({ tenantName: "ABC Company", name, password: "Subtenant-Pass-1", description: "", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false, ...overrides }) as SubtenantInputs;

/** One stack's provider, with its own client pool (its own EM session), as a separate `pulumi up` would have. */
function stack(env: NodeJS.ProcessEnv, clock: VirtualClock) {
  const pool = poolOn(clock);
  return { provider: new SubtenantProvider({ env, pool }), logon: () => pool.get(connectionSettings(undefined, env)).logon() };
}

const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error }));
const subtenantsNamed = (em: Emulator, name: string) => em.store.state.subtenants.filter((s) => s.tenantId === ABC && s.name.toLowerCase() === name.toLowerCase());


describe("safety: never delete or take what the stack did not create (issue 9, defect 1)", () => {
  let em: Emulator;
  let env: NodeJS.ProcessEnv;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = new VirtualClock();
    ({ em, env } = await emulatorFor("xml", { taskDurationMs: 60, clock }));
  });
  afterEach(() => em.stop());

  for (const [what, second] of [
    ["the same name", (n: string) => n],
    ["names differing only in case", (n: string) => n.toUpperCase()],
  ] as const) {
    it(`two stacks creating ${what} at once: the loser reports it and the winner's subtenant stays (5 tries)`, async () => {
      for (let i = 0; i < 5; i++) {
        const name = `race-${what.length}-${i}`;
        const [a, b] = [stack(env, clock), stack(env, clock)];
        await Promise.all([a.logon(), b.logon()]);
        const results = await Promise.all([settle(a.provider.create(subtenant(name))), settle(b.provider.create(subtenant(second(name))))]);
        em.store.finishAllTasks();
        const won = results.filter((r): r is { value: { id: string } } => "value" in r);
        const lost = results.filter((r): r is { error: Error } => "error" in r);
        expect(won, JSON.stringify(lost.map((l) => l.error.message))).to.have.length(1);
        expect(lost).to.have.length(1);
        expect(lost[0].error.message).to.match(/already has a subtenant named|left untouched/);
        expect(lost[0].error).not.to.have.property("id");
        expect(subtenantsNamed(em, name).map((s) => s.id)).to.deep.equal([won[0].value.id], "the winner's subtenant is still there, alone");
      }
      expect(em.requests.filter((r) => r.method === "DELETE" && /subtenants/.test(r.url))).to.deep.equal([], "no delete was ever sent");
    });
  }

  it("a lost create answer with a slow task, then an immediate re-run: the first run's subtenant is neither deleted nor taken", async () => {
    await em.stop();
    ({ em, env } = await emulatorFor("xml", { taskDurationMs: 500, clock }));
    const first = stack({ ...env, VEEAM_EM_TASK_TIMEOUT_SECONDS: "0.15" }, clock);
    const rerun = stack(env, clock);
    await Promise.all([first.logon(), rerun.logon()]);

    em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
    const started = clock.now();
    const firstRun = await settle(first.provider.create(subtenant("slow-1")));
    const waited = clock.now() - started;
    em.faults.reset();
    expect(firstRun).to.have.property("error");
    const firstError = (firstRun as { error: Error }).error;
    expect(firstError.message).to.match(/outcome of creating subtenant 'slow-1' is unknown.*EM was left as it is/);
    expect(firstError.message).to.match(/set adopt: true/);
    // On the clock EM and the client share: the client gave up at its 150 ms task deadline, not a fixed 120 s.
    expect(waited, "waited until the task deadline setting").to.be.within(150, 499);
    expect([...em.store.tasks.values()].map((t) => t.state)).to.deep.equal(["Running"], "EM's task still runs");

    // The user runs `pulumi up` again at once: EM's first task is still running.
    const second = await settle(rerun.provider.create(subtenant("slow-1")));
    em.store.finishAllTasks();
    expect(second).to.have.property("error");
    expect((second as { error: Error }).error.message).to.match(/already has a subtenant named 'slow-1'|left untouched/);
    const left = subtenantsNamed(em, "slow-1");
    expect(left).to.have.length(1, "the first run's subtenant is still there");
    expect(em.requests.filter((r) => r.method === "DELETE" && /subtenants/.test(r.url))).to.deep.equal([]);

    // A third run finds it and refuses to take it without adopt: nothing is changed.
    const writesBefore = em.requests.filter((r) => r.method === "PUT").length;
    const third = await settle(rerun.provider.create(subtenant("slow-1")));
    expect((third as { error: Error }).error.message).to.match(/already has a subtenant named 'slow-1' \(id [0-9a-f-]+\)\. It was left untouched\. Set adopt: true/);
    expect(em.requests.filter((r) => r.method === "PUT").length).to.equal(writesBefore);
  });

  it("a lost create answer: the create waits for the task and ends with the new subtenant's id", async () => {
    const run = stack(env, clock);
    await run.logon();
    em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
    const result = await run.provider.create(subtenant("lost-then-found", { description: "mine" }));
    em.faults.reset();
    expect(subtenantsNamed(em, "lost-then-found").map((s) => s.id)).to.deep.equal([result.id]);
    expect((result.outs as SubtenantOutputs).description).to.equal("mine");
  });

  it("a create whose connection broke before EM took it: EM's task list shows no such task, so it is sent again at once", async () => {
    let resentAfterMs: number | undefined;
    const pool = new ClientPool((m) => {
      if (!/sending it again/.test(m)) return;
      resentAfterMs = clock.now() - started;
      em.faults.reset();
    }, onVirtualClock(clock));
    const provider = new SubtenantProvider({ env, pool });
    await pool.get(connectionSettings(undefined, env)).logon();
    em.faults.update({ resetRate: 1, onlyMethods: ["POST"] });
    const started = clock.now();
    const result = await provider.create(subtenant("reset-once"));
    expect(resentAfterMs, "sent again at once: no wait for the 600 s task deadline, nor any other").to.equal(0);
    expect(subtenantsNamed(em, "reset-once").map((s) => s.id)).to.deep.equal([result.id]);
    expect(em.requests.filter((r) => r.method === "POST" && /\/subtenants$/.test(r.url)).map((r) => r.status)).to.deep.equal(["reset", 202]);
    expect(em.requests.some((r) => r.method === "GET" && r.url === "/api/tasks")).to.equal(true, "the session's task list was consulted");
  });

  it("a lost create answer whose task failed, and a subtenant of that name that differs from the request: EM's failure reported, nothing touched", async () => {
    const run = stack(env, clock);
    await run.logon();
    // The lost POST's task fails (the name is taken by then), and meanwhile someone else's subtenant of that name appears.
    em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"], taskFailureRate: 1 });
    // Once the POST has reached EM (its answer is lost), the other subtenant appears.
    afterSubtenantPostTaken(em, () =>
      em.store.state.subtenants.push({ id: "0a6bd3f3-0c54-4c8c-8a55-7c4e3e1b0b11", tenantId: ABC, name: "contested", description: "theirs", password: "x", enabled: true, quota: { unlimited: false, displayName: "q", tenantResourceId: ABC_RESOURCE, quotaMb: 2048, usedQuotaMb: 0, quotaId: "q1" } }),
    );
    const outcome = await settle(run.provider.create(subtenant("contested", { description: "ours" })));
    em.faults.reset();
    expect(outcome).to.have.property("error");
    expect((outcome as { error: Error }).error.message).to.match(/Creating subtenant 'contested' .* failed: EM task AddCloudSubtenant failed/);
    expect(subtenantsNamed(em, "contested")).to.have.length(1);
    expect(subtenantsNamed(em, "contested")[0].description).to.equal("theirs");
  });
});

describe("safety: a refresh never drops a resource EM did not say is gone (issue 9, defect 2)", () => {
  let em: Emulator;
  let proxy: Awaited<ReturnType<typeof proxyTo>>;
  afterEach(async () => {
    await proxy.stop();
    await em.stop();
  });

  for (const format of ["xml", "json"] as const) {
    it(`subtenant and account refresh through a proxy that answers 200 pages, {} or Error documents (${format})`, async () => {
      const setup = await emulatorFor(format);
      em = setup.em;
      proxy = await proxyTo(em.url);
      const env = { ...setup.env, VEEAM_EM_URL: proxy.url, VEEAM_EM_REQUEST_TIMEOUT_SECONDS: "2", VEEAM_EM_RETRY_BUDGET_SECONDS: "2" };
      const pool = poolOn(clockOf(em));
      const subtenants = new SubtenantProvider({ env, pool });
      const accounts = new EnterpriseAccountProvider({ env, pool });
      const sub = await subtenants.create(subtenant("refreshed"));
      const acct = await accounts.create({ accountType: "User", accountName: "TECH\\refreshed", roles: ["Portal User"], allowRestoreAllVms: true } as EnterpriseAccountInputs);

      const answers = [
        { status: 200, body: "<html><head><title>Proxy maintenance</title></head><body>back soon</body></html>" },
        { status: 200, body: "{}", type: "application/json" },
        { status: 200, body: `<Error xmlns="http://www.veeam.com/ent/v1.0" Message="Busy" StatusCode="500" />`, type: "application/xml" },
        { status: 200, body: `{"FirstChanceExceptionMessage":null,"Message":"Busy","StackTrace":null,"Status":null,"StatusCode":500}`, type: "application/json" },
        { status: 404, body: "<html><head><title>404 Not Found</title></head><body>nginx</body></html>" },
        { status: 200, body: "" },
      ];
      for (const answer of answers) {
        proxy.set((req) => (req.method === "GET" && !/sessionMngr/.test(req.url ?? "") ? answer : undefined));
        const readSub = await settle(subtenants.read(sub.id, sub.outs as SubtenantOutputs));
        const readAcct = await settle(accounts.read(acct.id, acct.outs as EnterpriseAccountOutputs));
        for (const [what, outcome] of [["subtenant", readSub], ["account", readAcct]] as const) {
          expect(outcome, `${what} refresh with ${answer.status} ${answer.body.slice(0, 40)}`).to.have.property("error");
          expect((outcome as { error: Error }).error.message).to.match(/EM API GET .* failed/);
        }
      }
      proxy.set(undefined);
      expect((await subtenants.read(sub.id, sub.outs as SubtenantOutputs)).id).to.equal(sub.id);
      expect((await accounts.read(acct.id, acct.outs as EnterpriseAccountOutputs)).id).to.equal(acct.id);
      // Gone for real (EM's own 404, or a well-formed query without it): dropped.
      em.store.state.subtenants = em.store.state.subtenants.filter((s) => s.id !== sub.id);
      em.store.state.accounts = em.store.state.accounts.filter((a) => a.id !== acct.id);
      expect(await subtenants.read(sub.id, sub.outs as SubtenantOutputs)).to.deep.equal({});
      expect(await accounts.read(acct.id, acct.outs as EnterpriseAccountOutputs)).to.deep.equal({});
    });
  }
});

describe("safety: an object that exists but whose create cannot finish is recorded (issue 9, defect 3)", () => {
  let em: Emulator;
  let proxy: Awaited<ReturnType<typeof proxyTo>>;
  afterEach(async () => {
    await proxy.stop();
    await em.stop();
  });

  it("an adopted account whose role list cannot be read: an error with id and properties, then update converges it", async () => {
    // A new account needs no read of its roles (EM took the declared ones with the create); adopting one does.
    const setup = await emulatorFor("xml");
    em = setup.em;
    await new EnterpriseAccountProvider({ env: setup.env, pool: poolOn(clockOf(em)) }).create({ accountType: "User", accountName: "TECH\\half-made", roles: ["Portal Administrator"], allowRestoreAllVms: true } as EnterpriseAccountInputs);
    proxy = await proxyTo(em.url);
    const env = { ...setup.env, VEEAM_EM_URL: proxy.url, VEEAM_EM_REQUEST_TIMEOUT_SECONDS: "1", VEEAM_EM_RETRY_BUDGET_SECONDS: "1" };
    const provider = new EnterpriseAccountProvider({ env, pool: poolOn(clockOf(em)) });
    const inputs = { accountType: "User", accountName: "TECH\\half-made", roles: ["Portal User"], allowRestoreAllVms: true, adopt: true, __provider: "serialized-provider" } as unknown as EnterpriseAccountInputs;
    proxy.set((req) => (req.method === "GET" && /\/security\/accounts\/[^/]+\/roles$/.test(req.url ?? "") ? { status: 500, body: "<html><title>Internal error</title></html>" } : undefined));
    const outcome = await settle(provider.create(inputs));
    expect(outcome).to.have.property("error");
    const err = (outcome as { error: Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] } }).error;
    const inEm = em.store.state.accounts.find((a) => a.name === "TECH\\half-made");
    expect(inEm, "EM has the account").to.not.equal(undefined);
    expect(err.id, err.message).to.equal(inEm?.id);
    expect(err.properties).to.deep.include({ accountId: inEm?.id, accountName: "TECH\\half-made", __provider: "serialized-provider" });
    expect(err.reasons?.[0]).to.match(/HTTP 500/);
    expect(err.message).to.match(/exists in EM \(id [0-9a-f-]+\) but could not be finished.*run 'pulumi up' again/);

    // The engine records it; the next `up` calls update with the recorded properties.
    proxy.set(undefined);
    const updated = (await provider.update(err.id as string, err.properties as unknown as EnterpriseAccountOutputs, inputs)).outs as EnterpriseAccountOutputs;
    expect(updated.roleNames).to.deep.equal(["Portal User"]);
    expect(em.store.state.accounts.filter((a) => a.name === "TECH\\half-made")).to.have.length(1);
  });
});

describe("safety: a create whose task polls keep failing (issue 9, defect 3)", () => {
  let em: Emulator;
  let proxy: Awaited<ReturnType<typeof proxyTo>>;
  afterEach(async () => {
    await proxy.stop();
    await em.stop();
  });

  it("EM took the create, every poll of its task answers 500: the subtenant is found by name and the create ends with its id", async () => {
    const setup = await emulatorFor("json", { taskDurationMs: 50 });
    em = setup.em;
    proxy = await proxyTo(em.url);
    const env = { ...setup.env, VEEAM_EM_URL: proxy.url, VEEAM_EM_RETRY_BUDGET_SECONDS: "0.3" };
    proxy.set((req) => (req.method === "GET" && /\/tasks\//.test(req.url ?? "") ? { status: 500, body: "<html><title>Internal error</title></html>" } : undefined));
    const provider = new SubtenantProvider({ env, pool: poolOn(clockOf(em)) });
    const result = await provider.create(subtenant("polls-fail", { description: "mine" }));
    expect(subtenantsNamed(em, "polls-fail").map((s) => s.id)).to.deep.equal([result.id]);
  });
});

describe("safety: a change whose task can no longer be read is verified by reading EM (issue 9, defect 6)", () => {
  let em: Emulator;
  let clock: VirtualClock;
  afterEach(() => em.stop());

  /** A client whose EM forgets every session while the first task runs (a restart, an idle expiry). */
  function forgetfulClient(): EmClient {
    return new EmClient(
      { url: em.url, credentials: { kind: "admin", username: "admin", password: EM_PASSWORD }, retry: { retries: 3, minDelayMs: 2, maxDelayMs: 10 } },
      { clock, pollTiming: { initialDelayMs: 10, maxDelayMs: 40, sleep: forgetSessionsAtFirstSleep(em) } },
    );
  }

  it("an edit and a delete carry on after EM forgot the session", async () => {
    clock = new VirtualClock();
    ({ em } = await emulatorFor("xml", { taskDurationMs: 30, clock }));
    const setupClient = new EmClient({ url: em.url, credentials: { kind: "admin", username: "admin", password: EM_PASSWORD } }, onVirtualClock(clock));
    const created = await setupClient.addSubtenant(ABC, { name: "forgotten", password: "pw123456", tenantResourceId: ABC_RESOURCE, unlimitedQuota: false, quotaMb: 2048, description: "before" });

    const editor = forgetfulClient();
    await editor.editSubtenant(ABC, created.id, { name: "forgotten", description: "after", enabled: false, password: "", repositoryQuota: { unlimited: false, tenantResourceId: ABC_RESOURCE, quotaMb: 4096 } });
    em.store.finishAllTasks();
    expect(em.store.state.subtenants.find((s) => s.id === created.id)).to.deep.include({ description: "after", enabled: false });

    const deleter = forgetfulClient();
    await deleter.deleteSubtenant(ABC, created.id);
    expect(em.store.state.subtenants.find((s) => s.id === created.id)).to.equal(undefined);
    expect(em.requests.filter((r) => r.method === "POST" && /sessionMngr/.test(r.url)).length).to.be.at.least(4, "both clients logged on again");
  });
});
