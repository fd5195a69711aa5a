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
