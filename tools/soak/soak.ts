/**
 * The fault soak: stacks of cloud tenants (with a backup resource), subtenants and accounts driven through the SDK's real dynamic-provider plugin against
 * the emulator with faults on, as the Pulumi engine drives them. The engine never retries a failed step, keeps an
 * object whose create failed only when the error carries its id, and the user re-runs the command: each phase
 * (create, update, refresh, destroy) re-runs until a run has no error, at most `maxRuns` times. Every `up`,
 * `refresh` and `destroy` is a new plugin process on the state the last one left, like a new `pulumi` command,
 * with `--continue-on-error` (a failed step does not stop the others).
 */
import { startEmulator, type Emulator } from "../../emulator/server";
import type { FaultSettings } from "../../emulator/faults";
import { Engine } from "../engine/engine";
import { startHarness, type Harness } from "../engine/harness";
import { PluginCallError } from "../engine/plugin";
import { providerTexts, type ProviderTexts } from "../engine/provider-text";
import { argsOf, declareStacks, emNameOf, randomSecret, SOAK_BACKUP_MB, soakSeed, soakTenants, typeOf, updatedStacks, type Decl, type Format, type StackDecl } from "./declarations";
import { checkEm, lostBackups, refreshedOutputsDiffer, type Findings, type StackView } from "./em-check";
import { errorKind, givesAdvice, SecretScanner } from "./errors";

export type Phase = "create" | "update" | "refresh" | "destroy";
export const PHASES: Phase[] = ["create", "update", "refresh", "destroy"];

export interface SoakOptions {
  /** Seed of the emulator's fault sequence. */
  seed: number;
  /** Cloud tenants the stacks create, each with a backup resource (0 when unset). */
  tenants?: number;
  subtenants: number;
  accounts: number;
  formats: Format[];
  /** Steps at once per stack, like the engine's --parallel. */
  concurrency: number;
  /** Runs of one command per phase before the phase counts as not converged. */
  maxRuns: number;
  /** Deadline of one step (one RPC); a step without an answer by then is a hang. */
  stepDeadlineMs: number;
  /** The whole soak's budget; phases not started by then are skipped and the soak fails. */
  budgetMs: number;
  taskDurationMs: number;
  /** The provider's settings taskTimeoutSeconds and requestTimeoutSeconds. */
  taskTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  faults: Partial<FaultSettings>;
  /** Progress lines while the soak runs. */
  progress?: (line: string) => void;
}

/** About one answer in five faulted, with every kind of request fault, plus failing and hung tasks. */
export const DEFAULT_FAULTS: Partial<FaultSettings> = {
  resetRate: 0.04,
  serverErrorRate: 0.05,
  throttleRate: 0.04,
  sessionDropRate: 0.03,
  lostResponseRate: 0.05,
  taskFailureRate: 0.05,
  taskHangRate: 0.03,
  latencyMs: 5,
  retryAfterSeconds: 1,
};

export const FULL_SOAK: Omit<SoakOptions, "seed"> = {
  tenants: 10,
  subtenants: 100,
  accounts: 50,
  formats: ["xml", "json"],
  concurrency: 10,
  // Under DEFAULT_FAULTS a resource's step fails in about one run in ten, and each re-run retries what failed. With 3
  // runs, one of the ~300 resources failed three runs in a row in about half of the soaks (a fault each time,
  // nothing wrong); with 5 that chance is well under 1 %, so a phase that does not converge points at a defect.
  maxRuns: 5,
  stepDeadlineMs: 30_000,
  budgetMs: 300_000,
  taskDurationMs: 150,
  taskTimeoutSeconds: 5,
  requestTimeoutSeconds: 5,
  faults: DEFAULT_FAULTS,
};

export interface StepRecord {
  phase: Phase;
  run: number;
  stack: string;
  key: string;
  /** What the step did when it succeeded: create, same, update, replace, refreshed, dropped, deleted. */
  op?: string;
  error?: { kind: string; message: string; advice: boolean; recordedWithId: boolean };
  /** When the step started, in ms since the soak started (the emulator log has the same clock). */
  at: number;
  ms: number;
}

