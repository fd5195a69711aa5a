/** The retry module's policies and waits, on a fake clock (no HTTP: the HTTP paths are tested against servers). */
import { expect } from "chai";
import { EmApiError, EmTaskLostError, POLICIES, dispatchThenVerify, policyOf, pollUntil, withRetry } from "../../provider/client";

const http = (status: number) => new EmApiError({ kind: "http", method: "GET", path: "/x", status });
const net = (code: string) => new EmApiError({ kind: "network", method: "GET", path: "/x", code });

function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    },
  };
}

describe("client: retry policies and waits", () => {
  it("chooses the policy by method: GET, DELETE and the logon are idempotent, POST and PUT only when not taken", () => {
    expect(policyOf({ method: "GET" })).to.equal("idempotent");
    expect(policyOf({ method: "DELETE" })).to.equal("idempotent");
    expect(policyOf({ method: "POST", logon: true })).to.equal("idempotent");
    expect(policyOf({ method: "POST" })).to.equal("notTaken");
    expect(policyOf({ method: "PUT" })).to.equal("notTaken");
    expect(policyOf({ method: "DELETE", singleAttemptTimeoutMs: 5000 })).to.equal("once");
  });

  const table: Array<[EmApiError, boolean, boolean]> = [
    // error, idempotent repeats it, notTaken repeats it
    [http(500), true, false],
    [http(502), true, false],
    [http(503), true, true],
    [http(504), true, false],
    [http(429), true, true],
    [http(501), false, false],
    [http(400), false, false],
    [http(401), false, false],
    [http(404), false, false],
    [net("ECONNRESET"), true, false],
    [net("EM_DEADLINE"), true, false],
    [net("ECONNREFUSED"), true, true],
    [net("ENOTFOUND"), false, true],
  ];
  for (const [err, idempotent, notTaken] of table) {
    it(`${err.status ?? err.code}: idempotent ${idempotent ? "repeats" : "stops"}, notTaken ${notTaken ? "repeats" : "stops"}`, () => {
      expect(POLICIES.idempotent.retryable(err)).to.equal(idempotent);
      expect(POLICIES.notTaken.retryable(err)).to.equal(notTaken);
      expect(POLICIES.once.retryable(err)).to.equal(false);
    });
  }

  it("waits at least Retry-After (cut to its maximum), and never past the budget", async () => {
    const { clock, slept } = fakeClock();
    let calls = 0;
    const result = await withRetry(POLICIES.idempotent, { retries: 5, minDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 300, budgetMs: 10_000 }, async () => {
      calls += 1;
      if (calls < 3) throw new EmApiError({ kind: "http", method: "GET", path: "/x", status: 429, retryAfterMs: calls === 1 ? 200 : 5000 });
      return "ok";
    }, undefined, clock);
    expect(result).to.equal("ok");
    expect(slept).to.deep.equal([200, 300]);

    const budget = fakeClock();
    let attempts = 0;
    const err = await withRetry(POLICIES.idempotent, { retries: 100, minDelayMs: 100, maxDelayMs: 100, maxRetryAfterMs: 0, budgetMs: 1000 }, async (remaining) => {
      attempts += 1;
      budget.clock.sleep(Math.min(150, remaining));
      throw http(503);
    }, undefined, budget.clock).catch((e: unknown) => e);
    expect((err as EmApiError).status).to.equal(503);
    expect(budget.clock.now()).to.be.at.most(1000);
    expect(attempts).to.be.below(10);
  });

  it("polls until a value appears or the deadline passes, backing off", async () => {
    const { clock, slept } = fakeClock();
    let n = 0;
    expect(await pollUntil(async () => (++n === 4 ? "here" : undefined), { timeoutMs: 10_000, initialDelayMs: 100, factor: 2, maxDelayMs: 300, clock })).to.equal("here");
    expect(slept).to.deep.equal([100, 200, 300]);
    const never = fakeClock();
    expect(await pollUntil(async () => undefined, { timeoutMs: 1000, initialDelayMs: 100, factor: 2, maxDelayMs: 400, clock: never.clock })).to.equal(undefined);
    expect(never.clock.now()).to.equal(1000);
  });

  it("verifies a change only when its outcome is unknown; otherwise the failure stands", async () => {
    const { clock } = fakeClock();
    const poll = { timeoutMs: 1000, initialDelayMs: 100, factor: 2, maxDelayMs: 400, clock };
    expect(await dispatchThenVerify(async () => 1, async () => 2, poll)).to.deep.equal({ outcome: "done", value: 1 });
    expect(await dispatchThenVerify(async () => Promise.reject(net("ECONNRESET")), async () => 2, poll)).to.deep.equal({ outcome: "verified", value: 2 });
    expect(await dispatchThenVerify(async () => Promise.reject(new EmTaskLostError("Op", "t")), async () => 3, poll)).to.deep.equal({ outcome: "verified", value: 3 });
    const refused = await dispatchThenVerify(async () => Promise.reject(http(400)), async () => 2, poll).catch((e: unknown) => e);
    expect((refused as EmApiError).status).to.equal(400);
    const unseen = await dispatchThenVerify(async () => Promise.reject(net("ECONNRESET")), async () => undefined, poll).catch((e: unknown) => e);
    expect((unseen as EmApiError).code).to.equal("ECONNRESET");
  });
});
