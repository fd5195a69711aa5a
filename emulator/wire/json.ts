import type { Element } from "./tree";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function toJson(element: Element): Json {
  if (element.text !== undefined) return element.text;
  const children = element.children ?? [];
  if (element.jsonList?.kind === "array") return children.map(toJson);
  const out: { [key: string]: Json } = {};
  if (element.jsonList?.kind === "wrapped") {
    out[element.jsonList.wrapKey] = children.map(toJson);
  } else {
    for (const child of children) out[child.name] = toJson(child);
  }
  for (const [k, v] of Object.entries(element.attrs ?? {})) {
    if (v !== undefined) out[k] = v;
  }
  if (!element.jsonOrder) return out;
  return Object.fromEntries(element.jsonOrder.filter((k) => k in out).map((k) => [k, out[k]]));
}

/** Renders a root element as EM's JSON: the root's properties, without a wrapping root name. */
export function renderJson(root: Element): string {
  return JSON.stringify(toJson(root), null, 2) + "\n";
}
