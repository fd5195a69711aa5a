/**
 * A create whose answer is lost binds an object only with proof that this request made it: EM's answer, or a task
 * of this request that EM reports. A same-named object that matches the request is never proof: another stack may
 * have made it at the same moment, and taking it would let this stack change its password and later delete it.
 */
import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "../../emulator/server";
import { EmClient, EmNameTakenError, EmOutcomeUnknownError } from "../../provider/client";
import { judgeStrangers, UnidentifiedPosts } from "../../provider/client/create-proof";
import type { Task } from "../../provider/client/codec";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs } from "../../provider/resources/account/inputs";
import { connectionSettings } from "../../provider/resources/connection";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs } from "../../provider/resources/subtenant/inputs";
import { afterSubtenantPostTaken } from "../support/emulator-events";
import { ABC, ABC_RESOURCE, EM_PASSWORD, emulatorFor, poolOn, proxyTo, writes } from "./support";
import { clockOf } from "../support/virtual-clock";

const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error }));
const spec = (name: string, description = "ours") => ({ name, password: "Subtenant-Pass-1", description, tenantResourceId: ABC_RESOURCE, unlimitedQuota: false, quotaMb: 2048 });
const theirSubtenant = (name: string, description = "ours") => ({
  id: "0a6bd3f3-0c54-4c8c-8a55-7c4e3e1b0b11",
  tenantId: ABC,
  name,
  description,
  password: "theirs",
  enabled: true,
  quota: { unlimited: false, displayName: "q", tenantResourceId: ABC_RESOURCE, quotaMb: 2048, usedQuotaMb: 0, quotaId: "q1" },
});
const subtenantInputs = (name: string) =>
  ({ tenantName: "ABC Company", name, password: "Subtenant-Pass-1", description: "", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false }) as SubtenantInputs;
const task = (taskId: string, state: Task["state"], success?: boolean, message = ""): Task => ({ taskId, state, operation: "AddCloudSubtenant", href: `https://em/api/tasks/${taskId}`, success, message });

