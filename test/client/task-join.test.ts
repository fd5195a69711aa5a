/**
 * A first poll waits for other tasks' first polls falling due just after it, so one poll (then one look-up) serves
 * them. Driven on a clock that moves only when the test says (every sleep a timer), against the emulator over HTTP.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient } from "../../provider/client";
import { VirtualClock } from "../support/virtual-clock";
import { ABC_TENANT_ID, ADMIN, count, emulator, subtenantSpec, turns } from "./helpers";

const sharedPolls = (em: Emulator) => count(em, "GET", /^\/api\/query\?type=Task/);
const ownPolls = (em: Emulator) => count(em, "GET", /^\/api\/tasks\//);

/** Lets `ms` of the test's clock pass in steps, giving the client and EM room to answer between them. */
async function pass(clock: VirtualClock, ms: number, step = 1): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await turns(20);
    clock.advance(Math.min(step, ms - t));
  }
  await turns(20);
}

describe("client: first polls of tasks due together are joined", function () {
  let em: Emulator;
  let client: EmClient;
  afterEach(async () => {
    await client?.close();
    await em?.stop();
  });

  it("polls a task due at 200 ms together with one due 3 ms later: one shared poll, no poll alone", async () => {
    const clock = new VirtualClock(0);
    // Every sleep is a timer: time moves only when the test lets it.
    const manual = { now: clock.now, sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal, { timer: true }) };
    em = await emulator({ taskDurationMs: 200, clock: manual });
    client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: manual, pollTiming: { initialDelayMs: 100 } });
    await client.logon();
    // One task of the kind teaches its usual time: seen running at 100 ms and done at 300 ms, so 200 ms.
    const first = client.createSubtenant(ABC_TENANT_ID, subtenantSpec("teach"));
    await pass(clock, 300, 50);
    await first;

    const before = { shared: sharedPolls(em), own: ownPolls(em) };
    const a = client.createSubtenant(ABC_TENANT_ID, subtenantSpec("a"));
    await pass(clock, 3);
    const b = client.createSubtenant(ABC_TENANT_ID, subtenantSpec("b"));
    await pass(clock, 199);
    expect(sharedPolls(em) + ownPolls(em), "at 202 ms, a's first poll (due at 200) waits for b's (due at 203)").to.equal(before.shared + before.own);
    await pass(clock, 1);
    await Promise.all([a, b]);
    expect(sharedPolls(em) - before.shared, "one poll for both").to.equal(1);
    expect(ownPolls(em) - before.own, "no poll alone").to.equal(0);
  });
});
