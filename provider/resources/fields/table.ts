/**
 * Field tables: each resource describes its arguments and outputs once, as data (name, type, required, default,
 * limits, replace or update, secret, where EM reports it). Everything that used to repeat those facts comes from
 * the table: `check` (rules and messages), `diff` (which fields replace, names compared without case), the
 * outputs, the inputs a refresh hands back, the seeded outputs of the resource classes and the README's argument
 * tables. Keep the tables declarative: a Pulumi schema could be produced from them later.
 *
 * This module holds the format of a table and what is read straight off it; check.ts, diff.ts, state.ts and
 * docs.ts derive the rest.
 */

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
 * as a set of names (order and case do not matter); or by a resource's own rule (which may read the new inputs).
 */
export type Comparison = "exact" | "name" | "nameSet" | { same: (a: unknown, b: unknown, news: Record<string, unknown>) => boolean };

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
  /**
   * What a change of the argument does: replace the object, update it in place, update only the stack's state
   * (a setting the provider reads later, e.g. at destroy: an update that writes nothing to EM), or nothing at all
   * (read only at create, e.g. `adopt`).
   */
  onChange?: "replace" | "update" | "state" | "none";
  /** How `diff` compares; default exact. */
  compare?: Comparison;
  /** Compared only when the stack declares it; otherwise EM's value stands (no drift either way). */
  optionalInDiff?: boolean;
  /** Kept secret in state and outputs. */
  secret?: boolean;
  /**
   * Objects: a rule over the whole value, run once its members have the right types (e.g. a connection checked
   * as the client would check it): the failing member's path and the message, or undefined.
   */
  rule?: (value: Record<string, unknown>, path: string) => { property: string; reason: string } | undefined;
  /**
   * A typed output of the resource class (`declare readonly`). Default true. The stored outputs carry every
   * declared argument either way, so a refresh can hand it back.
   */
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

/** What a good value is, for messages: the table's words, else the type's. */
export function expected(field: Field<any>): string {
  if (field.expects) return field.expects;
  const type = field.type;
  if (type.kind === "boolean") return "true or false";
  if (type.kind === "integer") return field.min !== undefined ? `a whole number of at least ${field.min}` : "a whole number";
  if (type.kind === "enum") return `one of ${type.values.join(", ")}`;
  if (type.kind === "object") return `an object { ${argumentList(type.fields)} }`;
  if (type.kind === "list") return type.item.kind === "string" ? `a list of ${type.item.describe}` : `a list of { ${argumentList(type.item.fields)} }`;
  return "a string";
}

export const argumentList = (fields: readonly Field<any>[]) => fields.filter(isArgument).map((f) => `${f.name}${f.required ? "" : "?"}`).join(", ");