export interface PhaseResult {
  phase: Phase;
  runs: number;
  converged: boolean;
  steps: number;
  errors: number;
  hangs: number;
  ms: number;
  findings: Findings;
  /** Resources dropped from state by a refresh while their object was in EM. */
  drops: string[];
  /** After a refresh, state that does not show what EM holds. */
  staleAfterRefresh: string[];
  /** Resources the operator adopted after an unknown outcome, as the error told them to (see `operatorAdopts`). */
  adopted: string[];
  /** Backups of destroyed tenants that EM no longer holds (destroy phase). */
  lostBackups: string[];
}

export interface SoakResult {
  options: SoakOptions;
  phases: PhaseResult[];
  steps: StepRecord[];
  /** Faults the emulator injected, by kind, and the requests it answered. */
  injected: Record<string, number>;
  requests: number;
  leaks: SecretScanner["leaks"];
  /** Every failed assertion, one line each; empty when the soak passed. */
  failures: string[];
  /** The emulator's log, one line per request, each prefixed with ms since the soak started. */
  emulatorLog: string[];
  /** "stack/key" → the object's name in EM, to find a resource's requests in the emulator log. */
  names: Record<string, string>;
  ms: number;
  scanner: SecretScanner;
}

interface LiveStack {
  decl: StackDecl;
  engine?: Engine;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Errors that leave the outcome of a create to the operator: nothing proves whether this stack made the object. */
const UNKNOWN_OUTCOME = /outcome of creating .* is unknown|EM created .* for this request/;

/**
 * The operator's part after a run, as the error tells a user: for each create whose outcome was unknown, check in
 * EM whether an object of that name is the one the stack asked for and, if so, set adopt: true for the next run.
 * The soak's stacks are the only ones creating soak names, so the check is the object's declared key fields (a
 * subtenant's description in its tenant, an account's type). Returns the keys adopted.
 */
export function operatorAdopts(state: Emulator["store"]["state"], decls: Map<string, Decl>, records: StepRecord[]): string[] {
  const adopted: string[] = [];
  for (const r of records) {
    const d = decls.get(r.key);
    if (!d || d.adopt || !r.error || !UNKNOWN_OUTCOME.test(r.error.message)) continue;
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    const inEm =
      d.kind === "Subtenant"
        ? state.subtenants.some((s) => s.tenantId === d.tenant.id && same(s.name, d.name) && s.description === d.description)
        : d.kind === "CloudTenant"
          ? state.tenants.some((t) => same(t.name, d.name) && t.description === d.description)
          : state.accounts.some((a) => same(a.name, d.accountName) && a.type === d.accountType);
    if (!inEm) continue;
    d.adopt = true;
    adopted.push(`${r.stack}/${r.key}`);
  }
  return adopted;
}

/** Runs `work` over `items`, at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Counts what the emulator's fault controller draws, without changing what it draws. */
function countFaults(em: Emulator): Record<string, number> {
  const counts: Record<string, number> = {};
  const faults = em.faults;
  const drawRequest = faults.drawRequestFault.bind(faults);
  faults.drawRequestFault = (method, hasSession) => {
    const fault = drawRequest(method, hasSession);
    if (fault) counts[fault] = (counts[fault] ?? 0) + 1;
    return fault;
  };
  const drawTask = faults.drawTaskBehaviour.bind(faults);
  faults.drawTaskBehaviour = () => {
    const behaviour = drawTask();
    if (behaviour !== "normal") counts[`task ${behaviour}`] = (counts[`task ${behaviour}`] ?? 0) + 1;
    return behaviour;
  };
  return counts;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const say = options.progress ?? (() => undefined);
  const scanner = new SecretScanner();
  const emAdminPassword = randomSecret("EmAdmin");
  scanner.add(emAdminPassword, "EM admin password");

  const seed = soakSeed();
  const emLog: string[] = [];
  const em = await startEmulator({ port: 0, host: "127.0.0.1", seed, adminPassword: emAdminPassword, taskDurationMs: options.taskDurationMs, log: (line) => emLog.push(`${Date.now() - started} ${line}`) });
  const injected = countFaults(em);
  const texts = await providerTexts();

  const created = declareStacks({ cloudTenants: options.tenants ?? 0, subtenants: options.subtenants, accounts: options.accounts, formats: options.formats, tenants: soakTenants(seed) });
  const updated = updatedStacks(created);
  for (const version of [created, updated]) {
    for (const stack of version) for (const d of stack.resources) if (d.kind !== "EnterpriseAccount") scanner.add(d.password, `password of ${stack.name}/${d.key}`);
  }
  const stacks: LiveStack[] = created.map((decl) => ({ decl }));
  const steps: StepRecord[] = [];
  const phases: PhaseResult[] = [];
  const failures: string[] = [];
  const pluginOutputs: Array<{ where: string; text: string }> = [];
  const requestsBefore = em.requests.length;

  const settle = async () => {
    // Tasks still running when their step gave up may still finish; hung ones never do.
    await sleep(options.taskDurationMs * 2 + 50);
    em.store.advance();
  };
  const views = (decls: StackDecl[]): StackView[] => stacks.map((s, i) => ({ decl: decls[i], state: s.engine?.rawView() ?? [] }));

  /** One command (a new plugin process) over one stack; `step` does one resource's part and returns its op. */
  async function command(stack: LiveStack, phase: Phase, run: number, items: string[], step: (engine: Engine, item: string) => Promise<string>): Promise<StepRecord[]> {
    const records: StepRecord[] = [];
    let harness: Harness;
    try {
      harness = await startHarness(
        {
          url: em.url,
          username: em.adminUser,
          password: emAdminPassword,
          format: stack.decl.format,
          extra: { taskTimeoutSeconds: String(options.taskTimeoutSeconds), requestTimeoutSeconds: String(options.requestTimeoutSeconds) },
        },
        { project: "soak", stack: stack.decl.name, callTimeoutMs: options.stepDeadlineMs },
      );
    } catch (err) {
      return [{ phase, run, stack: stack.decl.name, key: "(plugin start)", at: Date.now() - started, ms: 0, error: { kind: errorKind(err), message: (err as Error).message, advice: givesAdvice((err as Error).message), recordedWithId: false } }];
    }
    if (stack.engine) stack.engine.usePlugin(harness.plugin);
    else stack.engine = new Engine(harness.plugin, "soak", stack.decl.name);
    const engine = stack.engine;
    try {
      await pool(items, options.concurrency, async (item) => {
        const t0 = Date.now();
        const key = item.split("::").pop()!;
        try {
          const op = await step(engine, item);
          records.push({ phase, run, stack: stack.decl.name, key, op, at: t0 - started, ms: Date.now() - t0 });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          const recordedWithId = err instanceof PluginCallError && err.initFailure !== undefined && err.initFailure.id !== "";
          records.push({ phase, run, stack: stack.decl.name, key, at: t0 - started, ms: Date.now() - t0, error: { kind: errorKind(err), message, advice: givesAdvice(message), recordedWithId } });
        }
      });
    } finally {
      pluginOutputs.push({ where: `plugin output of ${stack.decl.name} (${phase} run ${run})`, text: harness.plugin.output() });
      await harness.stop();
    }
    return records;
  }

  const upStep = (decls: Map<string, Decl>) => async (engine: Engine, key: string) => {
    const d = decls.get(key)!;
    return (await engine.register(typeOf(d, texts), d.key, argsOf(d, texts))).op;
  };

  async function phase(
    name: Phase,
    stepsOf: (stack: LiveStack, i: number) => { items: string[]; step: (engine: Engine, item: string) => Promise<string> },
    done: (records: StepRecord[]) => boolean,
    afterRun: (records: StepRecord[]) => string[] = () => [],
  ): Promise<PhaseResult> {
    const t0 = Date.now();
    const result: PhaseResult = { phase: name, runs: 0, converged: false, steps: 0, errors: 0, hangs: 0, ms: 0, findings: { duplicates: [], orphans: [], ghosts: [], mismatches: [] }, drops: [], staleAfterRefresh: [], adopted: [], lostBackups: [] };
    for (let run = 1; run <= options.maxRuns && !result.converged; run++) {
      if (Date.now() - started > options.budgetMs) {
        failures.push(`time budget of ${options.budgetMs / 1000} s used up before ${name} run ${run}`);
        break;
      }
      result.runs = run;
      em.faults.update({ ...options.faults, seed: options.seed + PHASES.indexOf(name) * 100 + run });
      const records = (
        await Promise.all(
          stacks.map((stack, i) => {
            const { items, step } = stepsOf(stack, i);
            return command(stack, name, run, items, step);
          }),
        )
      ).flat();
      em.faults.reset();
      await settle();
      steps.push(...records);
      result.steps += records.length;
      result.errors += records.filter((r) => r.error).length;
      result.hangs += records.filter((r) => r.error?.kind.startsWith("hang")).length;
      result.converged = done(records);
      if (!result.converged) result.adopted.push(...afterRun(records));
      say(`${name} run ${run}: ${records.length} steps, ${records.filter((r) => r.error).length} errors${result.converged ? ", converged" : ""} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    result.ms = Date.now() - t0;
    for (let i = 0; i < stacks.length; i++) scanner.scan(stacks[i].engine?.plainTextDump() ?? "", `state of ${stacks[i].decl.name} after ${name}`);
    return result;
  }

  const noErrors = (records: StepRecord[]) => records.every((r) => !r.error);
  const upPhase = (name: Phase, decls: StackDecl[]) => {
    const byStack = new Map(decls.map((stack) => [stack.name, new Map(stack.resources.map((d) => [d.key, d] as const))] as const));
    return phase(
      name,
      (_stack, i) => {
        const byKey = byStack.get(decls[i].name)!;
        return { items: [...byKey.keys()], step: upStep(byKey) };
      },
      noErrors,
      (records) => [...byStack].flatMap(([stack, byKey]) => operatorAdopts(em.store.state, byKey, records.filter((r) => r.stack === stack))),
    );
  };

  const backupsWritten: Array<{ tenantName: string; repositoryUid: string }> = [];
  const soakTenantNames = new Set(created.flatMap((stack) => stack.resources.filter((d) => d.kind === "CloudTenant").map((d) => emNameOf(d).toLowerCase())));
  const isSoakTenant = (name: string) => soakTenantNames.has(name.toLowerCase());
  try {
    const overBudget = () => Date.now() - started > options.budgetMs;
    for (const name of PHASES) {
      if (overBudget()) {
        failures.push(`time budget of ${options.budgetMs / 1000} s used up before the ${name} phase`);
        break;
      }
      stacks.forEach((s, i) => (s.decl = (name === "create" ? created : updated)[i]));
      let result: PhaseResult;
      if (name === "create" || name === "update") {
        result = await upPhase(name, name === "create" ? created : updated);
        result.findings = checkEm(em.store.state, views(name === "create" ? created : updated), { compareDeclarations: true });
        // The tenants' own backups arrive once they exist: from here no phase may lose them.
        if (name === "create") for (const t of em.store.state.tenants) if (isSoakTenant(t.name)) for (const r of t.resources) {
          r.usedQuotaMb = SOAK_BACKUP_MB;
          backupsWritten.push({ tenantName: t.name, repositoryUid: r.repositoryUid });
        }
      } else if (name === "refresh") {
        // Drift made in the EM console: the refresh must show it, and must not drop anything that exists.
        for (const s of em.store.state.subtenants) if (/[05]$/.test(s.name)) s.description = `${s.description} (edited in EM)`;
        const drops: string[] = [];
        result = await phase(
          name,
          (stack) => ({
            items: (stack.engine?.rawView() ?? []).map((s) => s.urn),
            step: async (engine, urn) => {
              const before = engine.get(urn)!;
              const { op } = await engine.refresh(urn);
              const state = em.store.state;
              if (op === "dropped" && [state.subtenants, state.accounts, state.tenants].some((list) => list.some((o) => o.id === before.id))) {
                drops.push(`${stack.decl.name}/${before.name} (${before.id}) was dropped from state by refresh while EM has it`);
              }
              return op;
            },
          }),
          noErrors,
        );
        result.drops = drops;
        result.findings = checkEm(em.store.state, views(updated), { compareDeclarations: false });
        result.staleAfterRefresh = stacks.flatMap((s, i) => refreshedOutputsDiffer(em.store.state, views(updated)[i]));
      } else {
        result = await phase(
          name,
          (stack) => ({
            items: (stack.engine?.rawView() ?? []).map((s) => s.urn),
            step: async (engine, urn) => {
              await engine.destroy(urn);
              return "deleted";
            },
          }),
          (records) => noErrors(records) && stacks.every((s) => (s.engine?.rawView() ?? []).length === 0),
        );
        result.findings = checkEm(em.store.state, views(updated), { compareDeclarations: false });
        result.lostBackups = lostBackups(em.store.state, backupsWritten);
      }
      phases.push(result);
    }
  } finally {
    await em.stop();
  }

  // Secrets: every error, every line the plugins printed, every line the emulator logged, and the state (above).
  for (const s of steps) if (s.error) scanner.scan(s.error.message, `error of ${s.stack}/${s.key} (${s.phase} run ${s.run})`);
  for (const o of pluginOutputs) scanner.scan(o.text, o.where);
  scanner.scan(emLog.join("\n"), "emulator log");
  for (const stack of stacks) {
    for (const s of stack.engine?.rawView() ?? []) {
      for (const [bag, values] of [["inputs", s.inputs], ["outputs", s.outputs]] as const) {
        for (const [key, value] of Object.entries(values)) if (!s.secretKeys.includes(key)) scanner.scan(JSON.stringify(value), `state ${bag}.${key} of ${stack.decl.name}/${s.name} (not secret-marked)`);
      }
    }
  }

  const reported = new Set<string>();
  for (const p of phases) {
    if (!p.converged) {
      const last = steps.filter((s) => s.phase === p.phase && s.run === p.runs && s.error).map((s) => `${s.stack}/${s.key}`);
      failures.push(`${p.phase}: did not converge within ${options.maxRuns} runs (${p.errors} errors, ${p.hangs} hangs); still failing in run ${p.runs}: ${last.join(", ") || "(none: state not empty)"}`);
    }
    for (const s of steps.filter((x) => x.phase === p.phase && x.error?.kind.startsWith("hang"))) {
      failures.push(`${p.phase}: hang: ${s.stack}/${s.key} (run ${s.run}) gave no answer within ${options.stepDeadlineMs / 1000} s (from ${s.at} ms; the emulator log of that window is in the JSON report)`);
    }
    for (const [what, items] of Object.entries({ duplicate: p.findings.duplicates, orphan: p.findings.orphans, "state entry whose object is gone": p.findings.ghosts, "EM differs from the declaration": p.findings.mismatches, "dropped on refresh": p.drops, "stale after refresh": p.staleAfterRefresh, "lost backup": p.lostBackups })) {
      // A finding that stays from phase to phase (an orphan left by create) is listed once, where it was first seen.
      for (const item of items) {
        if (reported.has(`${what}: ${item}`)) continue;
        reported.add(`${what}: ${item}`);
        failures.push(`${p.phase}: ${what}: ${item}`);
      }
    }
  }
  for (const leak of scanner.leaks) failures.push(`secret leaked: the ${leak.which} appears in the ${leak.where}`);

  const names = Object.fromEntries(created.flatMap((stack) => stack.resources.map((d) => [`${stack.name}/${d.key}`, emNameOf(d)])));
  return { options, phases, steps, injected, requests: em.requests.length - requestsBefore, leaks: scanner.leaks, failures, emulatorLog: emLog, names, ms: Date.now() - started, scanner };
}
