/**
 * Export, `pulumi up`, `pulumi up` again: the first run adopts every exported object (tenants with their backup
 * resources, subtenants, accounts) and the second finds nothing to do; neither sends EM a single write. The CLI is the built bin,
 * the program is TenantOnboarding on the exported file, and its resources go through the SDK's dynamic-provider
 * plugin (a real plugin process over gRPC), as `pulumi up` would apply them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator, type Emulator, type RecordedRequest } from "../../emulator/server";
import type { EmState } from "../../emulator/model";
import { TenantOnboarding } from "../../provider/onboarding";
import { startHarness, type Harness } from "../../tools/engine/harness";
import { forwardToEngine, runUnderMocks } from "../../tools/engine/program";
import type { Rpc } from "../../tools/engine/engine";
import { configFromPaths, passwordPaths, runCli } from "./cli";
import { DECLARED_TENANTS, EXPORTABLE_ACCOUNTS, SUBTENANTS, largeSeed } from "./seed";

/** Every resource the exported file declares. */
const RESOURCES = DECLARED_TENANTS + SUBTENANTS + EXPORTABLE_ACCOUNTS;

const PROJECT = "veeam-em-onboarding";
const ADMIN_PASSWORD = "Em-Adm1n-R0undtrip-5521";
/** A distinctive password per subtenant, derived from its config path. */
const passwordFor = (configPath: string) => `Rt-${Buffer.from(configPath).toString("base64url").slice(-24)}-9`;

const isLogon = (r: RecordedRequest) => r.method === "POST" && /^\/api\/sessionMngr\//i.test(r.url);
const isLogout = (r: RecordedRequest) => r.method === "DELETE" && /^\/api\/logonSessions\//i.test(r.url);
/** Requests that change an object in EM (logons and logouts change none). */
const writes = (requests: RecordedRequest[]) => requests.filter((r) => r.method !== "GET" && !isLogon(r) && !isLogout(r));
/** EM's objects without what a stack may set but EM never reports (passwords). */

