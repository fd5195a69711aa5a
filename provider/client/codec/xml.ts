import { XMLParser, XMLValidator } from "fast-xml-parser";
import { EM_NAMESPACE, type Element, type Scalar, XSD_NAMESPACE, XSI_NAMESPACE } from "./element";

export function escapeXmlText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeXmlAttr(value: string): string {
  return escapeXmlText(value).replace(/"/g, "&quot;");
}

function scalarText(value: Scalar): string {
  return typeof value === "string" ? value : String(value);
}

function writeElement(el: Element, indent: string, out: string[], rootAttrs = ""): void {
  const attrs =
    rootAttrs +
    Object.entries(el.attrs ?? {})
      .filter((e): e is [string, Scalar] => e[1] !== undefined)
      .map(([k, v]) => ` ${k}="${escapeXmlAttr(scalarText(v))}"`)
      .join("");
  if (el.children && el.children.length > 0) {
    out.push(`${indent}<${el.name}${attrs}>`);
    for (const child of el.children) writeElement(child, indent + "  ", out);
    out.push(`${indent}</${el.name}>`);
  } else if (el.text !== undefined && scalarText(el.text) !== "") {
    out.push(`${indent}<${el.name}${attrs}>${escapeXmlText(scalarText(el.text))}</${el.name}>`);
  } else {
    out.push(`${indent}<${el.name}${attrs} />`);
  }
}

/** Renders a request body as EM's examples do: declaration, EM namespace (plus xsd/xsi) on the root. */
export function writeXml(root: Element): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  writeElement(root, "", out, ` xmlns="${EM_NAMESPACE}" xmlns:xsd="${XSD_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}"`);
  return out.join("\n") + "\n";
}

const ATTR_PREFIX = "@_";

/** Element names that are items of a list wherever EM uses them. */
export const LIST_ITEMS = new Set([
  "Link",
  "Ref",
  "CloudTenant",
  "CloudTenantResource",
  "CloudTenantComputeResource",
  "CloudTenantVCloudComputeResource",
  "CloudSubtenant",
  "EnterpriseAccountInRole",
  "EnterpriseAccountHierarchyScope",
  "EnterpriseRole",
  "EnterpriseAccount",
  "HierarchyScopeItem",
  "Task",
  "SupportedVersion",
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR_PREFIX,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  // Items of EM's lists are arrays even when a list holds one item (never the document's root element).
  isArray: (name, jpath, _isLeafNode, isAttribute) => !isAttribute && LIST_ITEMS.has(name) && String(jpath).includes("."),
});

export type Plain = string | PlainObject | Plain[];
export interface PlainObject {
  [key: string]: Plain | null | undefined | boolean | number;
}

/** fast-xml-parser output → plain object: attributes become properties, text-only elements strings. */
function normalize(node: unknown): Plain {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || node === undefined) return "";
  if (typeof node !== "object") return String(node);
  const obj = node as Record<string, unknown>;
  const out: PlainObject = {};
  const attrs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key.startsWith(ATTR_PREFIX)) {
      const name = key.slice(ATTR_PREFIX.length);
      if (name === "xmlns" || name.startsWith("xmlns:")) continue;
      attrs.push([name, String(value)]);
    } else if (key === "#text") {
      continue;
    } else {
      out[key] = normalize(value);
    }
  }
  // An element's child element wins over an attribute of the same name (none known in EM's schema).
  for (const [name, value] of attrs) if (!(name in out)) out[name] = value;
  if (Object.keys(out).length === 0 && "#text" in obj) return String(obj["#text"]);
  if ("#text" in obj && !("_text" in out)) out._text = String(obj["#text"]);
  return out;
}

export interface ParsedXml {
  root: string;
  /** The root element's namespace ("" when it has none). */
  namespace: string;
  body: Plain;
}

/** The namespace of the root element: its own xmlns, or the xmlns:<prefix> of its prefix. */
function rootNamespace(text: string): string {
  const tag = /<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)((?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, ""));
  if (!tag) return "";
  const prefix = tag[1].includes(":") ? tag[1].split(":")[0] : "";
  const attr = new RegExp(`\\sxmlns${prefix ? ":" + prefix : ""}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag[2]);
  return attr ? (attr[1] ?? attr[2]) : "";
}

/** Parses an XML document; throws Error with a short reason when it is not well-formed. */
export function parseXml(text: string): ParsedXml {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`malformed XML (${valid.err.msg} at line ${valid.err.line})`);
  const doc = parser.parse(text) as Record<string, unknown>;
  const roots = Object.keys(doc).filter((k) => !k.startsWith("?") && !k.startsWith(ATTR_PREFIX) && k !== "#text");
  if (roots.length !== 1) throw new Error("the XML document has no single root element");
  const rootValue = doc[roots[0]];
  return { root: roots[0], namespace: rootNamespace(text), body: normalize(Array.isArray(rootValue) ? rootValue[0] : rootValue) };
}
