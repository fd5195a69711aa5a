/**
 * Field tables: each resource describes its arguments and outputs once, as data (name, type, required, default,
 * limits, replace or update, secret, where EM reports it). Everything that used to repeat those facts comes from
 * the table: `check` (rules and messages), `diff` (which fields replace, names compared without case), the
 * outputs, the inputs a refresh hands back, the seeded outputs of the resource classes and the README's argument
 * tables. Keep the tables declarative: a Pulumi schema could be produced from them later.
 */
import { nameKey, sameName } from "./names";
import { isUnknown, type Failure } from "./validation";

/** What values a field takes. Lists and objects describe their items and members with further fields. */
export type FieldType =
  | { kind: "string" }
  | { kind: "boolean" }
  | { kind: "integer" }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "list"; item: ItemType }
  | { kind: "object"; fields: readonly Field[] };

/** The type of a list's items: a string (what the items are, and what one is) or an object. */
export type ItemType = { kind: "string"; describe: string; one: string } | { kind: "object"; fields: readonly Field[] };

/**
 * How the old and the new value compare in `diff`: exactly; as names, without regard to case (EM's way);
 * as a set of names (order and case do not matter); or by a resource's own key.
 */
export type Comparison = "exact" | "name" | "nameSet" | { same: (a: unknown, b: unknown) => boolean };

/** A name rule: the problem with `value` (what is wrong and what is allowed), or undefined when it is fine. */
export type NameRule = (value: string, inputs: Record<string, unknown>) => string | undefined;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- members of lists and objects have no report of their own
export interface Field<Report = any> {
  name: string;
  type: FieldType;
  /** The README's notes and the resource class's doc comment: what the field is, in a sentence. */
  doc: string;
  /** What a good value looks like, for messages: "the cloud tenant's id (a GUID)". */
  expects?: string;
  /** An argument a stack declares; false for an output only EM supplies. Default true. */
  argument?: boolean;
  required?: boolean;
  /** Applied by `check` when the stack leaves the argument out. */
  default?: string | number | boolean;
  /** Strings: not blank. Lists: at least one item. */
  nonEmpty?: boolean;
  /** Integers: the smallest value EM takes. */
  min?: number;
  /** Strings: the most characters EM takes. */
  maxLength?: number;
  /** Strings: a pattern the value must match, and how to say it. */
  pattern?: { regex: RegExp; describe: string };
  /** Strings: EM's or Windows' naming rules (surrounding spaces, forbidden characters, formats). */
  nameRule?: NameRule;
  /** What a change of the argument does: replace the object, update it in place, or nothing in EM. */
  onChange?: "replace" | "update" | "none";
  /** How `diff` compares; default exact. */
  compare?: Comparison;
  /** Compared only when the stack declares it; otherwise EM's value stands (no drift either way). */
  optionalInDiff?: boolean;
  /** Kept secret in state and outputs. */
  secret?: boolean;
  /** An output of the resource (`declare readonly` on the class). Default true. */
  output?: boolean;
  /** Where EM reports the value; without it the output is the declared value. */
  reported?: (report: Report) => unknown;
  /**
   * What a refresh hands back as the input: EM's value ("em", from `reported`), the declared one ("declared";
   * EM never reports it, or reports it in its own case), or a value worked out from both.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resource reads its own old outputs
  refresh?: "em" | "declared" | ((old: any, report: Report) => unknown);
  /** A refresh hands the argument back even where the stack left it out, when this holds (drift in EM). */
  refreshAlsoWhen?: (report: Report) => boolean;
}

/** Rules that tie fields together. `reason` is the whole message; paths may name members ("flrSettings.inplaceOnly"). */
export type Relation =
  | { kind: "exactlyOne"; fields: readonly [string, string]; missing: string; both: string }
  | { kind: "requiredWhen"; field: string; when: string; equals: unknown; reason: string; emptyReason?: string };

export interface ResourceFields<Report = unknown> {
  /** The resource's type name, as in `new Subtenant(...)`. */
  resource: string;
  fields: readonly Field<Report>[];
  relations?: readonly Relation[];
  /**
   * EM refuses two objects with this field's value (without case): a replacement that keeps it must delete the
   * old object first.
   */
  uniqueName?: string;
}

/** Where outputs keep which arguments the stack declared; `__` keys are internal to Pulumi and not displayed. */
export const DECLARED_KEY = "__declared";
/** Where state written by version 0.1 kept them, a user-visible output. Read, never written. */
export const LEGACY_DECLARED_KEY = "declaredArgs";

/** The names of a table's arguments, as a type (for compile-time checks against the resource's TS types). */
export type ArgumentName<T extends { fields: readonly { name: string }[] }> = Exclude<T["fields"][number], { argument: false }>["name"];
/** The names of a table's outputs, as a type. */
export type OutputName<T extends { fields: readonly { name: string }[] }> = Exclude<T["fields"][number], { output: false }>["name"];

export const isArgument = (field: Field<any>): boolean => field.argument !== false;
export const isOutput = (field: Field<any>): boolean => field.output !== false;

