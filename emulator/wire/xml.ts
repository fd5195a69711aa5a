import type { Element, Scalar } from "./tree";

export const EM_NAMESPACE = "http://www.veeam.com/ent/v1.0";

function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, "&quot;");
}

function scalarText(value: Scalar): string {
  return typeof value === "string" ? value : String(value);
}

function renderAttrs(attrs: Element["attrs"]): string {
  if (!attrs) return "";
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${escapeAttr(scalarText(v as Scalar))}"`)
    .join("");
}

function renderElement(element: Element, indent: string, extraAttrs = ""): string {
  const open = `${indent}<${element.name}${extraAttrs}${renderAttrs(element.attrs)}`;
  if (element.text !== undefined && element.text !== null) {
    return `${open}>${escapeText(scalarText(element.text))}</${element.name}>`;
  }
  const children = (element.children ?? []).filter((c) => c.text !== null);
  if (children.length === 0) return `${open} />`;
  const inner = children.map((c) => renderElement(c, indent + " ")).join("\n");
  return `${open}>\n${inner}\n${indent}</${element.name}>`;
}

/** Renders a root element in EM's namespace, indented like the examples in EM's reference. */
export function renderXml(root: Element): string {
  return renderElement(root, "", ` xmlns="${EM_NAMESPACE}"`) + "\n";
}