describe("safety: a lost create answer binds nothing without proof", () => {
  let em: Emulator;
  afterEach(() => em.stop());

  const client = (url: string, onProgress?: (m: string) => void, taskTimeoutMs?: number) =>
    new EmClient(
      { url, credentials: { kind: "admin", username: "admin", password: EM_PASSWORD }, retry: { retries: 2, minDelayMs: 2, maxDelayMs: 10 }, ...(taskTimeoutMs && { taskTimeoutMs }) },
      { onProgress, clock: clockOf(em), pollTiming: { initialDelayMs: 10, maxDelayMs: 40 } },
    );

  it("a subtenant POST that EM did not take, while another stack made the same subtenant: name taken, theirs untouched", async () => {
    ({ em } = await emulatorFor("xml", { taskDurationMs: 20 }));
    const ours = client(em.url, (m) => {
      // Our POST was reset before EM took it; between that and our re-send, another stack makes the same subtenant.
      if (/sending it again/.test(m)) {
        em.faults.reset();
        em.store.state.subtenants.push(theirSubtenant("contested-same"));
      }
    });
    await ours.logon();
    em.faults.update({ resetRate: 1, onlyMethods: ["POST"] });
    const outcome = await settle(ours.addSubtenant(ABC, spec("contested-same")));
    expect(outcome).to.have.property("error");
    expect((outcome as { error: Error }).error).to.be.instanceOf(EmNameTakenError);
    const theirs = em.store.state.subtenants.filter((s) => s.name === "contested-same");
    expect(theirs.map((s) => [s.id, s.password, s.description])).to.deep.equal([["0a6bd3f3-0c54-4c8c-8a55-7c4e3e1b0b11", "theirs", "ours"]]);
    expect(writes(em).filter((r) => r.method !== "POST")).to.deep.equal([], "no edit or delete was sent");
  });

  it("a lost subtenant answer whose task failed, while a same-named subtenant that matches the request appeared: not bound", async () => {
    ({ em } = await emulatorFor("xml", { taskDurationMs: 20 }));
    const ours = client(em.url);
    await ours.logon();
    em.faults.update({ lostResponseRate: 1, taskFailureRate: 1, onlyMethods: ["POST"] });
    // Once EM has taken our POST (its answer is lost), their subtenant appears.
    afterSubtenantPostTaken(em, () => em.store.state.subtenants.push(theirSubtenant("contested-match")));
    const outcome = await settle(ours.addSubtenant(ABC, spec("contested-match")));
    em.faults.reset();
    expect(outcome).to.have.property("error");
    expect((outcome as { error: Error }).error.message).to.match(/failed/);
    expect(em.store.state.subtenants.filter((s) => s.name === "contested-match").map((s) => s.password)).to.deep.equal(["theirs"]);
  });

  it("two lost answers of one client at once: each create is proven by the session's tasks and ends with its own id", async () => {
    ({ em } = await emulatorFor("json", { taskDurationMs: 30 }));
    const ours = client(em.url);
    await ours.logon();
    em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
    const [a, b] = await Promise.all([ours.addSubtenant(ABC, spec("lost-a")), ours.addSubtenant(ABC, spec("lost-b"))]);
    em.faults.reset();
    const idOf = (name: string) => em.store.state.subtenants.find((s) => s.name === name)?.id;
    expect([a.id, b.id]).to.deep.equal([idOf("lost-a"), idOf("lost-b")]);
  });

  it("two lost answers whose tasks ended differently: neither can tell which is its own, so both are unknown and nothing is bound", async () => {
    ({ em } = await emulatorFor("xml", { taskDurationMs: 20 }));
    const ours = client(em.url, undefined, 400);
    await ours.logon();
    em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
    // The second subtenant's quota is beyond what EM allows, so its task fails; the first one's succeeds.
    const results = await Promise.all([settle(ours.addSubtenant(ABC, spec("mixed-ok"))), settle(ours.addSubtenant(ABC, { ...spec("mixed-bad"), quotaMb: 10 }))]);
    em.faults.reset();
    for (const r of results) expect((r as { error: Error }).error, JSON.stringify(r)).to.be.instanceOf(EmOutcomeUnknownError);
    expect(em.store.state.subtenants.filter((s) => s.name.startsWith("mixed-")).map((s) => s.name)).to.deep.equal(["mixed-ok"]);
  });

  it("a lost answer after which the session was renewed: the session's tasks are out of view, so the outcome is unknown", async () => {
    ({ em } = await emulatorFor("xml", { taskDurationMs: 20 }));
    const proxy = await proxyTo(em.url);
    try {
      const ours = client(proxy.url);
      await ours.logon();
      // EM takes the POST and its answer is lost; then, before the task list is read, EM forgets every session.
      let cleared = false;
      proxy.set((req) => {
        if (req.method === "GET" && req.url === "/api/tasks" && !cleared) {
          cleared = true;
          em.faults.reset();
          em.store.sessions.clear();
        }
        return undefined;
      });
      em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
      const outcome = await settle(ours.addSubtenant(ABC, spec("renewed")));
      em.faults.reset();
      expect((outcome as { error: Error }).error).to.be.instanceOf(EmOutcomeUnknownError);
      expect((outcome as { error: Error }).error.message, (outcome as { error: Error }).error.message).to.match(/session .* renewed/);
      expect(writes(em).filter((r) => r.method !== "POST")).to.deep.equal([]);
    } finally {
      await proxy.stop();
    }
  });

  describe("accounts (EM answers 201 with no task)", () => {
    const inputs = (extra: Partial<EnterpriseAccountInputs> = {}) => ({ accountType: "User", accountName: "TECH\\raced", roles: ["Portal User"], allowRestoreAllVms: true, ...extra }) as EnterpriseAccountInputs;

    it("a POST lost on the way while another stack made the same account of the same type: unknown, theirs untouched, advice to check and adopt", async () => {
      const setup = await emulatorFor("xml");
      em = setup.em;
      const proxy = await proxyTo(em.url);
      try {
        proxy.set((req) => {
          if (req.method !== "POST" || !/\/security\/accounts$/.test(req.url ?? "")) return undefined;
          proxy.set(undefined);
          em.store.state.accounts.push({ id: "5c0ffee5-0000-4000-8000-000000000001", type: "User", name: "TECH\\raced", roleIds: [], allowRestoreAllVms: false, scope: [] });
          return "reset";
        });
        const provider = new EnterpriseAccountProvider({ env: { ...setup.env, VEEAM_EM_URL: proxy.url }, pool: poolOn(clockOf(em)) });
        const outcome = await settle(provider.create(inputs()));
        const err = (outcome as { error: Error & { id?: string } }).error;
        expect(err.message).to.match(/outcome of creating account 'TECH\\raced' is unknown.*nothing shows that this request made it.*set adopt: true/);
        expect(err.id).to.equal(undefined, "nothing recorded in the state");
        expect(writes(em).filter((r) => /5c0ffee5/.test(r.url))).to.deep.equal([], "nothing written to their account");
        expect(em.store.state.accounts.find((a) => a.name === "TECH\\raced")).to.deep.include({ allowRestoreAllVms: false, roleIds: [] });
      } finally {
        await proxy.stop();
      }
    });

    it("a lost answer to an account EM created: unknown; the operator's adopt then takes it over in one run", async () => {
      ({ em } = await emulatorFor("json"));
      const env = { VEEAM_EM_URL: em.url, VEEAM_EM_USERNAME: "admin", VEEAM_EM_PASSWORD: EM_PASSWORD, VEEAM_EM_FORMAT: "json" };
      const pool = poolOn(clockOf(em));
      const provider = new EnterpriseAccountProvider({ env, pool });
      await pool.get(connectionSettings(undefined, env)).logon();
      em.faults.update({ lostResponseRate: 1, onlyMethods: ["POST"] });
      const first = await settle(provider.create(inputs()));
      em.faults.reset();
      expect((first as { error: Error }).error.message).to.match(/is unknown/);
      const adopted = await provider.create(inputs({ adopt: true }));
      expect(adopted.id).to.equal(em.store.state.accounts.find((a) => a.name === "TECH\\raced")?.id);
      expect(em.store.state.accounts.filter((a) => a.name === "TECH\\raced")).to.have.length(1);
    });
  });
});

