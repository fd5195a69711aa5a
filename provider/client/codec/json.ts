import type { Element, Scalar } from "./element";

type Json = Scalar | null | Json[] | { [k: string]: Json };

function elementValue(el: Element): Json {
  if (el.jsonList && (!el.children || el.children.length === 0)) return attrsObject(el, { [el.jsonList]: [] });
  if (!el.children || el.children.length === 0) {
    if (el.attrs && Object.values(el.attrs).some((v) => v !== undefined)) return attrsObject(el, {});
    return el.text === undefined ? "" : el.text;
  }
  const obj: { [k: string]: Json } = {};
  if (el.jsonList) {
    obj[el.jsonList] = el.children.map(elementValue);
  } else {
    for (const child of el.children) obj[child.name] = elementValue(child);
  }
  return attrsObject(el, obj);
}

function attrsObject(el: Element, obj: { [k: string]: Json }): { [k: string]: Json } {
  // EM's JSON puts an element's attributes after its child elements.
  const attrs = el.attrs ?? {};
  for (const k of el.jsonAttrOrder ?? Object.keys(attrs)) if (attrs[k] !== undefined) obj[k] = attrs[k] as Scalar;
  return obj;
}

/** Renders a request body as EM's JSON examples do; the root element's name does not appear. */
export function writeJson(root: Element): string {
  const value = elementValue(root);
  return JSON.stringify(typeof value === "object" && value !== null ? value : {});
}
