import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { ADMIN_BASIC, adminLogon, send, waitForTask, xml } from "../support/http";
import { VirtualClock } from "../support/virtual-clock";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const SPEC = `<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><Name>F</Name><Password>p</Password><TenantResourceId>11c59670-23df-448c-a4b3-74c42669633e</TenantResourceId><UnlimitedQuota>true</UnlimitedQuota></CloudSubtenantCreateSpec>`;

describe("emulator: fault injection", () => {
  let em: Emulator;
  let clock: VirtualClock;
  let token: string;
  beforeEach(async () => {
    clock = new VirtualClock();
    em = await startEmulator({ clock, taskDurationMs: 10 });
    token = await adminLogon(em.url);
  });
  afterEach(() => em.stop());
  const list = () => send(em.url, "cloud/tenants", { headers: { "X-RestSvcSessionId": token } });

  it("is off by default: 50 requests, no fault", async () => {
    for (let i = 0; i < 50; i++) expect((await list()).status).to.equal(200);
  });

  it("answers 500 or 503 with Retry-After at the configured rate", async () => {
    em.faults.update({ serverErrorRate: 1, retryAfterSeconds: 7 });
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const res = await list();
      statuses.add(res.status);
      if (res.status === 503) expect(res.headers["retry-after"]).to.equal("7");
    }
    expect([...statuses].sort()).to.deep.equal([500, 503]);
  });

  it("answers 429 with Retry-After", async () => {
    em.faults.update({ throttleRate: 1 });
    const res = await list();
    expect(res.status).to.equal(429);
    expect(res.headers["retry-after"]).to.equal("1");
  });

  it("resets connections without touching state", async () => {
    em.faults.update({ resetRate: 1 });
    let error: NodeJS.ErrnoException | undefined;
    await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: SPEC }).catch((e) => (error = e));
    expect(error?.code).to.be.oneOf(["ECONNRESET", "ECONNREFUSED", "EPIPE"]);
    em.faults.reset();
    em.store.finishAllTasks();
    expect(em.store.state.subtenants).to.have.length(0);
    expect(em.store.tasks.size).to.equal(0);
  });

  it("loses the response after applying the change", async () => {
    em.faults.update({ lostResponseRate: 1 });
    let error: NodeJS.ErrnoException | undefined;
    await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: SPEC }).catch((e) => (error = e));
    expect(error?.code).to.equal("ECONNRESET");
    em.faults.reset();
    em.store.finishAllTasks();
    expect(em.store.state.subtenants.map((s) => s.name)).to.deep.equal(["F"]);
    expect(em.requests.at(-1)?.status).to.equal("lost");
  });

  it("adds latency to every answer, waited on the emulator's clock", async () => {
    em.faults.update({ latencyMs: 120 });
    const started = clock.now();
    expect((await list()).status).to.equal(200);
    expect((await list()).status).to.equal(200);
    expect(clock.waits).to.deep.equal([120, 120]);
    expect(clock.now() - started).to.equal(240);
  });

  it("drops sessions, so the request answers 401 and the token stays invalid", async () => {
    em.faults.update({ sessionDropRate: 1 });
    expect((await list()).status).to.equal(401);
    em.faults.reset();
    expect((await list()).status).to.equal(401);
  });

  it("fails tasks, leaving nothing behind", async () => {
    em.faults.update({ taskFailureRate: 1 });
    const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: SPEC });
    const outcome = await waitForTask(em.url, token, xml(res.body).Task.TaskId, clock);
    expect(outcome.success).to.equal(false);
    expect(outcome.message).to.contain("fault injected");
    expect(em.store.state.subtenants).to.have.length(0);
  });

  it("makes tasks that never finish", async () => {
    em.faults.update({ taskHangRate: 1 });
    const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: SPEC });
    em.store.finishAllTasks();
    const task = xml((await send(em.url, `tasks/${xml(res.body).Task.TaskId}`, { headers: { "X-RestSvcSessionId": token } })).body).Task;
    expect(task.State).to.equal("Running");
  });

  it("makes slow tasks: Running past the usual duration, then finished normally after taskSlowMs", async () => {
    em.faults.update({ taskSlowRate: 1, taskSlowMs: 300 });
    const res = await send(em.url, `cloud/tenants/${ABC}/subtenants`, { method: "POST", headers: { "X-RestSvcSessionId": token, "Content-Type": "application/xml" }, body: SPEC });
    const taskId = xml(res.body).Task.TaskId;
    const state = async () => xml((await send(em.url, `tasks/${taskId}`, { headers: { "X-RestSvcSessionId": token } })).body).Task.State;
    clock.advance(60); // six times the usual 10 ms
    expect(await state()).to.equal("Running");
    expect(em.store.state.subtenants).to.have.length(0);
    clock.advance(300 - 60 - 1);
    expect(await state(), "a millisecond before taskSlowMs").to.equal("OperationFinished");
    expect(em.store.state.subtenants).to.have.length(0);
    clock.advance(1);
    expect(await waitForTask(em.url, token, taskId, clock, 1)).to.deep.equal({ success: true, message: "Ok" });
    expect(em.store.state.subtenants.map((s) => s.name)).to.deep.equal(["F"]);
  });

  it("repeats the same fault sequence for the same seed", async () => {
    const sequence = async () => {
      em.faults.update({ serverErrorRate: 0.3, throttleRate: 0.2, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await list()).status);
      return statuses;
    };
    const first = await sequence();
    expect(first.filter((s) => s !== 200).length).to.be.greaterThan(0);
    expect(await sequence()).to.deep.equal(first);
  });

  it("changes faults at run time through /emulator/faults, with the admin's Basic credentials", async () => {
    expect((await send(em.url.replace(/api\/$/, ""), "emulator/faults", { method: "PUT", body: '{"throttleRate":1}' })).status).to.equal(401);
    const put = await send(em.url.replace(/api\/$/, ""), "emulator/faults", { method: "PUT", headers: { Authorization: ADMIN_BASIC }, body: '{"throttleRate":1}' });
    expect(put.status).to.equal(200);
    expect(JSON.parse(put.body).throttleRate).to.equal(1);
    expect((await list()).status).to.equal(429);
    const bad = await send(em.url.replace(/api\/$/, ""), "emulator/faults", { method: "PUT", headers: { Authorization: ADMIN_BASIC }, body: '{"throttleRate":2}' });
    expect(bad.status).to.equal(400);
    expect(JSON.parse(bad.body).error).to.contain("from 0 to 1");
    expect((await send(em.url.replace(/api\/$/, ""), "emulator/faults", { method: "DELETE", headers: { Authorization: ADMIN_BASIC } })).status).to.equal(200);
    expect((await list()).status).to.equal(200);
  });
});
