/**
 * `veeam-em export --emulator-seed`: an EM written as an emulator seed. The emulator's own seed check accepts it,
 * an emulator started on it answers as the first one did (the same export, the same objects), and it holds no
 * password but the placeholder.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { EM_VERSIONS, startEmulator, type Emulator } from "../../emulator/server";
import { seedProblems } from "../../emulator/seedCheck";
import type { SeedFile } from "../../emulator/store";
import { EmClient } from "../../provider/client";
import { exportOnboarding } from "../../provider/export/export";
import { exportEmulatorSeed, SEED_PASSWORD } from "../../provider/export/seed";
import { runCli } from "./cli";
import { largeSeed } from "./seed";

const PASSWORD = "S33d-Export-Pw";
const clientOf = (em: Emulator) => new EmClient({ url: em.url, credentials: { kind: "admin", username: "admin", password: PASSWORD } });

/** The seed and the onboarding export of an emulator, read through the client as from a real EM. */
async function read(em: Emulator) {
  const client = clientOf(em);
  try {
    const { seed, notes } = await exportEmulatorSeed(client);
    const { data } = await exportOnboarding(client, { includeBuiltin: true });
    return { seed: { ...seed, $comment: undefined }, notes, onboarding: { ...data, $comment: undefined } };
  } finally {
    await client.close();
  }
}

/** What both EMs must hold alike: every object with its ids, names, quotas and used space (passwords aside). */
function comparable(em: Emulator, version: string) {
  const { tenants, subtenants, accounts, backupServers, repositories, roles } = structuredClone(em.store.state);
  const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    backupServers: byId(backupServers),
    repositories: byId(repositories).map(({ id, name, backupServerId }) => ({ id, name, backupServerId })),
    tenants: byId(tenants).map(({ id, name, description, enabled, type, backupServerId, resources, maxConcurrentTasks, leaseExpiration }) => ({ id, name, description, enabled, type, backupServerId, resources, maxConcurrentTasks, leaseExpiration })),
    // EM reports a subtenant's own quota id from 13.1 on (the emulator's 13); before, the seed holds the subtenant's id.
    subtenants: byId(subtenants).map(({ password: _, ...s }) => (version === "13" ? s : { ...s, quota: { ...s.quota, quotaId: undefined } })),
    roles: byId(roles),
    // EM reports a scope object's platform, type, hierarchy root and name, never its own reference (vm-51).
    accounts: byId(accounts).map(({ id, type, name, roleIds, allowRestoreAllVms, scope }) => ({
      id, type, name, roleIds, allowRestoreAllVms,
      scope: scope.map((item) => ({ id: item.id, objectName: item.objectName, root: item.hierarchyObjRef.replace(/\.[^.]*$/, "") })),
    })),
  };
}

describe("veeam-em export --emulator-seed: an EM as the emulator's seed", function () {
  this.timeout(60_000);
  const started: Emulator[] = [];
  const start = async (seed: SeedFile | undefined, emVersion: (typeof EM_VERSIONS)[number] = "13") => {
    const em = await startEmulator({ port: 0, taskDurationMs: 10, adminPassword: PASSWORD, emVersion, ...(seed && { seed }) });
    started.push(em);
    return em;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((em) => em.stop()));
  });

  const cases: Array<[string, () => SeedFile | undefined, (typeof EM_VERSIONS)[number]]> = [
    ["the default seed (AD and vCD tenants, throttling, WAN accelerators), EM 13", () => undefined, "13"],
    ["an EM with 120 subtenants and 92 accounts, EM 13", largeSeed, "13"],
    ["an EM with 120 subtenants and 92 accounts, EM 12", largeSeed, "12"],
    ["the default seed, EM 10", () => undefined, "10"],
  ];
  for (const [what, seed, version] of cases) {
    it(`${what}: the seed check accepts it, and a second emulator on it holds and answers the same`, async () => {
      const first = await start(seed(), version);
      const exported = await read(first);
      expect(exported.notes).to.deep.equal([]);
      expect(seedProblems(exported.seed, [])).to.deep.equal([]);

      const second = await start(JSON.parse(JSON.stringify(exported.seed)) as SeedFile, version);
      expect(comparable(second, version)).to.deep.equal(comparable(first, version));
      const again = await read(second);
      // The same file again, byte for byte: a seed written anew from an unchanged EM shows no diff.
      expect(JSON.stringify(again.seed)).to.equal(JSON.stringify(exported.seed));
      expect(again.onboarding).to.deep.equal(exported.onboarding);

      // No secret: every password is the placeholder.
      const text = JSON.stringify(exported.seed);
      for (const t of first.store.state.tenants) if (t.password) expect(text).to.not.include(t.password);
      for (const s of first.store.state.subtenants) expect(text).to.not.include(s.password);
      expect(second.store.state.subtenants.every((s) => s.password === SEED_PASSWORD)).to.equal(true);
    });
  }

  it("a subtenant made through the API (used space, a quota of its own) is in the seed as EM shows it", async () => {
    const first = await start(undefined);
    const client = clientOf(first);
    try {
      await client.addSubtenant("28ddf9b9-12fa-431a-a34c-a327f05c3920", { name: "made-here", password: "Sub-Pass-123", tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e", quotaMb: 4096, unlimitedQuota: false });
    } finally {
      await client.close();
    }
    first.store.state.subtenants[0].quota.usedQuotaMb = 1234;
    const { seed } = await read(first);
    const second = await start(seed as SeedFile);
    expect(comparable(second, "13").subtenants).to.deep.equal(comparable(first, "13").subtenants);
    const made = second.store.state.subtenants.find((s) => s.name === "made-here")!;
    expect(made.password).to.equal(SEED_PASSWORD);
    expect(made.quota.usedQuotaMb).to.equal(1234);
  });

  it("from the command line: writes FILE (never over one without --force), says what it holds, and the emulator's --seed takes it", async () => {
    const em = await start(largeSeed(), "12");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-seed-"));
    try {
      const file = path.join(dir, "seed.json");
      const env = { VEEAM_EM_URL: em.url, VEEAM_EM_USERNAME: "admin", VEEAM_EM_PASSWORD: PASSWORD };
      const run = await runCli(["export", "--emulator-seed", file, "--quiet"], env);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout, run.stdout).to.include(`# ${file}: an EM emulator seed of 1 backup server, 7 repositories, 5 tenants, 120 subtenants, 7 roles, 92 accounts.`);
      expect(run.stdout).to.include(SEED_PASSWORD);
      const seed = JSON.parse(fs.readFileSync(file, "utf8")) as SeedFile;
      expect(seedProblems(seed, [])).to.deep.equal([]);
      const onSeed = await start(file as unknown as SeedFile, "12");
      expect(onSeed.store.state.subtenants).to.have.length(120);

      const again = await runCli(["export", "--emulator-seed", file], env);
      expect(again.code).to.equal(2);
      expect(again.stderr).to.include(`${file} exists; give --force to overwrite it`);
      const both = await runCli(["export", "--emulator-seed", file, "-o", path.join(dir, "t.json")], env);
      expect(both.code).to.equal(2);
      expect(both.stderr).to.include("--emulator-seed and --output write different files: give one");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
