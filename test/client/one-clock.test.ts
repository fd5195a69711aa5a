/** The clock a client is given is the one its waits and deadlines read (against the emulator over HTTP). */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { clientFor, emulator } from "./helpers";

/** A clock that never waits: each sleep is recorded and moves its time on. */
function fakeClock() {
  let now = 1_000_000;
  const slept: number[] = [];
  return { slept, clock: { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)) } };
}

describe("client: one injected clock", () => {
  let em: Emulator;
  afterEach(async () => {
    await em?.stop();
  });

  it("waits EM's Retry-After on the injected clock, not the real one, and counts the retry budget on it", async () => {
    // 60 s of Retry-After would outlast this test's timeout on the real clock.
    em = await emulator({ faults: { retryAfterSeconds: 60 } });
    const { slept, clock } = fakeClock();
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 120_000, budgetMs: 600_000 } }, { clock, onProgress: (m) => /retrying/.test(m) && em.faults.update({ throttleRate: 0 }) });
    await client.logon();
    em.faults.update({ throttleRate: 1 });
    await client.listRoles();
    expect(slept).to.deep.equal([60_000]);
    expect(em.requests.filter((r) => r.url === "/api/security/roles").map((r) => r.status)).to.deep.equal([429, 200]);
  });

  it("gives up when the injected clock says the retry budget is spent", async () => {
    em = await emulator({ faults: { retryAfterSeconds: 1 } });
    const slept: number[] = [];
    // Once EM has answered 429, this clock reads 40 s later: the 30 s budget is spent, so there is no retry. On
    // the real clock the request would be repeated after the 1 s Retry-After.
    const throttled = () => em.requests.some((r) => r.status === 429);
    const clock = { now: () => (throttled() ? 40_000 : 0), sleep: async (ms: number) => void slept.push(ms) };
    const client = clientFor(em, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2, budgetMs: 30_000 } }, { clock });
    await client.logon();
    em.faults.update({ throttleRate: 1 });
    const err = await client.listRoles().then(
      () => undefined,
      (e: unknown) => e as Error & { status?: number },
    );
    expect(err?.status).to.equal(429);
    expect(slept).to.deep.equal([]);
    expect(em.requests.filter((r) => r.url === "/api/security/roles")).to.have.length(1);
  });
});
