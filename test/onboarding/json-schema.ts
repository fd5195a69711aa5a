/**
 * A small JSON Schema (2020-12) validator for the keywords the onboarding schema uses, so tests can check files
 * against the shipped schema without a dependency. A keyword it does not know is an error, never ignored: a schema
 * that starts using one makes the tests fail until the validator learns it.
 */
type Schema = Record<string, any>;

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "default", "$comment", "examples", "patternErrorMessage", "errorMessage"]);
const KNOWN = new Set([
  ...ANNOTATIONS,
  "$ref",
  "$defs",
  "type",
  "properties",
  "patternProperties",
  "additionalProperties",
  "required",
  "dependentRequired",
  "enum",
  "const",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "items",
  "minItems",
  "uniqueItems",
  "oneOf",
  "anyOf",
  "not",
]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every violation, as "<path>: <keyword> …"; empty when the value is valid. */
export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const check = (schema: Schema, v: unknown, at: string): void => {
    for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`the test validator does not know the keyword '${key}' (at schema for ${at || "/"})`);
    const fail = (message: string) => errors.push(`${at || "/"}: ${message}`);
    if (schema.$ref !== undefined) {
      const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
      if (!m || !root.$defs?.[m[1]]) throw new Error(`unresolvable $ref ${schema.$ref}`);
      check(root.$defs[m[1]], v, at);
    }
    const t = typeOf(v);
    if (schema.type !== undefined && !(schema.type === t || (schema.type === "number" && t === "integer"))) {
      fail(`type: expected ${schema.type}, got ${t}`);
      return;
    }
    if (schema.const !== undefined && !equal(schema.const, v)) fail(`const: expected ${JSON.stringify(schema.const)}`);
    if (schema.enum !== undefined && !schema.enum.some((e: unknown) => equal(e, v))) fail(`enum: ${JSON.stringify(v)} is not one of ${JSON.stringify(schema.enum)}`);
    if (typeof v === "number" && schema.minimum !== undefined && v < schema.minimum) fail(`minimum: ${v} < ${schema.minimum}`);
    if (typeof v === "number" && schema.maximum !== undefined && v > schema.maximum) fail(`maximum: ${v} > ${schema.maximum}`);
    if (typeof v === "string") {
      if (schema.minLength !== undefined && [...v].length < schema.minLength) fail(`minLength ${schema.minLength}`);
      if (schema.maxLength !== undefined && [...v].length > schema.maxLength) fail(`maxLength ${schema.maxLength}`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(v)) fail(`pattern ${schema.pattern}`);
    }
    if (Array.isArray(v)) {
      if (schema.minItems !== undefined && v.length < schema.minItems) fail(`minItems ${schema.minItems}`);
      if (schema.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) fail("uniqueItems");
      if (schema.items !== undefined) v.forEach((item, i) => check(schema.items, item, `${at}/${i}`));
    }
    if (t === "object") {
      const o = v as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in o)) fail(`required: '${key}' is missing`);
      for (const [key, needs] of Object.entries((schema.dependentRequired ?? {}) as Record<string, string[]>)) {
        if (key in o) for (const need of needs) if (!(need in o)) fail(`dependentRequired: '${key}' needs '${need}'`);
      }
      for (const [key, item] of Object.entries(o)) {
        const declared = schema.properties?.[key];
        const patterned = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>).filter(([p]) => new RegExp(p, "u").test(key));
        if (declared) check(declared, item, `${at}/${key}`);
        for (const [, s] of patterned) check(s, item, `${at}/${key}`);
        if (!declared && patterned.length === 0 && schema.additionalProperties === false) fail(`additionalProperties: '${key}' is not allowed`);
      }
    }
    const passes = (s: Schema) => {
      const before = errors.length;
      check(s, v, at);
      const ok = errors.length === before;
      errors.length = before;
      return ok;
    };
    if (schema.oneOf !== undefined && schema.oneOf.filter(passes).length !== 1) fail("oneOf: not exactly one alternative matches");
    if (schema.anyOf !== undefined && !schema.anyOf.some(passes)) fail("anyOf: no alternative matches");
    if (schema.not !== undefined && passes(schema.not)) fail("not: the value matches a forbidden shape");
  };
  check(root, value, "");
  return errors;
}
