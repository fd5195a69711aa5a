/**
 * Lenient readers over a parsed body, whichever the format: XML (attributes as properties, lists as
 * {Item: [...]}) or EM's JSON (lists as {Items: [...]}, a bare array, a single object, or null).
 */

export type Node = Record<string, unknown>;

export function isNode(value: unknown): value is Node {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The child object, or undefined (a one-element array counts as its element). */
export function obj(value: unknown): Node | undefined {
  if (Array.isArray(value)) return value.length > 0 ? obj(value[0]) : undefined;
  return isNode(value) ? value : undefined;
}

export function str(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length > 0 ? str(value[0]) : undefined;
  if (isNode(value) && typeof value._text === "string") return value._text;
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const s = str(value)?.trim().toLowerCase();
  if (s === "true") return true;
  if (s === "false") return false;
  return undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const s = str(value)?.trim();
  if (s === undefined || s === "") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The items of a list, found under any of `keys` (the XML item name and the JSON plural), at any depth of
 * wrapping: [..], {Item: [..]}, {Items: [..]}, {Items: {Items: [..]}}, a single item object, "" or null.
 */
export function items(value: unknown, ...keys: string[]): Node[] {
  if (value === null || value === undefined || typeof value === "string") return [];
  if (Array.isArray(value)) return value.filter(isNode);
  if (!isNode(value)) return [];
  for (const key of keys) if (key in value) return items(value[key], ...keys);
  return [value];
}

export interface Link {
  rel: string;
  href: string;
  type?: string;
  name?: string;
}

export function links(node: Node | undefined): Link[] {
  if (!node) return [];
  const out: Link[] = [];
  for (const l of items(node.Links, "Link", "Links")) {
    const href = str(l.Href);
    if (!href) continue;
    out.push({ rel: str(l.Rel) ?? "", href, type: str(l.Type), name: str(l.Name) });
  }
  return out;
}

export function findLink(node: Node | undefined, rel: string, type?: string): Link | undefined {
  return links(node).find((l) => l.rel.toLowerCase() === rel.toLowerCase() && (type === undefined || (l.type ?? "").toLowerCase() === type.toLowerCase()));
}

/** The GUID at the end of a urn:veeam:<Kind>:<guid> UID (or the value itself when it is not a URN). */
export function idFromUid(uid: string | undefined): string | undefined {
  if (!uid) return undefined;
  const m = /^urn:veeam:[^:]+:(.+)$/i.exec(uid);
  return m ? m[1] : uid;
}

/** The last path segment of an Href, without query. */
export function lastSegment(href: string | undefined): string | undefined {
  if (!href) return undefined;
  const path = href.split(/[?#]/)[0].replace(/\/+$/, "");
  const seg = path.slice(path.lastIndexOf("/") + 1);
  return seg ? decodeURIComponent(seg) : undefined;
}
