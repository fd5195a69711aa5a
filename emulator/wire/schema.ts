import { XMLParser } from "fast-xml-parser";
import { EM_NAMESPACE } from "./xml";

/**
 * Request bodies are checked against a small description of EM's XML schema: elements in a fixed order
 * (xs:sequence), each with min/max occurrences and a simple type, or nested fields. XML bodies are held to
 * the order and occurrences like EM's schema validation does; JSON bodies are matched by property name.
 */
export type SimpleType = "string" | "boolean" | "int";

export interface AttrSpec {
  name: string;
  type: SimpleType;
}

export interface FieldSpec {
  name: string;
  type?: SimpleType;
  fields?: FieldSpec[];
  /** XML attributes of a complex element; in JSON they are properties beside its fields. */
  attrs?: AttrSpec[];
  min: 0 | 1;
  max: 1 | "unbounded";
  /** JSON property that holds a repeated element as an array, e.g. "EnterpriseRoles" for EnterpriseRole. */
  jsonArrayKey?: string;
  /** Read-only content EM accepts in a body and ignores (an entity's Links sent back in an edit). */
  ignored?: boolean;
}

export interface BodySpec {
  root: string;
  fields: FieldSpec[];
  attrs?: AttrSpec[];
}

export type Decoded = { [name: string]: DecodedValue };
export type DecodedValue = string | number | boolean | Decoded | DecodedValue[];

export class BodyError extends Error {}

/**
 * A JSON body without a property the schema requires. EM checks XML bodies against its schema but not JSON
 * ones, so it meets the gap later as a null reference and answers 500 (see the README).
 */
export class MissingJsonPropertyError extends BodyError {}

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
});

type OrderedNode = { [name: string]: OrderedNode[] | string } & { ":@"?: Record<string, string> };

function localName(qualified: string): string {
  const i = qualified.indexOf(":");
  return i < 0 ? qualified : qualified.slice(i + 1);
}

function convertScalar(raw: string, type: SimpleType, path: string): string | number | boolean {
  if (type === "string") return raw;
  if (type === "int") {
    if (!/^-?\d+$/.test(raw.trim())) throw new BodyError(`${path}: '${raw}' is not a valid integer`);
    return Number(raw.trim());
  }
  const lowered = raw.trim().toLowerCase();
  if (lowered === "true" || lowered === "1") return true;
  if (lowered === "false" || lowered === "0") return false;
  throw new BodyError(`${path}: '${raw}' is not a valid boolean (true or false)`);
}

function nodeName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ":@");
}

function textOf(children: OrderedNode[], path: string): string {
  const parts: string[] = [];
  for (const child of children) {
    const name = nodeName(child);
    if (name === "#text") parts.push(String(child["#text"]));
    else if (name !== undefined) throw new BodyError(`${path}: unexpected element <${localName(name)}> in a simple value`);
  }
  return parts.join("");
}

function decodeXmlAttrs(node: OrderedNode, attrs: AttrSpec[] | undefined, path: string, out: Decoded): void {
  for (const attr of attrs ?? []) {
    const raw = node[":@"]?.[attr.name];
    if (raw !== undefined) out[attr.name] = convertScalar(raw, attr.type, `${path}@${attr.name}`);
  }
}

function decodeXmlFields(children: OrderedNode[], fields: FieldSpec[], path: string): Decoded {
  const elements = children.filter((c) => nodeName(c) !== "#text" || String(c["#text"]).trim() !== "");
  const out: Decoded = {};
  let index = 0;
  for (const field of fields) {
    const values: DecodedValue[] = [];
    while (index < elements.length) {
      const name = nodeName(elements[index]);
      if (name === undefined || localName(name) !== field.name) break;
      const childPath = `${path}/${field.name}`;
      const content = elements[index][name] as OrderedNode[];
      if (field.ignored) {
        values.push("");
      } else if (field.fields) {
        const decoded = decodeXmlFields(content, field.fields, childPath);
        decodeXmlAttrs(elements[index], field.attrs, childPath, decoded);
        values.push(decoded);
      } else {
        values.push(convertScalar(textOf(content, childPath), field.type ?? "string", childPath));
      }
      index++;
      if (field.max === 1) break;
    }
    if (values.length < field.min) {
      const found = index < elements.length ? `<${localName(nodeName(elements[index]) ?? "?")}>` : "the end of the element";
      throw new BodyError(`${path}: expected element <${field.name}> but found ${found}`);
    }
    if (values.length > 0 && !field.ignored) out[field.name] = field.max === 1 ? values[0] : values;
  }
  if (index < elements.length) {
    const name = nodeName(elements[index]) ?? "?";
    const allowed = fields.map((f) => f.name).join(", ");
    throw new BodyError(`${path}: element <${localName(name)}> is not expected here (the sequence is: ${allowed})`);
  }
  return out;
}

