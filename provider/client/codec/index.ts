import type { WireFormat } from "../settings";
import type { Element } from "./element";
import { writeJson } from "./json";
import { parseJsonAnswer } from "./json-reader";
import { parseXml } from "./xml-reader";

export * from "./element";
export * from "./entities";
export * from "./specs";
export * from "./answers";
export { escapeXmlText, writeXml } from "./xml";
export { parseXml, LIST_ITEMS, type XmlWork } from "./xml-reader";
export { checkJsonBounds, type JsonWork } from "./json-reader";
export { ANSWER_LIMITS, AnswerLimitError } from "./limits";
export { writeJson } from "./json";
export { items, str, bool, num, obj, links, findLink, type Node, type Link } from "./read";

import { writeXml } from "./xml";

export function encodeBody(el: Element, format: WireFormat): string {
  return format === "json" ? writeJson(el) : writeXml(el);
}

export function contentType(format: WireFormat): string {
  return format === "json" ? "application/json" : "application/xml";
}

export interface DecodedBody {
  format: WireFormat;
  /** The XML root element's name (JSON has none). */
  root?: string;
  /** The XML root element's namespace. */
  namespace?: string;
  body: unknown;
}

/**
 * Parses a response body by its content (EM answers XML unless asked for JSON; a proxy may answer HTML or
 * plain text). Throws Error with a short, body-free reason when the text is neither well-formed XML nor JSON, and
 * AnswerLimitError when it goes past ANSWER_LIMITS.
 */
export function decodeBody(text: string): DecodedBody {
  const t = text.replace(/^\uFEFF/, "").trim();
  if (t === "") throw new Error("the body is empty");
  if (t.startsWith("<")) {
    const { root, namespace, body } = parseXml(t);
    return { format: "xml", root, namespace, body };
  }
  if (t.startsWith("{") || t.startsWith("[")) return { format: "json", body: parseJsonAnswer(t) };
  throw new Error("the body is neither XML nor JSON");
}
