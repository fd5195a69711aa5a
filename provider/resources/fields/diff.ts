/** `diff` from a field table: which declared arguments replace the object, which update it. */
import { nameKey, sameName } from "../names";
import { isArgument, type Comparison, type ResourceFields } from "./table";

function same(comparison: Comparison, a: unknown, b: unknown, news: Record<string, unknown> = {}): boolean {
  if (comparison === "exact") return a === b;
  if (comparison === "name") return sameName(String(a ?? ""), String(b ?? ""));
  if (comparison === "nameSet") {
    // A list not known yet (a preview) counts as changed.
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const keys = (items: unknown[]) => [...new Set(items.map((item) => nameKey(String(item))))].sort().join("\n");
    return keys(a) === keys(b);
  }
  return comparison.same(a, b, news);
}

/** `diff` from the table: which declared arguments replace the object, and whether anything changed at all. */
export function diffInputs(table: ResourceFields<any>, olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean } {
  const replaces: string[] = [];
  let changed = false;
  for (const field of table.fields.filter(isArgument)) {
    if (field.onChange === "none") continue;
    if (field.optionalInDiff && news[field.name] === undefined) continue;
    if (same(field.compare ?? "exact", news[field.name], olds[field.name], news)) continue;
    if (field.onChange === "replace") replaces.push(field.name);
    else changed = true;
  }
  const changes = replaces.length > 0 || changed;
  if (table.uniqueName === undefined) return { changes, replaces };
  const keepsName = same("name", news[table.uniqueName], olds[table.uniqueName]);
  // EM compares the unique name without case: the old object must go before one with the same name comes.
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && keepsName };
}