describe("create proof: what the session's tasks allow", () => {
  it("no task of the operation: EM did not take the POST", () => {
    expect(judgeStrangers([], 1)).to.deep.equal({ verdict: "notTaken" });
  });
  it("as many finished tasks as unidentified POSTs, all alike: that result", () => {
    expect(judgeStrangers([task("t1", "Finished", true), task("t2", "Finished", true)], 2)).to.include({ verdict: "succeeded" });
    expect(judgeStrangers([task("t1", "Finished", false, "name taken")], 1)).to.deep.include({ verdict: "failed", messages: ["name taken"] });
  });
  it("fewer tasks than POSTs, a task still running, or mixed results: not yet", () => {
    expect(judgeStrangers([task("t1", "Finished", true)], 2)).to.equal(undefined);
    expect(judgeStrangers([task("t1", "Running")], 1)).to.equal(undefined);
    expect(judgeStrangers([task("t1", "Finished", true), task("t2", "Finished", false)], 2)).to.equal(undefined);
    expect(judgeStrangers([task("t1", "Finished", true), task("t2", "Finished", true)], 1)).to.equal(undefined, "more tasks than POSTs: something else made one");
  });
  it("counts unidentified POSTs per session generation and operation", () => {
    const posts = new UnidentifiedPosts();
    posts.add(1, "AddCloudSubtenant");
    posts.add(1, "AddCloudSubtenant");
    posts.add(2, "AddCloudSubtenant");
    posts.remove(1, "AddCloudSubtenant");
    expect([posts.count(1, "AddCloudSubtenant"), posts.count(2, "AddCloudSubtenant"), posts.count(1, "CreateCloudTenant")]).to.deep.equal([1, 1, 0]);
  });
});

