/** The contract of the virtual clock the client tests run on (test/support/virtual-clock.ts). */
import { expect } from "chai";
import { VirtualClock } from "../support/virtual-clock";

/** Whether `pending` is still unsettled once the event loop has run what was ready (a wait ends on a later turn). */
async function stillPending(pending: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void pending.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

const TIMER = { timer: true };

describe("test support: the virtual clock", () => {
  it("a wait moves time to its end at once, and is recorded", async () => {
    const clock = new VirtualClock(1_000);
    await clock.sleep(60_000);
    await clock.sleep(250);
    expect(clock.now()).to.equal(61_250);
    expect(clock.waits).to.deep.equal([60_000, 250]);
  });

  it("a timer never moves time: it stays pending until time is carried past it", async () => {
    const clock = new VirtualClock(0);
    const timer = clock.sleep(100, new AbortController().signal, TIMER);
    expect(await stillPending(timer)).to.equal(true);
    expect(clock.now()).to.equal(0);
    expect(clock.waits, "a timer is no wait").to.deep.equal([]);
    expect(clock.pendingTimers).to.equal(1);
    clock.advance(99);
    expect(await stillPending(timer), "99 ms: not yet").to.equal(true);
    clock.advance(1);
    expect(await stillPending(timer), "100 ms: ended").to.equal(false);
    expect(clock.pendingTimers).to.equal(0);
  });

  it("a wait carries time past the timers it passes, and wakes them; the others stay", async () => {
    const clock = new VirtualClock(0);
    const signal = new AbortController().signal;
    const early = clock.sleep(50, signal, TIMER);
    const late = clock.sleep(500, signal, TIMER);
    await clock.sleep(100);
    expect(await stillPending(early)).to.equal(false);
    expect(await stillPending(late)).to.equal(true);
    expect(clock.pendingTimers).to.equal(1);
  });

  it("an abort ends a timer at once, without moving time; a timer already aborted ends at once", async () => {
    const clock = new VirtualClock(0);
    const stop = new AbortController();
    const timer = clock.sleep(1_000, stop.signal, TIMER);
    stop.abort();
    expect(await stillPending(timer)).to.equal(false);
    expect(clock.now()).to.equal(0);
    expect(clock.pendingTimers).to.equal(0);
    expect(await stillPending(clock.sleep(1_000, stop.signal, TIMER))).to.equal(false);
    expect(clock.pendingTimers).to.equal(0);
  });

  it("a wait with a signal (a task poll's, woken early) moves time like any wait, unless woken before it", async () => {
    const clock = new VirtualClock(0);
    await clock.sleep(200, new AbortController().signal);
    expect(clock.now(), "a wait with a signal still lets its time pass").to.equal(200);
    const woken = new AbortController();
    const wait = clock.sleep(5_000, woken.signal);
    woken.abort();
    await wait;
    expect(clock.now(), "woken before the jump: no time passed").to.equal(200);
  });
});