export function decodeXml(body: string, spec: BodySpec): Decoded {
  let document: OrderedNode[];
  try {
    document = xmlParser.parse(body, true) as OrderedNode[];
  } catch (err) {
    throw new BodyError(`The request body is not well-formed XML: ${(err as Error).message}`);
  }
  const roots = document.filter((n) => nodeName(n) !== "#text" && nodeName(n) !== "?xml");
  if (roots.length !== 1) throw new BodyError("The request body must contain exactly one root element");
  const rootName = nodeName(roots[0]) as string;
  if (localName(rootName) !== spec.root) {
    throw new BodyError(`Expected root element <${spec.root}> but found <${localName(rootName)}>`);
  }
  const namespace = roots[0][":@"]?.xmlns;
  if (namespace !== EM_NAMESPACE) {
    throw new BodyError(`Element <${spec.root}> must be in the namespace '${EM_NAMESPACE}'`);
  }
  const decoded = decodeXmlFields(roots[0][rootName] as OrderedNode[], spec.fields, spec.root);
  decodeXmlAttrs(roots[0], spec.attrs, spec.root, decoded);
  return decoded;
}

function decodeJsonValue(value: unknown, field: FieldSpec, path: string): DecodedValue {
  if (field.fields) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new BodyError(`${path}: expected an object`);
    return decodeJsonFields(value as Record<string, unknown>, field.fields, path, field.attrs);
  }
  if (typeof value === "string") return convertScalar(value, field.type ?? "string", path);
  if (typeof value === "number" && field.type === "int" && Number.isInteger(value)) return value;
  if (typeof value === "number" && field.type === "string") return String(value);
  if (typeof value === "boolean" && field.type === "boolean") return value;
  throw new BodyError(`${path}: ${JSON.stringify(value)} is not a valid ${field.type ?? "string"}`);
}

function decodeJsonFields(object: Record<string, unknown>, fields: FieldSpec[], path: string, attrs?: AttrSpec[]): Decoded {
  const out: Decoded = {};
  for (const attr of attrs ?? []) {
    const raw = object[attr.name];
    if (raw !== undefined && raw !== null) out[attr.name] = decodeJsonValue(raw, { name: attr.name, type: attr.type, min: 0, max: 1 }, `${path}.${attr.name}`);
  }
  for (const field of fields) {
    if (field.ignored) continue;
    const childPath = `${path}.${field.name}`;
    let raw: unknown = object[field.name];
    if (raw === undefined && field.jsonArrayKey !== undefined) raw = object[field.jsonArrayKey];
    if (raw === undefined || raw === null) {
      if (field.min > 0) throw new MissingJsonPropertyError(`${path}: the property '${field.name}' is required`);
      continue;
    }
    if (field.max === 1) {
      out[field.name] = decodeJsonValue(raw, field, childPath);
    } else {
      const items = Array.isArray(raw) ? raw : [raw];
      if (items.length < field.min) throw new BodyError(`${path}: '${field.name}' needs at least ${field.min} item`);
      out[field.name] = items.map((item, i) => decodeJsonValue(item, field, `${childPath}[${i}]`));
    }
  }
  return out;
}

/**
 * EM's reference pages indent their JSON examples with no-break spaces; they are accepted as white space
 * between tokens (never inside strings), so those examples work as written.
 */
function foldNoBreakSpaces(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") {
        out += ch + (text[i + 1] ?? "");
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      out += ch;
    } else {
      if (ch === '"') inString = true;
      out += ch === "\u00a0" ? " " : ch;
    }
  }
  return out;
}

export function decodeJson(body: string, spec: BodySpec): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(foldNoBreakSpaces(body));
  } catch (err) {
    throw new BodyError(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new BodyError(`The request body must be a JSON object (${spec.root})`);
  }
  return decodeJsonFields(parsed as Record<string, unknown>, spec.fields, spec.root, spec.attrs);
}
