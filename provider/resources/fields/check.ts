/**
 * `check` from a field table: types, required arguments, limits, name rules, relations between fields and
 * arguments that do not exist, each failure naming the field, what is wrong and what is allowed.
 */
import { nameKey } from "../names";
import { isUnknown, type Failure } from "../validation";
import { argumentList, expected, isArgument, type Field, type ItemType, type ResourceFields } from "./table";

const present = (value: unknown) => value !== undefined && value !== null;
const show = (value: unknown) => (typeof value === "string" ? `'${value}'` : JSON.stringify(value));
/** A value for a message; a secret field's (a password, a connection) is never shown, only its type. */
const shown = (field: Field<any>, value: unknown, withType = false) =>
  field.secret ? `${Array.isArray(value) ? "a list" : typeof value} (value not shown: it is secret)` : withType ? `${typeof value} ${show(value)}` : show(value);

/** Levenshtein distance without regard to case, for "did you mean". */
function distance(first: string, second: string): number {
  const [a, b] = [nameKey(first), nameKey(second)];
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The known name closest to `name`, when it is close enough to be a typing slip. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** " (did you mean 'quotaMb'?)" when `name` is a slip of one of `known`, else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  const guess = nearest(name, known);
  return guess ? ` (did you mean '${guess}'?)` : "";
}

function unknownKeys(record: Record<string, unknown>, fields: readonly Field<any>[], at: (key: string) => string, what: string, fail: (p: string, r: string) => void): void {
  const known = fields.filter(isArgument).map((f) => f.name);
  for (const key of Object.keys(record)) {
    if (key.startsWith("__") || known.includes(key) || !present(record[key])) continue;
    const guess = nearest(key, known);
    fail(at(key), `${at(key)} is not an argument of ${what}${guess ? `; did you mean '${guess}'?` : "."} Its arguments are: ${known.join(", ")}.`);
  }
}

class Check {
  readonly failures: Failure[] = [];

  constructor(private readonly inputs: Record<string, unknown>) {}

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }

  fields(record: Record<string, unknown>, fields: readonly Field<any>[], prefix: string, what: string): void {
    unknownKeys(record, fields, (key) => prefix + key, what, (p, r) => this.fail(p, r));
    for (const field of fields.filter(isArgument)) this.field(record[field.name], field, prefix + field.name);
  }

  private field(value: unknown, field: Field<any>, path: string): void {
    if (!present(value)) {
      if (field.required) this.fail(path, `${path} is required (${expected(field)})`);
      return;
    }
    if (isUnknown(value)) return;
    const type = field.type;
    switch (type.kind) {
      case "string":
        return this.string(value, field, path);
      case "boolean":
        if (typeof value !== "boolean") this.fail(path, `${path} must be true or false, got ${shown(field, value)}`);
        return;
      case "integer":
        if (typeof value !== "number" || !Number.isInteger(value)) this.fail(path, `${path} must be a whole number${field.min !== undefined ? ` of at least ${field.min}` : ""}, got ${shown(field, value)}`);
        else if (field.min !== undefined && value < field.min) this.fail(path, `${path} must be at least ${field.min}, got ${value}`);
        return;
      case "enum":
        if (typeof value !== "string" || !type.values.includes(value)) this.fail(path, `${path} must be one of ${type.values.join(", ")}; got ${shown(field, value)}`);
        return;
      case "object":
        if (typeof value !== "object" || Array.isArray(value)) this.fail(path, `${path} must be an object { ${argumentList(type.fields)} }, got ${shown(field, value)}`);
        else {
          const before = this.failures.length;
          this.fields(value as Record<string, unknown>, type.fields, `${path}.`, path);
          const complete = Object.values(value as Record<string, unknown>).every((member) => !isUnknown(member));
          const problem = this.failures.length === before && complete ? field.rule?.(value as Record<string, unknown>, path) : undefined;
          if (problem) this.fail(problem.property, problem.reason);
        }
        return;
      case "list":
        return this.list(value, field, type.item, path);
    }
  }

  private string(value: unknown, field: Field<any>, path: string): void {
    if (typeof value !== "string") return this.fail(path, `${path} must be a string${field.expects ? ` (${field.expects})` : ""}, got ${shown(field, value, true)}`);
    if (field.nonEmpty && value.trim() === "") return this.fail(path, `${path} must not be empty${field.expects ? `: give ${field.expects}` : ""}`);
    if (field.maxLength !== undefined && value.length > field.maxLength) return this.fail(path, `${path} must be at most ${field.maxLength} characters, got ${value.length}`);
    if (field.pattern && !field.pattern.regex.test(value)) return this.fail(path, `${path} must be ${field.pattern.describe}; got ${shown(field, value)}`);
    const problem = field.nameRule?.(value, this.inputs);
    // The reason names the field once: the engine shows it after the property ("name: name: …" otherwise).
    if (problem) this.fail(path, new RegExp(`\\b${path.replace(/[^\w]/g, "\\$&")}\\b`).test(problem) ? problem : `${problem} (${path})`);
  }

  private list(value: unknown, field: Field<any>, item: ItemType, path: string): void {
    const listOf = item.kind === "string" ? item.describe : `{ ${argumentList(item.fields)} }`;
    if (!Array.isArray(value)) return this.fail(path, `${path} must be a ${field.nonEmpty ? "non-empty " : ""}list of ${listOf}, got ${shown(field, value)}`);
    if (field.nonEmpty && value.length === 0) return this.fail(path, `${path} must be a non-empty list of ${listOf}`);
    value.forEach((element, i) => {
      const at = `${path}[${i}]`;
      if (isUnknown(element)) return;
      if (item.kind === "string") {
        if (typeof element !== "string" || element.trim() === "") this.fail(at, `${at} must be ${item.one}, got ${show(element)}`);
      } else if (typeof element !== "object" || element === null || Array.isArray(element)) {
        this.fail(at, `${at} must be an object { ${argumentList(item.fields)} }, got ${show(element)}`);
      } else {
        this.fields(element as Record<string, unknown>, item.fields, `${at}.`, path);
      }
    });
  }
}


