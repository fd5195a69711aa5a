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

/** The declared arguments whose value differs between `olds` and `news`, as `diff` compares them. */
export function changedArguments(table: ResourceFields<any>, olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return table.fields
    .filter((field) => isArgument(field) && field.onChange !== "none")
    .filter((field) => !(field.optionalInDiff && news[field.name] === undefined))
    .filter((field) => !same(field.compare ?? "exact", news[field.name], olds[field.name], news))
    .map((field) => field.name);
}

/** A resource's arguments or outputs (a typed interface) read field by field. */
type Bag = Record<string, unknown>;

/** Whether every change between `olds` and `news` is to a state-only argument (`onChange: "state"`): nothing for EM. */
export function onlyStateChanges(table: ResourceFields<any>, olds: object, news: object): boolean {
  const changed = changedArguments(table, olds as Bag, news as Bag);
  return changed.length > 0 && changed.every((name) => table.fields.find((f) => f.name === name)?.onChange === "state");
}

/** `diff` from the table: which declared arguments replace the object, and whether anything changed at all. */
export function diffInputs(table: ResourceFields<any>, oldArgs: object, newArgs: object): { changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean } {
  const [olds, news] = [oldArgs as Bag, newArgs as Bag];
  const changed = changedArguments(table, olds, news);
  const replaces = changed.filter((name) => table.fields.find((f) => f.name === name)?.onChange === "replace");
  const changes = changed.length > 0;
  if (table.uniqueName === undefined) return { changes, replaces };
  const keepsName = same("name", news[table.uniqueName], olds[table.uniqueName]);
  // EM compares the unique name without case: the old object must go before one with the same name comes.
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && keepsName };
}
