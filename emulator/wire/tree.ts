/**
 * A representation is built once as a neutral element tree and rendered to XML or JSON on the way out,
 * so every endpoint answers in both of EM's wire formats from a single description.
 */
export type Scalar = string | number | boolean;

export interface Element {
  name: string;
  /** XML attributes; in JSON they become properties of the object. Undefined values are omitted. */
  attrs?: Record<string, Scalar | null | undefined>;
  /** Text content of a leaf element; null is an absent value that JSON shows as null and XML leaves out. */
  text?: Scalar | null;
  children?: Element[];
  /**
   * How the children render in JSON. "array": the element itself becomes a JSON array of its children
   * (EM's `Links`). "wrapped": an object holding one array under `wrapKey` (EM's `"Roles": {"EnterpriseRoles": [...]}`).
   * Unset: an object with one property per child.
   */
  jsonList?: { kind: "array" } | { kind: "wrapped"; wrapKey: string };
  /** JSON property order when it differs from "children, then attributes" (EM's Error body is alphabetical). */
  jsonOrder?: string[];
}

export function el(name: string, attrs?: Element["attrs"], ...children: Array<Element | undefined>): Element {
  return { name, attrs, children: children.filter((c): c is Element => c !== undefined) };
}

/** A leaf element; undefined text gives undefined, so optional elements can be listed inline. */
export function leaf(name: string, text: Scalar | undefined, attrs?: Element["attrs"]): Element | undefined {
  return text === undefined ? undefined : { name, text, attrs };
}

export function arrayOf(name: string, items: Element[], attrs?: Element["attrs"]): Element {
  return { name, attrs, children: items, jsonList: { kind: "array" } };
}

export function wrappedList(name: string, wrapKey: string, items: Element[], attrs?: Element["attrs"]): Element {
  return { name, attrs, children: items, jsonList: { kind: "wrapped", wrapKey } };
}