export function argumentNames(table: ResourceFields<any>): string[] {
  return table.fields.filter(isArgument).map((f) => f.name);
}

export function outputNames(table: ResourceFields<any>): string[] {
  return table.fields.filter(isOutput).map((f) => f.name);
}

export function secretNames(table: ResourceFields<any>): string[] {
  return table.fields.filter((f) => f.secret).map((f) => f.name);
}

/** Every output set to undefined: the keys a dynamic resource must carry so its `declare readonly` outputs resolve. */
export function seededOutputs(table: ResourceFields<any>): Record<string, undefined> {
  return Object.fromEntries(outputNames(table).map((name) => [name, undefined]));
}

// ---------------------------------------------------------------------------------------------------------------
// check

const present = (value: unknown) => value !== undefined && value !== null;
const show = (value: unknown) => (typeof value === "string" ? `'${value}'` : JSON.stringify(value));

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
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

function unknownKeys(record: Record<string, unknown>, fields: readonly Field<any>[], at: (key: string) => string, what: string, fail: (p: string, r: string) => void): void {
  const known = fields.filter(isArgument).map((f) => f.name);
  for (const key of Object.keys(record)) {
    if (key.startsWith("__") || known.includes(key) || !present(record[key])) continue;
    const guess = nearest(key, known);
    fail(at(key), `${at(key)} is not an argument of ${what}${guess ? `; did you mean '${guess}'?` : ""} Its arguments are: ${known.join(", ")}`);
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
        if (typeof value !== "boolean") this.fail(path, `${path} must be true or false, got ${show(value)}`);
        return;
      case "integer":
        if (typeof value !== "number" || !Number.isInteger(value)) this.fail(path, `${path} must be a whole number${field.min !== undefined ? ` of at least ${field.min}` : ""}, got ${show(value)}`);
        else if (field.min !== undefined && value < field.min) this.fail(path, `${path} must be at least ${field.min}, got ${value}`);
        return;
      case "enum":
        if (typeof value !== "string" || !type.values.includes(value)) this.fail(path, `${path} must be one of ${type.values.join(", ")}; got ${show(value)}`);
        return;
      case "object":
        if (typeof value !== "object" || Array.isArray(value)) this.fail(path, `${path} must be an object { ${argumentList(type.fields)} }, got ${show(value)}`);
        else this.fields(value as Record<string, unknown>, type.fields, `${path}.`, path);
        return;
      case "list":
        return this.list(value, field, type.item, path);
    }
  }

  private string(value: unknown, field: Field<any>, path: string): void {
    if (typeof value !== "string") return this.fail(path, `${path} must be a string${field.expects ? ` (${field.expects})` : ""}, got ${typeof value} ${show(value)}`);
    if (field.nonEmpty && value.trim() === "") return this.fail(path, `${path} must not be empty${field.expects ? `: give ${field.expects}` : ""}`);
    if (field.maxLength !== undefined && value.length > field.maxLength) return this.fail(path, `${path} must be at most ${field.maxLength} characters, got ${value.length}`);
    if (field.pattern && !field.pattern.regex.test(value)) return this.fail(path, `${path} must be ${field.pattern.describe}; got ${show(value)}`);
    const problem = field.nameRule?.(value, this.inputs);
    if (problem) this.fail(path, `${path}: ${problem}`);
  }

  private list(value: unknown, field: Field<any>, item: ItemType, path: string): void {
    const listOf = item.kind === "string" ? item.describe : `{ ${argumentList(item.fields)} }`;
    if (!Array.isArray(value)) return this.fail(path, `${path} must be a ${field.nonEmpty ? "non-empty " : ""}list of ${listOf}, got ${show(value)}`);
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

/** What a good value is, for messages: the table's words, else the type's. */
function expected(field: Field<any>): string {
  if (field.expects) return field.expects;
  const type = field.type;
  if (type.kind === "boolean") return "true or false";
  if (type.kind === "integer") return field.min !== undefined ? `a whole number of at least ${field.min}` : "a whole number";
  if (type.kind === "enum") return `one of ${type.values.join(", ")}`;
  if (type.kind === "object") return `an object { ${argumentList(type.fields)} }`;
  if (type.kind === "list") return type.item.kind === "string" ? `a list of ${type.item.describe}` : `a list of { ${argumentList(type.item.fields)} }`;
  return "a string";
}

const argumentList = (fields: readonly Field<any>[]) => fields.filter(isArgument).map((f) => `${f.name}${f.required ? "" : "?"}`).join(", ");

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
export function checkInputs(table: ResourceFields<any>, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failure[] } {
  const c = new Check(news);
  c.fields(news, table.fields, "", table.resource);
  checkRelations(c, news, table);
  return { inputs: withDefaults(news, table), failures: c.failures };
}

// ---------------------------------------------------------------------------------------------------------------
// diff

function same(comparison: Comparison, a: unknown, b: unknown): boolean {
  if (comparison === "exact") return a === b;
  if (comparison === "name") return sameName(String(a ?? ""), String(b ?? ""));
  if (comparison === "nameSet") {
    // A list not known yet (a preview) counts as changed.
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const keys = (items: unknown[]) => [...new Set(items.map((item) => nameKey(String(item))))].sort().join("\n");
    return keys(a) === keys(b);
  }
  return comparison.same(a, b);
}

/** `diff` from the table: which declared arguments replace the object, and whether anything changed at all. */
export function diffInputs(table: ResourceFields<any>, olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean } {
  const replaces: string[] = [];
  let changed = false;
  for (const field of table.fields.filter(isArgument)) {
    if (field.onChange === "none") continue;
    if (field.optionalInDiff && news[field.name] === undefined) continue;
    if (same(field.compare ?? "exact", news[field.name], olds[field.name])) continue;
    if (field.onChange === "replace") replaces.push(field.name);
    else changed = true;
  }
  const changes = replaces.length > 0 || changed;
  if (table.uniqueName === undefined) return { changes, replaces };
  const keepsName = same("name", news[table.uniqueName], olds[table.uniqueName]);
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && keepsName };
}