describe("veeam-em export → pulumi up → pulumi up (several tenants, 214 objects)", function () {
  this.timeout(120_000);
  let em: Emulator;
  let harness: Harness;
  let tmp: string;
  let file: string;
  let config: Record<string, string>;
  let seeded: EmState;
  let passwords: string[];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "export-roundtrip-"));
    file = path.join(tmp, "tenants.json");
    em = await startEmulator({ port: 0, taskDurationMs: 5, adminPassword: ADMIN_PASSWORD, seed: largeSeed() });
    seeded = structuredClone(em.store.state);
    harness = await startHarness({ url: em.url, username: "admin", password: ADMIN_PASSWORD }, { project: PROJECT });
  });
  after(async () => {
    await harness?.stop();
    await em?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const program = () => async () => {
    const onboarding = new TenantOnboarding("onboarding", { path: file });
    await onboarding.ready;
    return { tenants: onboarding.tenants, accounts: onboarding.accounts };
  };

  async function up(): Promise<{ requests: RecordedRequest[]; rpcs: Rpc[]; declared: number; outputs: Record<string, unknown> }> {
    const mark = em.requests.length;
    const rpcMark = harness.engine.rpcs.length;
    const declared = new Set<string>();
    const outputs = await runUnderMocks(program(), forwardToEngine(harness.engine, declared), {
      project: PROJECT,
      config,
      secretConfigKeys: [...harness.secretConfigKeys, `${PROJECT}:subtenantPasswords`, `${PROJECT}:tenantPasswords`],
    });
    return { requests: em.requests.slice(mark), rpcs: harness.engine.rpcs.slice(rpcMark).map((r) => r.rpc), declared: declared.size, outputs };
  }
  const count = (rpcs: Rpc[], rpc: Rpc) => rpcs.filter((r) => r === rpc).length;

  it("exports every tenant (with its backup resources), subtenant and account with adopt: true, reading only, and prints a config command per tenant and subtenant", async () => {
    const mark = em.requests.length;
    const run = await runCli(["export", "--url", em.url, "--username", "admin", "-o", file], { VEEAM_EM_PASSWORD: ADMIN_PASSWORD });
    expect(run.code, run.stderr).to.equal(0);
    expect(writes(em.requests.slice(mark)), "the export writes nothing to EM").to.deep.equal([]);
    const data = JSON.parse(fs.readFileSync(file, "utf8"));
    const subtenants = data.tenants.flatMap((t: any) => t.subtenants ?? []);
    expect(subtenants).to.have.length(SUBTENANTS);
    expect(data.accounts).to.have.length(EXPORTABLE_ACCOUNTS);
    const declared = data.tenants.filter((t: any) => t.backupServer !== undefined);
    expect(declared.map((t: any) => t.name)).to.deep.equal(["ACME Corp", "Globex", "Umbrella Health", "Wayne Enterprises"]);
    expect(declared[0]).to.deep.include({ backupServer: "vbr01", leaseExpiration: "2031-06-30T00:00:00Z", maxConcurrentTasks: 2, throttling: { enabled: true, speedLimit: 40, unit: "Mbps" }, backupResources: [{ name: "ACME Repository", repository: "ACME Corp repository 1", quotaMb: 10_000_000 }] });
    expect([...declared, ...subtenants, ...data.accounts].every((o: any) => o.adopt === true)).to.equal(true);

    const paths = passwordPaths(run.stdout);
    expect(paths).to.have.length(DECLARED_TENANTS + SUBTENANTS);
    expect(paths.filter((p) => p.startsWith("tenantPasswords"))).to.deep.equal(declared.map((t: any) => `tenantPasswords["${t.name}"]`));
    expect(paths.filter((p) => p.startsWith("subtenantPasswords"))).to.deep.equal(subtenants.map((s: any) => s.passwordConfig));
    passwords = paths.map(passwordFor);
    config = { ...harness.config, ...Object.fromEntries(Object.entries(configFromPaths(paths, passwordFor)).map(([k, v]) => [`${PROJECT}:${k}`, v])) };
  });

  it("first up: adopts all 214 objects without a single EM write; EM ends as it was, passwords included", async () => {
    expect(config, "the export ran").to.not.equal(undefined);
    const run = await up();
    expect(run.declared).to.equal(RESOURCES);
    expect(count(run.rpcs, "Create")).to.equal(RESOURCES);
    // Adoption found every object as declared: nothing added, edited or deleted. EM never returns passwords, so
    // adopting keeps EM's own; the declared ones go to EM only when they change later.
    expect(writes(run.requests)).to.deep.equal([]);
    expect(em.store.state).to.deep.equal(seeded);
    expect(em.store.state.subtenants.some((s) => passwords.includes(s.password))).to.equal(false);
    expect(em.store.state.tenants.some((t) => passwords.includes(t.password ?? ""))).to.equal(false);
  });

  it("second up: every resource the same, and not one EM write", async () => {
    const state = structuredClone(em.store.state);
    const run = await up();
    expect(run.declared).to.equal(RESOURCES);
    for (const rpc of ["Create", "Update", "Delete", "Read"] as const) expect(count(run.rpcs, rpc), rpc).to.equal(0);
    expect(count(run.rpcs, "Diff")).to.equal(RESOURCES);
    expect(writes(run.requests)).to.deep.equal([]);
    expect(em.store.state).to.deep.equal(state);
  });

  it("keeps every password out of the state's plain text and the stack outputs", () => {
    const texts = { state: harness.engine.plainTextDump(), plugin: harness.plugin.output() };
    for (const [where, text] of Object.entries(texts)) {
      const leaked = [ADMIN_PASSWORD, ...passwords].filter((p) => text.includes(p));
      expect(leaked, where).to.deep.equal([]);
    }
  });
});