/** The value at a dotted path ("flrSettings.inplaceOnly"), with the table's default where the stack gave none. */
function valueAt(inputs: Record<string, unknown>, path: string, table: ResourceFields<any>): unknown {
  let value: unknown = inputs;
  let fields: readonly Field<any>[] | undefined = table.fields;
  for (const part of path.split(".")) {
    const field: Field<any> | undefined = fields?.find((f) => f.name === part);
    const next: unknown = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
    value = present(next) ? next : field?.default;
    fields = field?.type.kind === "object" ? field.type.fields : undefined;
  }
  return value;
}

function checkRelations(c: Check, inputs: Record<string, unknown>, table: ResourceFields<any>): void {
  for (const relation of table.relations ?? []) {
    if (relation.kind === "exactlyOne") {
      const [a, b] = relation.fields;
      const has = (name: string) => present(valueAt(inputs, name, table));
      if (!has(a) && !has(b)) c.fail(a, relation.missing);
      if (has(a) && has(b)) c.fail(b, relation.both);
    } else {
      const condition = valueAt(inputs, relation.when, table);
      // Unknown during a preview, or of the wrong type (reported on its own): the rule waits for the real value.
      if (condition !== relation.equals) continue;
      const value = valueAt(inputs, relation.field, table);
      if (!present(value) || value === "") c.fail(relation.field, relation.reason);
      else if (Array.isArray(value) && value.length === 0) c.fail(relation.field, relation.emptyReason ?? relation.reason);
    }
  }
}

/** The top-level defaults of the table applied to the declared (non-null) arguments. */
function withDefaults(news: Record<string, unknown>, table: ResourceFields<any>): Record<string, unknown> {
  const defaults = Object.fromEntries(table.fields.filter((f) => f.default !== undefined).map((f) => [f.name, f.default]));
  return { ...defaults, ...Object.fromEntries(Object.entries(news).filter(([, v]) => present(v))) };
}

/**
 * `check` from the table: every failure names the field, says what is wrong and what is allowed; values not
 * known yet (a preview) pass and are checked when they are known.
 */
export function checkInputs<Inputs extends object = Record<string, unknown>>(table: ResourceFields<any>, args: object): { inputs: Inputs; failures: Failure[] } {
  const news = args as Record<string, unknown>;
  const c = new Check(news);
  c.fields(news, table.fields, "", table.resource);
  checkRelations(c, news, table);
  // The table's checks are what makes the arguments the resource's Inputs.
  return { inputs: withDefaults(news, table) as Inputs, failures: c.failures };
}
