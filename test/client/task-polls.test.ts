/**
 * Issue 11: how the client waits for EM tasks. Polls are counted at the emulator over real HTTP; timing is read
 * from the waits the client asks of the clock it shares with the emulator (virtual), never from wall-clock thresholds.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient, EmTaskLostError } from "../../provider/client";
import { TaskDurations } from "../../provider/client/tasks";
import { afterSubtenantPostTaken } from "../support/emulator-events";
import { ABC_TENANT_ID, ADMIN, clockOf, count, emulator, forwarder, pollsOnceAllWait, subtenantSpec } from "./helpers";

const sharedPolls = (em: Emulator) => count(em, "GET", /^\/api\/query\?type=Task/);
const ownPolls = (em: Emulator) => count(em, "GET", /^\/api\/tasks\//);

describe("client: waiting for EM tasks (issue 11)", function () {
  this.timeout(30_000);
  let em: Emulator;
  afterEach(() => em?.stop());

  it("answers several outstanding tasks with one GET /query?type=Task per poll", async () => {
    em = await emulator({ taskDurationMs: 600 });
    const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em), pollTiming: pollsOnceAllWait(em, 8) });
    try {
      await client.logon();
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => client.createSubtenant(ABC_TENANT_ID, subtenantSpec(`shared-${i}`))));
      expect(outcomes.map((o) => o.operation)).to.deep.equal(new Array(8).fill("AddCloudSubtenant"));
      expect(em.store.state.subtenants.filter((s) => s.name.startsWith("shared-"))).to.have.length(8);
      // Polled alone, each of the 8 tasks (600 ms, a kind not yet seen) would take 4 polls: 32 requests.
      const polls = sharedPolls(em) + ownPolls(em);
      expect(sharedPolls(em), "shared polls").to.be.at.least(1);
      expect(polls, `polls for 8 tasks: ${sharedPolls(em)} shared, ${ownPolls(em)} alone`).to.be.at.most(8);
      const query = em.requests.find((r) => r.url.startsWith("/api/query?type=Task")) as { url: string };
      expect(decodeURIComponent(query.url)).to.match(/format=Entities.*filter=TaskId=="task-\d+",TaskId=="task-\d+"/);
    } finally {
      await client.close();
    }
  });

  it("asks for a task alone when a shared poll does not show it, and only that GET's 404 loses it", async () => {
    em = await emulator({ taskDurationMs: 400 });
    const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock: clockOf(em) });
    // EM forgets the second task as soon as it is made, while both run (the list no longer shows it; its own GET
    // answers 404).
    let gone = { id: "" };
    afterSubtenantPostTaken(em, () => ((gone = [...em.store.tasks.values()][1]), em.store.tasks.delete(gone.id)), 2);
    try {
      await client.logon();
      const waits = ["one", "two"].map((name) => client.createSubtenant(ABC_TENANT_ID, subtenantSpec(name)).catch((e: unknown) => e));
      const results = await Promise.all(waits);
      expect(results.filter((r) => r instanceof EmTaskLostError), "lost").to.have.length(1);
      expect(results.filter((r) => !(r instanceof Error)).map((r) => (r as { operation: string }).operation), "finished").to.deep.equal(["AddCloudSubtenant"]);
      expect(sharedPolls(em)).to.be.at.least(1);
      expect(count(em, "GET", new RegExp(`^/api/tasks/${gone.id}$`)), "the task missing from the list was asked for alone").to.be.at.least(1);
    } finally {
      await client.close();
    }
  });

  it("polls each task alone on an EM that refuses the Task query, and asks it only once", async () => {
    em = await emulator({ taskDurationMs: 300 });
    // A Task query is sent on as a Job query, which the emulator refuses (404) as a type it does not model.
    const fwd = await forwarder(em, undefined, (url) => url.replace(/([?&])type=Task\b/, "$1type=Job"));
    const client = new EmClient({ url: fwd.url, allowInsecureHttp: true, credentials: ADMIN }, { clock: clockOf(em), pollTiming: pollsOnceAllWait(em, 4) });
    try {
      await client.logon();
      const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => client.createSubtenant(ABC_TENANT_ID, subtenantSpec(`alone-${i}`))));
      expect(outcomes).to.have.length(4);
      expect(count(em, "GET", /^\/api\/query\?type=Job/), "Task queries (refused)").to.equal(1);
      expect(ownPolls(em)).to.be.at.least(4);
    } finally {
      await client.close();
      await fwd.close();
    }
  });

  for (const [what, page, lasting] of [
    ["a non-EM 404 page (a server without the Task query)", { status: 404, body: "<html><title>Not Found</title></html>" }, true],
    ["a proxy's 500 page", { status: 500, body: "<html><title>Internal error</title></html>" }, false],
  ] as const) {
    it(`never fails a wait because a shared poll failed: ${what} makes each task be asked for alone`, async () => {
      // Tasks long enough for several rounds of polls, so that passing failures can add up.
      em = await emulator({ taskDurationMs: 900 });
      let asked = 0;
      const fwd = await forwarder(em, (url) => (/[?&]type=Task\b/.test(url) && ++asked > 0 ? { ...page, contentType: "text/html" } : undefined));
      const client = new EmClient({ url: fwd.url, allowInsecureHttp: true, credentials: ADMIN }, { clock: clockOf(em), pollTiming: pollsOnceAllWait(em, 4) });
      try {
        await client.logon();
        const outcomes = await Promise.all(Array.from({ length: 4 }, (_, i) => client.createSubtenant(ABC_TENANT_ID, subtenantSpec(`page-${i}`))));
        expect(outcomes.map((o) => o.operation)).to.deep.equal(new Array(4).fill("AddCloudSubtenant"));
        expect(em.store.state.subtenants.filter((s) => s.name.startsWith("page-"))).to.have.length(4);
        expect(ownPolls(em)).to.be.at.least(4);
        // Not retried; a lasting refusal turns sharing off at once, passing failures after three in a row.
        expect(asked).to.equal(lasting ? 1 : 3);
      } finally {
        await client.close();
        await fwd.close();
      }
    });
  }

  it("after a first poll that misses a task of a known kind, polls again after a small share of its usual time", async () => {
    em = await emulator({ taskDurationMs: 150 });
    const clock = clockOf(em);
    const client = new EmClient({ url: em.url, credentials: ADMIN }, { clock });
    try {
      for (let i = 0; i < 3; i++) await client.createSubtenant(ABC_TENANT_ID, subtenantSpec(`learn-${i}`));
      // This task runs longer than the kind's usual: its first poll misses.
      em.store.settings.taskDurationMs = 260;
      const before = ownPolls(em);
      const waitsBefore = clock.waits.length;
      await client.createSubtenant(ABC_TENANT_ID, subtenantSpec("longer"));
      const polls = ownPolls(em) - before;
      const waits = clock.waits.slice(waitsBefore);
      expect(waits[0], `waits: ${waits.map(Math.round).join(", ")}`).to.be.within(100, 200);
      // After a miss: 1 % of the usual time (at least 2 ms), doubling, not the shortest regular interval (200 ms).
      expect(waits[1], `waits: ${waits.map(Math.round).join(", ")}`).to.be.at.most(20);
      expect(polls).to.be.within(2, 6);
    } finally {
      await client.close();
    }
  });

  describe("TaskDurations", () => {
    const retry = (usual: number) => Math.max(2, 0.01 * usual);

    it("first polls when a poll last found the kind done; lowers that a quarter of a percent after a first poll that hit", () => {
      const d = new TaskDurations(retry);
      expect(d.firstPollMs("Add")).to.equal(undefined);
      // A kind not seen before, found running at 100 and done at 300: the middle.
      d.record("Add", 100, 300);
      expect(d.firstPollMs("Add")).to.equal(200);
      // Done at the first poll: at most then, probed a quarter of a percent lower.
      d.record("Add", undefined, 200);
      expect(d.firstPollMs("Add")).to.be.closeTo(199.5, 0.001);
      // Missed at 199.5, done at the quick re-poll 2 ms later: there.
      d.record("Add", 199.5, 201.5);
      expect(d.firstPollMs("Add")).to.equal(201.5);
      // Another task of the kind seen done early by another task's poll: at most then.
      d.record("Add", undefined, 150);
      expect(d.firstPollMs("Add")).to.be.closeTo(150 * 0.9975, 0.001);
      expect(d.firstPollMs("Edit")).to.equal(undefined);
    });

    it("probes faster after many first polls in a row that hit (the kind got faster), and slowly again after a miss", () => {
      const d = new TaskDurations(retry);
      d.record("Add", 9_990, 10_000);
      const steps: number[] = [];
      for (let i = 0; i < 24; i++) {
        const before = d.firstPollMs("Add") as number;
        d.record("Add", undefined, before);
        steps.push(before - (d.firstPollMs("Add") as number));
      }
      // A quarter of a percent of the usual time for the first seven, then twice that, then four times.
      expect(steps[0] / 10_000).to.be.closeTo(0.0025, 0.0001);
      expect(steps[8] / steps[6]).to.be.closeTo(2, 0.05);
      expect(steps[16] / steps[14]).to.be.closeTo(2, 0.05);
      const low = d.firstPollMs("Add") as number;
      d.record("Add", low, low + 2);
      const after = d.firstPollMs("Add") as number;
      d.record("Add", undefined, after);
      expect((after - (d.firstPollMs("Add") as number)) / after, "a miss starts the small steps again").to.be.closeTo(0.0025, 0.0001);
    });

    it("never drifts below a sighting of the task still running (EM's OperationFinished stretch)", () => {
      const d = new TaskDurations(retry);
      d.record("Delete", 100, 300);
      // Every first poll finds the task running, and the quick re-polls see it done 50 ms later, past the
      // "shortly before" margin: the task takes at least as long as the sighting, so the usual time may not go
      // below it. (When it went down at each such task, 500 deletes had their completion noticed 120 ms late.)
      for (let i = 0; i < 100; i++) {
        const first = d.firstPollMs("Delete") as number;
        d.record("Delete", Math.max(first, 160), 210);
      }
      expect(d.firstPollMs("Delete")).to.be.within(160, 210);
      // Seen running by another task's poll before the usual time and done at the first poll: never below the sighting.
      const e = new TaskDurations(retry);
      e.record("Delete", 150, 250);
      e.record("Delete", 199, 200);
      e.record("Delete", 199.9, 260);
      expect(e.firstPollMs("Delete")).to.equal(199.9);
    });

    it("moves a quarter of the way towards a slower task, and lets one slow task raise the usual time by a quarter at most", () => {
      const d = new TaskDurations(retry);
      d.record("Add", 100, 300);
      // Seen running at 400 and done at 600: the middle is 500, a quarter of the way from 200 is 275, capped at 250.
      d.record("Add", 400, 600);
      expect(d.firstPollMs("Add")).to.equal(250);
      d.record("Add", 250, 290);
      expect(d.firstPollMs("Add")).to.be.closeTo(250 + 0.25 * (270 - 250), 0.001);
      // A 60 s task among them, seen running just before it was done: not the usual time of the kind.
      d.record("Add", 59_990, 60_000);
      expect(d.firstPollMs("Add")).to.be.closeTo(255 * 1.25, 0.001);
      // Short tasks after it bring it back down.
      for (let i = 0; i < 40; i++) d.record("Add", undefined, 210);
      expect(d.firstPollMs("Add")).to.be.below(210);
    });
  });
});
