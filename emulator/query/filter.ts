/**
 * EM's query filter language: conditions `Field<op>Value` with the operators ==, !=, <, >, <=, >=,
 * joined by `;` (and) and `,` (or), where `;` binds tighter than `,`, and parentheses group.
 * Values may be double-quoted; inside quotes a doubled quote `""` stands for one quote and a backslash is an
 * ordinary character, so `"TECH\user"` means TECH\user. Spaces in an unquoted value are ignored, as EM does.
 */
import { compareNames } from "../domain/names";

export type Operator = "==" | "!=" | "<" | ">" | "<=" | ">=";

export interface Condition {
  kind: "condition";
  field: string;
  op: Operator;
  value: string;
}

export interface Combination {
  kind: "and" | "or";
  parts: FilterNode[];
}

export type FilterNode = Condition | Combination;

export class FilterSyntaxError extends Error {}

const OPERATORS: Operator[] = ["==", "!=", "<=", ">=", "<", ">"];

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): FilterNode {
    const node = this.parseOr();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text[this.pos]}'`);
    return node;
  }

  private fail(why: string): never {
    throw new FilterSyntaxError(`Invalid filter '${this.text}' at position ${this.pos + 1}: ${why}`);
  }

  private parseOr(): FilterNode {
    const parts = [this.parseAnd()];
    while (this.text[this.pos] === ",") {
      this.pos++;
      parts.push(this.parseAnd());
    }
    return parts.length === 1 ? parts[0] : { kind: "or", parts };
  }

  private parseAnd(): FilterNode {
    const parts = [this.parsePrimary()];
    while (this.text[this.pos] === ";") {
      this.pos++;
      parts.push(this.parsePrimary());
    }
    return parts.length === 1 ? parts[0] : { kind: "and", parts };
  }

  private parsePrimary(): FilterNode {
    if (this.text[this.pos] === "(") {
      this.pos++;
      const inner = this.parseOr();
      if (this.text[this.pos] !== ")") this.fail("missing ')'");
      this.pos++;
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): Condition {
    const fieldMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(this.pos));
    if (!fieldMatch) this.fail("expected a field name");
    const field = fieldMatch[0];
    this.pos += field.length;
    const op = OPERATORS.find((o) => this.text.startsWith(o, this.pos));
    if (!op) this.fail(`expected an operator (${OPERATORS.join(" ")}) after '${field}'`);
    this.pos += op.length;
    return { kind: "condition", field, op, value: this.parseValue() };
  }

  private parseValue(): string {
    if (this.text[this.pos] !== '"') {
      const m = /^[^;,()"]*/.exec(this.text.slice(this.pos)) as RegExpExecArray;
      this.pos += m[0].length;
      return m[0].replace(/ /g, "");
    }
    this.pos++;
    let value = "";
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '"' && this.text[this.pos + 1] === '"') {
        value += '"';
        this.pos += 2;
      } else if (ch === '"') {
        this.pos++;
        return value;
      } else {
        value += ch;
        this.pos++;
      }
    }
    this.fail("unterminated quoted value");
  }
}

export function parseFilter(text: string): FilterNode {
  return new Parser(text).parse();
}

/**
 * A value of an enumeration (a task's State, a tenant's Type). query_comparison: "If a resource parameter has an
 * array of possible values, the values are compared by their index", so `State>=OperationFinished` also finds
 * Finished tasks. `values` is the list in the order the query type's reference page gives it.
 */
export interface EnumValue {
  value: string;
  values: readonly string[];
}

export type FieldValue = string | number | boolean | EnumValue | undefined;

export function enumValue(value: string, values: readonly string[]): EnumValue {
  return { value, values };
}

/** The index of a value in its enumeration, ignoring case; a value outside it is a bad filter. */
function enumIndex(values: readonly string[], value: string): number {
  const index = values.findIndex((v) => v.toLowerCase() === value.toLowerCase());
  if (index < 0) throw new FilterSyntaxError(`'${value}' is not one of the values ${values.join(", ")}`);
  return index;
}

/** Orders two field values: enumerations by index, names by the name rule, numbers and booleans by value. */
export function compareFieldValues(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === "object" && typeof b === "object") return enumIndex(a.values, a.value) - enumIndex(b.values, b.value);
  if (typeof a === "string" && typeof b === "string") return compareNames(a, b);
  return a < b ? -1 : 1;
}

function compare(actual: FieldValue, op: Operator, expected: string): boolean {
  if (actual === undefined) return op === "!=";
  let order: number;
  if (typeof actual === "number") {
    const n = Number(expected);
    if (expected.trim() === "" || Number.isNaN(n)) throw new FilterSyntaxError(`'${expected}' is not a number`);
    order = actual - n;
  } else if (typeof actual === "object") {
    order = enumIndex(actual.values, actual.value) - enumIndex(actual.values, expected);
  } else if (typeof actual === "boolean") {
    const lowered = expected.toLowerCase();
    if (lowered !== "true" && lowered !== "false") throw new FilterSyntaxError(`'${expected}' is not a boolean (true or false)`);
    order = Number(actual) - Number(lowered === "true");
  } else {
    order = compareNames(actual, expected);
  }
  switch (op) {
    case "==": return order === 0;
    case "!=": return order !== 0;
    case "<": return order < 0;
    case ">": return order > 0;
    case "<=": return order <= 0;
    case ">=": return order >= 0;
  }
}

/** Evaluates a filter against one object; `field` returns undefined for a field the object lacks, throws for an unknown one. */
export function matches(node: FilterNode, field: (name: string) => FieldValue): boolean {
  switch (node.kind) {
    case "and":
      return node.parts.every((p) => matches(p, field));
    case "or":
      return node.parts.some((p) => matches(p, field));
    case "condition":
      return compare(field(node.field), node.op, node.value);
  }
}
