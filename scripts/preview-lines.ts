/** What a run of `pulumi up` did to each resource, in the words of `pulumi preview`. */
import type { UpOperation } from "../tools/engine/engine";

export interface Step {
  op: UpOperation;
  kind: string;
  name: string;
  /** Arguments whose declared value changed (names only, never values). */
  changed: string[];
  /** Of those, the ones that force a replacement. */
  replaces: string[];
}

const SYMBOL: Record<UpOperation, string> = { create: "+ ", update: "~ ", replace: "+-", same: "  " };
const VERB: Record<UpOperation, string> = { create: "create", update: "update", replace: "replace", same: "no change" };
const PAST: Record<UpOperation, string> = { create: "created", update: "updated", replace: "replaced", same: "unchanged" };

export const kindOf = (type: string) => type.split(":").pop() ?? type;

export function changedArguments(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete("__provider");
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

export function stepLine(step: Step): string {
  const fields = step.changed.map((f) => (step.replaces.includes(f) ? `${f} (forces replacement)` : f));
  const detail = step.op === "update" || step.op === "replace" ? `  [changed: ${fields.join(", ")}]` : "";
  return `  ${SYMBOL[step.op]} ${VERB[step.op].padEnd(9)}  ${step.kind.padEnd(17)}  ${step.name}${detail}`;
}

/** "5 created" / "2 updated, 3 unchanged" / "no changes (5 unchanged)". */
export function outcome(steps: Step[]): string {
  const counts = (["create", "update", "replace", "same"] as const).map((op) => [op, steps.filter((s) => s.op === op).length] as const).filter(([, n]) => n > 0);
  if (counts.every(([op]) => op === "same")) return `no changes (${steps.length} unchanged)`;
  return counts.map(([op, n]) => `${n} ${PAST[op]}`).join(", ");
}
