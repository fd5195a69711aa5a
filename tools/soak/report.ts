/**
 * The soak's printed report: a table per phase, errors by kind with the share that gave advice, the injected
 * faults, the assertions, and for every failing resource its history of errors. Secrets are replaced by their
 * labels before anything is printed.
 */
import type { SoakResult, StepRecord } from "./soak";

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  // Numbers right-aligned; text (the first and last columns) left-aligned.
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (part: number, whole: number) => (whole === 0 ? "-" : `${Math.round((100 * part) / whole)} %`);
const oneLine = (text: string, max = 400) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/** The stack/key names a failure line mentions, e.g. soak-xml/sub-003. */
const resourcesIn = (line: string) => [...line.matchAll(/\b(soak-(?:xml|json))\/((?:sub|acct)-\d{3})\b/g)].map((m) => `${m[1]}/${m[2]}`);

export function formatReport(result: SoakResult, command: string): string {
  const { options, phases, steps, scanner } = result;
  const redact = (t: string) => scanner.redact(t);
  const out: string[] = [];
  const subtenants = options.subtenants;
  out.push(`veeam-em fault soak: ${options.tenants ?? 0} tenants, ${subtenants} subtenants, ${options.accounts} accounts, ${options.formats.join(" + ")}, ${options.concurrency} steps at once per stack, fault seed ${options.seed}`);
  out.push(`command: ${command}`);
  const f = options.faults;
  const rate = (v: number | undefined) => `${Math.round((v ?? 0) * 100)} %`;
  out.push(
    `faults per request: reset ${rate(f.resetRate)}, 5xx ${rate(f.serverErrorRate)}, 429 ${rate(f.throttleRate)}, session drop ${rate(f.sessionDropRate)}, lost answer ${rate(f.lostResponseRate)}; ` +
      `per task: fail ${rate(f.taskFailureRate)}, hang ${rate(f.taskHangRate)}; run n of a phase uses seed ${options.seed} + 100 × phase index + n`,
  );
  out.push(`provider: taskTimeoutSeconds ${options.taskTimeoutSeconds}, requestTimeoutSeconds ${options.requestTimeoutSeconds}; step deadline ${options.stepDeadlineMs / 1000} s; EM task duration ${options.taskDurationMs} ms`);
  out.push("");
  out.push(
    table(
      ["phase", "runs", "converged", "steps", "errors", "hangs", "adopted", "duplicates", "orphans", "gone", "mismatches", "drops", "lost backups", "time"],
      phases.map((p) => [p.phase, p.runs, p.converged ? "yes" : "NO", p.steps, p.errors, p.hangs, p.adopted.length, p.findings.duplicates.length, p.findings.orphans.length, p.findings.ghosts.length, p.findings.mismatches.length + p.staleAfterRefresh.length, p.drops.length, p.lostBackups.length, seconds(p.ms)]),
    ),
  );
  out.push("");

  const errors = steps.filter((s): s is StepRecord & { error: NonNullable<StepRecord["error"]> } => s.error !== undefined);
  const kinds = new Map<string, typeof errors>();
  for (const e of errors) kinds.set(e.error.kind, [...(kinds.get(e.error.kind) ?? []), e]);
  const advised = errors.filter((e) => e.error.advice).length;
  out.push(`errors: ${errors.length} in ${steps.length} steps; ${pct(advised, errors.length)} gave advice; ${errors.filter((e) => e.error.recordedWithId).length} carried the object's id (recorded in state)`);
  if (errors.length > 0) {
    out.push(
      table(
        ["kind", "errors", "with advice", "example"],
        [...kinds].sort((a, b) => b[1].length - a[1].length).map(([kind, list]) => [kind, list.length, pct(list.filter((e) => e.error.advice).length, list.length), oneLine(redact(list[0].error.message), 140)]),
      ),
    );
  }
  const adopted = phases.flatMap((p) => p.adopted);
  out.push(`adopted by the operator after an unknown outcome, as the error told them: ${adopted.length === 0 ? "none" : adopted.join(", ")}`);
  out.push("");

  const totalFaults = Object.entries(result.injected).filter(([k]) => !k.startsWith("task")).reduce((n, [, v]) => n + v, 0);
  out.push(`faults injected: ${Object.entries(result.injected).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}; ${pct(totalFaults, result.requests)} of ${result.requests} requests faulted`);
  out.push(`secrets: ${result.leaks.length === 0 ? "none found" : `${result.leaks.length} leak(s)`} in errors, plugin output, emulator log and state`);
  out.push(`time: ${seconds(result.ms)} (budget ${seconds(options.budgetMs)})`);
  out.push("");

  if (result.failures.length === 0) {
    out.push("PASS: 0 duplicates, 0 orphans, 0 state entries whose object is gone, EM equal to the declarations, 0 drops on refresh, 0 lost backups, no secret leaked, every phase converged");
    return out.join("\n");
  }
  out.push(`FAIL: ${result.failures.length} failed assertion(s)`);
  for (const f of result.failures) out.push(`  - ${redact(f)}`);
  const traced = [...new Set(result.failures.flatMap(resourcesIn))];
  if (traced.length > 0) {
    out.push("");
    out.push("history of each resource named above (phase run: what the step did or the error it got):");
    for (const name of traced) {
      out.push(`  ${name}`);
      for (const s of steps.filter((x) => `${x.stack}/${x.key}` === name)) {
        out.push(`    ${s.phase} ${s.run}: ${s.error ? `ERROR [${s.error.kind}${s.error.recordedWithId ? ", id recorded" : ""}] ${oneLine(redact(s.error.message))}` : s.op}`);
        if (s.error?.kind.startsWith("hang")) out.push(...hangTrace(result, name, s).map((l) => `      ${l}`));
      }
    }
  }
  return out.join("\n");
}

/**
 * The emulator's log lines that name the resource (its name appears in query filters) while its step hung: shows
 * what the provider kept doing, e.g. polling for an object that EM never made.
 */
function hangTrace(result: SoakResult, resource: string, step: StepRecord): string[] {
  const token = /soak-[a-z]+-\d{3}/.exec(result.names[resource] ?? "")?.[0];
  if (!token) return [];
  const lines = result.emulatorLog.filter((line) => {
    const at = Number(line.slice(0, line.indexOf(" ")));
    return at >= step.at && at <= step.at + step.ms && line.includes(token);
  });
  const shown = lines.length > 6 ? [...lines.slice(0, 3), `… ${lines.length - 6} more …`, ...lines.slice(-3)] : lines;
  return [`EM requests naming ${token} during the hang (ms since start, request, answer): ${lines.length}`, ...shown.map((l) => oneLine(l, 220))];
}

/** The report as JSON, secrets replaced by their labels. */
export function reportJson(result: SoakResult): string {
  const { scanner, ...rest } = result;
  return scanner.redact(JSON.stringify(rest, null, 2));
}