describe("safety: a POST EM takes late, after its answer was lost and it was sent again", () => {
  let em: Emulator;
  afterEach(() => em.stop());

  it("the re-sent POST is refused as a duplicate, the first one's task then shows: the create is proven this stack's", async () => {
    ({ em } = await emulatorFor("xml", { taskDurationMs: 20 }));
    const upstream = new URL(em.url);
    // Forwards everything; the first subtenant POST is cut off from the client and held until the second arrives,
    // then sent to EM ahead of it (EM took it late, as a slow EM behind a gateway may).
    let held: { body: Buffer; headers: http.IncomingHttpHeaders; url: string } | undefined;
    const forward = (method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const out = http.request({ host: upstream.hostname, port: upstream.port, method, path: url, headers }, (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (c: Buffer) => chunks.push(c));
          answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        });
        out.on("error", reject);
        out.end(body);
      });
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks);
        const isCreate = req.method === "POST" && /\/subtenants$/.test(req.url ?? "");
        if (isCreate && !held) {
          held = { body, headers: req.headers, url: req.url ?? "" };
          req.socket.destroy();
          return;
        }
        if (isCreate && held) {
          await forward("POST", held.url, held.headers, held.body);
          // The first task finishes before the second one runs, so the second meets the name taken.
          em.store.finishAllTasks();
        }
        const answer = await forward(req.method ?? "GET", req.url ?? "/", req.headers, body);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const ours = new EmClient({ url: `http://127.0.0.1:${port}/api/`, credentials: { kind: "admin", username: "admin", password: EM_PASSWORD } }, { clock: clockOf(em), pollTiming: { initialDelayMs: 10, maxDelayMs: 40 } });
      const created = await ours.addSubtenant(ABC, spec("late-taker"));
      await ours.close();
      expect(em.store.state.subtenants.filter((s) => s.name === "late-taker").map((s) => s.id)).to.deep.equal([created.id]);
      expect(em.requests.filter((r) => r.method === "POST" && /\/subtenants$/.test(r.url))).to.have.length(2, "the first POST, late, and the one sent again");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("safety: two stacks with overlapping declarations, under resets and lost answers", () => {
  let em: Emulator;
  afterEach(() => em.stop());

  it("no object ends held by both stacks, whatever the faults (3 runs each, as a user re-runs `up`)", async function () {
    this.timeout(60_000);
    const setup = await emulatorFor("xml", { taskDurationMs: 15 });
    em = setup.em;
    const stack = () => {
      const pool = poolOn(clockOf(em));
      const env = { ...setup.env, VEEAM_EM_TASK_TIMEOUT_SECONDS: "2", VEEAM_EM_RETRY_BUDGET_SECONDS: "1" };
      return { provider: new SubtenantProvider({ env, pool }), held: new Map<string, string>() };
    };
    const stacks = [stack(), stack()];
    const names = Array.from({ length: 12 }, (_, i) => `overlap-${String(i).padStart(2, "0")}`);
    em.faults.update({ seed: 20261206, resetRate: 0.05, lostResponseRate: 0.1, sessionDropRate: 0.02, serverErrorRate: 0.03 });
    for (let run = 0; run < 3; run++) {
      await Promise.all(
        stacks.map((s) =>
          Promise.all(
            names
              .filter((name) => !s.held.has(name))
              .map(async (name) => {
                try {
                  const made = await s.provider.create({ ...subtenantInputs(name) });
                  s.held.set(name, made.id);
                } catch {
                  // The engine records nothing for a failed create without an id; the user runs `up` again.
                }
              }),
          ),
        ),
      );
    }
    em.faults.reset();
    em.store.finishAllTasks();
    const [a, b] = stacks.map((s) => new Set(s.held.values()));
    expect([...a].filter((id) => b.has(id)), "ids held by both stacks").to.deep.equal([]);
    for (const name of names) {
      const inEm = em.store.state.subtenants.filter((s) => s.tenantId === ABC && s.name === name);
      expect(inEm.length, `${name}: one subtenant in EM`).to.be.at.most(1);
    }
    expect(a.size + b.size, "the faults still let creates through").to.be.greaterThan(0);
  });
});