// ---------------------------------------------------------------------------------------------------------------
// outputs and refresh

/** Outputs must be plain JSON for the engine: no undefined values anywhere. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The declared arguments among `inputs`: what a refresh may hand back as inputs (the engine keeps no others). */
export function declaredIn(table: ResourceFields<any>, inputs: object): string[] {
  return argumentNames(table).filter((name) => (inputs as Record<string, unknown>)[name] !== undefined);
}

/**
 * The outputs: the declared arguments, EM's values where EM reports them, and (internal) which arguments were
 * declared. Nothing else from `inputs` (the plugin's `__provider`, keys of older versions) is carried over.
 */
export function outputsFrom<Report>(table: ResourceFields<Report>, inputs: object, report: Report, declared: readonly string[]): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const field of table.fields) {
    const value = field.reported ? field.reported(report) : isArgument(field) ? (inputs as Record<string, unknown>)[field.name] : undefined;
    if (value !== undefined) outputs[field.name] = value;
  }
  outputs[DECLARED_KEY] = [...declared];
  return plain(outputs);
}

/**
 * Which arguments the stack declared, from outputs: the internal key, else the key of state written by 0.1,
 * else `guess` (state written before either existed).
 */
export function declaredFrom(outputs: object, guess: () => string[]): string[] {
  const record = outputs as Record<string, unknown>;
  for (const key of [DECLARED_KEY, LEGACY_DECLARED_KEY]) if (Array.isArray(record[key])) return record[key] as string[];
  return guess();
}

/**
 * The declared arguments as EM now has them, for `pulumi refresh`: a later preview then shows drift against the
 * program. What EM never reports keeps its declared value; what the stack left to EM stays undeclared.
 */
export function refreshedInputs<Report>(table: ResourceFields<Report>, old: object, report: Report, declared: readonly string[]): Record<string, unknown> {
  const previous = old as Record<string, unknown>;
  const inputs: Record<string, unknown> = {};
  for (const field of table.fields.filter(isArgument)) {
    if (!declared.includes(field.name) && !field.refreshAlsoWhen?.(report)) continue;
    const how = field.refresh ?? "declared";
    const value = how === "declared" ? previous[field.name] : how === "em" ? field.reported?.(report) : how(previous, report);
    if (value !== undefined) inputs[field.name] = value;
  }
  return plain(inputs);
}

// ---------------------------------------------------------------------------------------------------------------
// documentation

function typeText(type: FieldType): string {
  switch (type.kind) {
    case "enum":
      return type.values.map((v) => `\`${v}\``).join(", ");
    case "list":
      return type.item.kind === "string" ? "string[]" : `\`{ ${argumentList(type.item.fields)} }[]\``;
    case "object":
      return `\`{ ${argumentList(type.fields)} }\``;
    default:
      return type.kind;
  }
}

const ON_CHANGE = { replace: "**replace**", update: "update", none: "—" } as const;

/** The README's argument table of a resource, in Markdown. */
export function argumentTable(table: ResourceFields<any>): string {
  const rows = table.fields.filter(isArgument).map((f) => {
    const notes = [f.required ? "required" : undefined, f.default !== undefined ? `default \`${JSON.stringify(f.default)}\`` : undefined, f.doc].filter(Boolean).join("; ");
    const type = f.secret ? `secret ${typeText(f.type)}` : typeText(f.type);
    return `| \`${f.name}\` | ${type} | ${ON_CHANGE[f.onChange ?? "update"]} | ${notes.replace(/\|/g, "\\|")} |`;
  });
  const outputsOnly = table.fields.filter((f) => !isArgument(f)).map((f) => `\`${f.name}\``);
  const notOutputs = table.fields.filter((f) => isArgument(f) && !isOutput(f)).map((f) => `\`${f.name}\``);
  return [
    "| argument | type | on change | notes |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    `Outputs: every argument${notOutputs.length > 0 ? ` but ${notOutputs.join(", ")}` : ""} as EM now has it, plus ${outputsOnly.join(", ")}.`,
  ].join("\n");
}
