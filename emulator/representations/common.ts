import { arrayOf, el, leaf, type Element } from "../wire/tree";

export function link(rel: string, type: string | undefined, href: string, name?: string): Element {
  return el("Link", { Rel: rel, Type: type, Href: href, Name: name });
}

export function links(...items: Array<Element | undefined>): Element {
  return arrayOf("Links", items.filter((i): i is Element => i !== undefined));
}

/**
 * EM's Error body, as real EM answers it (no reference page shows it; see the README): XML attributes Message,
 * StatusCode (and Status when set) with elements FirstChanceExceptionMessage and StackTrace when set; JSON
 * `{"FirstChanceExceptionMessage":null,"Message":"…","StackTrace":null,"Status":null,"StatusCode":400}`.
 */
export function errorBody(status: number, message: string, firstChanceExceptionMessage: string | null = null): Element {
  return {
    ...el("Error", { Message: message, Status: null, StatusCode: status }, { name: "FirstChanceExceptionMessage", text: firstChanceExceptionMessage }, { name: "StackTrace", text: null }),
    jsonOrder: ["FirstChanceExceptionMessage", "Message", "StackTrace", "Status", "StatusCode"],
  };
}

export { el, leaf };
