import { arrayOf, el, leaf, type Element } from "../wire/tree";

export function link(rel: string, type: string | undefined, href: string, name?: string): Element {
  return el("Link", { Rel: rel, Type: type, Href: href, Name: name });
}

export function links(...items: Array<Element | undefined>): Element {
  return arrayOf("Links", items.filter((i): i is Element => i !== undefined));
}

/** EM's Error body. */
export function errorBody(status: number, message: string): Element {
  return el("Error", { Message: message, StatusCode: status });
}

export { el, leaf };
