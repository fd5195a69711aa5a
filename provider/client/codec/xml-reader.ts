/**
 * Reads an XML answer into plain objects in one pass. EM's answers are small, namespace-qualified documents without
 * a DTD; a general-purpose parser costs about 100 KB of garbage per answer (it builds its entity tables and path
 * matchers anew for every document), which a provider making thousands of requests pays for in peak memory. This
 * reader checks well-formedness as it goes, so a truncated or foreign body is refused, never half-read.
 *
 * The result: an element's attributes and child elements become properties; an element with neither is its
 * trimmed text; text next to attributes or children is `_text`; a repeated child, or one of LIST_ITEMS anywhere
 * below the root, is an array. Namespaces are resolved per element: a child in another namespace than its parent
 * (foreign content, which EM's schema has none of) is left out, so it can never stand in for one of EM's elements;
 * of the prefixed attributes only XML Schema instance ones (xsi:nil) are kept, by their local name.
 *
 * Every scan is local (it stops at the end of the construct it reads), so time grows with the answer's length,
 * and ANSWER_LIMITS bounds depth, attributes per element and elements (docs/xml-reader.md has the figures).
 */
import { XSI_NAMESPACE } from "./element";
import { ANSWER_LIMITS, AnswerLimitError } from "./limits";

export type Plain = string | PlainObject | Plain[];
export interface PlainObject {
  [key: string]: Plain | null | undefined | boolean | number;
}

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

export interface ParsedXml {
  root: string;
  /** The root element's namespace ("" when it has none). */
  namespace: string;
  body: Plain;
}

/** What a read cost, for tests and the bench: characters examined by searches, elements read, deepest nesting. */
export interface XmlWork {
  scanned: number;
  elements: number;
  deepest: number;
}

/** An element being read. */
interface Open {
  /** The name as written (with its prefix), which the end tag must repeat. */
  qname: string;
  /** The name without its prefix. */
  name: string;
  namespace: string;
  /** In another namespace than its parent (or below such an element): read, checked, and left out. */
  foreign: boolean;
  /** The prefixes it declares, taken out of scope when it closes. */
  declared: string[] | undefined;
  children: PlainObject | undefined;
  /** Kept attributes as name, value, name, value… */
  attrs: string[] | undefined;
  text: string;
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
/** Up to this many attributes, a repeated one is found by a scan of those before it; past it, by a Set. */
const FEW_ATTRIBUTES = 8;

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c > 127;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

/** A character XML allows (XML 1.0 §2.2): no NUL or other control characters, no lone surrogates. */
function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function prefixOf(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? "" : qname.slice(0, colon);
}

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
}

class Reader {
  private pos = 0;
  private readonly stack: Open[] = [];
  /** Namespaces in scope: prefix ("" for the default) to the URIs declared for it, innermost last. */
  private readonly scope = new Map<string, string[]>([["xml", [XML_NAMESPACE]]]);
  private root: Open | undefined;
  private body: Plain | undefined;
  private doctypeSeen = false;
  /** The attributes of the tag being read, as qname, value, qname, value… (reused from tag to tag). */
  private readonly tagAttrs: string[] = [];
  readonly work: XmlWork = { scanned: 0, elements: 0, deepest: 0 };

  private readonly text: string;

  constructor(text: string) {
    // XML reads every line break as LF (XML 1.0 §2.11); EM, a .NET service, may write CRLF.
    this.text = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
    this.work.scanned += text.length;
  }

  read(): ParsedXml {
    const t = this.text;
    if (t.charCodeAt(0) === 0xfeff) this.pos = 1;
    while (this.pos < t.length) {
      const lt = this.find("<", this.pos);
      const end = lt < 0 ? t.length : lt;
      if (end > this.pos) this.characters(this.pos, end);
      if (lt < 0) break;
      this.pos = lt;
      this.markup();
    }
    if (this.stack.length > 0) this.fail(`the element <${this.stack[this.stack.length - 1].qname}> is not closed`);
    if (!this.root || this.body === undefined) this.fail("no root element");
    return { root: this.root.name, namespace: this.root.namespace, body: this.body };
  }

  /** indexOf, counted: the search ends at the first match, which is what keeps each scan local. */
  private find(what: string, from: number): number {
    const at = this.text.indexOf(what, from);
    this.work.scanned += (at < 0 ? this.text.length : at + what.length) - from;
    return at;
  }

  private line(): number {
    let line = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) line++;
    return line;
  }

  private fail(reason: string): never {
    throw new Error(`malformed XML (${reason} at line ${this.line()})`);
  }

  private limit(what: string, max: number): never {
    throw new AnswerLimitError(`the XML answer has ${what} than ${max}, the most this client reads (at line ${this.line()}); EM's answers stay far below it`);
  }

  /** Text from `from` to `to`: content of the open element, or only white space outside the root. */
  private characters(from: number, to: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      for (let i = from; i < to; i++) if (!isSpace(this.text.charCodeAt(i))) this.fail(`text outside the root element`);
      return;
    }
    const value = this.decode(from, to);
    if (!top.foreign) top.text += value;
  }

  /** Resolves entity and character references in text[from, to); every search stays within that span. */
  private decode(from: number, to: number): string {
    const s = this.text.slice(from, to);
    this.work.scanned += s.length;
    let amp = s.indexOf("&");
    if (amp < 0) return s;
    let out = "";
    let at = 0;
    while (amp >= 0) {
      this.pos = from + amp; // for the line of a fault
      const semi = s.indexOf(";", amp);
      if (semi < 0) this.fail("an '&' that starts no entity reference");
      const ref = s.slice(amp + 1, semi);
      let value: string | undefined;
      if (ref.startsWith("#")) {
        const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
        value = isXmlChar(code) ? String.fromCodePoint(code) : undefined;
      } else if (/^[A-Za-z_][\w.-]*$/.test(ref)) {
        value = Object.hasOwn(PREDEFINED, ref) ? PREDEFINED[ref] : `&${ref};`; // an undeclared entity stays as written
      }
      if (value === undefined) this.fail(`the entity reference '&${ref.slice(0, 20)};' is not valid`);
      out += s.slice(at, amp) + value;
      at = semi + 1;
      amp = s.indexOf("&", at);
    }
    return out + s.slice(at);
  }

  /** Reads the markup at `pos` (which is at a '<'). */
  private markup(): void {
    const t = this.text;
    const next = t.charCodeAt(this.pos + 1);
    if (next === 33 /* ! */) {
      if (t.startsWith("<!--", this.pos)) return this.skipPast("-->", "a comment is not closed");
      if (t.startsWith("<![CDATA[", this.pos)) {
        const close = this.find("]]>", this.pos);
        if (close < 0) this.fail("a CDATA section is not closed");
        const top = this.stack[this.stack.length - 1];
        if (!top) this.fail("a CDATA section outside the root element");
        if (!top.foreign) top.text += t.slice(this.pos + 9, close);
        this.pos = close + 3;
        return;
      }
      if (t.startsWith("<!DOCTYPE", this.pos) && !this.root && !this.doctypeSeen) {
        const close = this.find(">", this.pos);
        if (close < 0) this.fail("a DOCTYPE is not closed");
        // EM never sends a DTD; an internal subset could declare entities, which are not expanded here.
        if (t.slice(this.pos, close).includes("[")) this.fail("a DOCTYPE with an internal subset is not accepted");
        this.doctypeSeen = true;
        this.pos = close + 1;
        return;
      }
      this.fail("unexpected '<!'");
    }
    if (next === 63 /* ? */) return this.skipPast("?>", "a processing instruction is not closed");
    if (next === 47 /* / */) return this.endTag();
    this.startTag();
  }

  private skipPast(close: string, reason: string): void {
    const at = this.find(close, this.pos + 2);
    if (at < 0) this.fail(reason);
    this.pos = at + close.length;
  }

  private name(): string {
    const t = this.text;
    const start = this.pos;
    if (!isNameStart(t.charCodeAt(start))) this.fail("a name was expected");
    let i = start + 1;
    while (i < t.length && isNameChar(t.charCodeAt(i))) i++;
    const name = t.slice(start, i);
    // It would become a property that sets the plain object's prototype; EM's schema has no such name.
    if (localName(name) === "__proto__") this.fail("the name '__proto__' is not accepted");
    this.pos = i;
    return name;
  }

  private spaces(): boolean {
    const start = this.pos;
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  /** The namespace a prefix names where the reader stands ("" for no prefix and no default namespace). */
  private resolve(prefix: string, what: string): string {
    const uris = this.scope.get(prefix);
    if (uris && uris.length > 0) return uris[uris.length - 1];
    if (prefix === "") return "";
    return this.fail(`the prefix '${prefix}' of ${what} is not declared`);
  }

  private startTag(): void {
    const t = this.text;
    if (this.body !== undefined) this.fail("a second root element");
    this.pos += 1;
    const qname = this.name();
    const attrs = this.tagAttrs;
    attrs.length = 0;
    let seen: Set<string> | undefined;
    let selfClosing = false;
    for (;;) {
      const spaced = this.spaces();
      const c = t.charCodeAt(this.pos);
      if (c === 62 /* > */) {
        this.pos += 1;
        break;
      }
      if (c === 47 /* / */ && t.charCodeAt(this.pos + 1) === 62) {
        this.pos += 2;
        selfClosing = true;
        break;
      }
      if (Number.isNaN(c)) this.fail(`the tag <${qname}> is not closed`);
      if (!spaced) this.fail(`white space is missing before an attribute of <${qname}>`);
      if (attrs.length / 2 >= ANSWER_LIMITS.attributes) this.limit(`an element <${qname}> with more attributes`, ANSWER_LIMITS.attributes);
      const attr = this.name();
      if (this.repeated(attrs, attr, seen)) this.fail(`the attribute '${attr}' is repeated on <${qname}>`);
      if (attrs.length / 2 === FEW_ATTRIBUTES) seen = new Set(attrs.filter((_, i) => i % 2 === 0));
      seen?.add(attr);
      this.spaces();
      if (t.charCodeAt(this.pos) !== 61 /* = */) this.fail(`the attribute '${attr}' of <${qname}> has no value`);
      this.pos += 1;
      this.spaces();
      const quote = t.charCodeAt(this.pos);
      if (quote !== 34 && quote !== 39) this.fail(`the value of '${attr}' on <${qname}> is not quoted`);
      const close = this.find(quote === 34 ? '"' : "'", this.pos + 1);
      if (close < 0) this.fail(`the value of '${attr}' on <${qname}> is not closed`);
      const raw = t.slice(this.pos + 1, close);
      if (raw.includes("<")) this.fail(`the value of '${attr}' on <${qname}> holds a '<'`);
      attrs.push(attr, this.decode(this.pos + 1, close));
      this.pos = close + 1;
    }
    this.open(qname, attrs);
    if (selfClosing) this.close();
  }

  /** Whether `attr` is among the tag's attributes so far: a short scan for a few, the Set past FEW_ATTRIBUTES. */
  private repeated(attrs: string[], attr: string, seen: Set<string> | undefined): boolean {
    if (seen) return seen.has(attr);
    for (let i = 0; i < attrs.length; i += 2) if (attrs[i] === attr) return true;
    return false;
  }

  private open(qname: string, attrs: string[]): void {
    if (this.stack.length >= ANSWER_LIMITS.depth) this.limit("elements nested deeper", ANSWER_LIMITS.depth);
    if (++this.work.elements > ANSWER_LIMITS.elements) this.limit("more elements", ANSWER_LIMITS.elements);
    this.work.deepest = Math.max(this.work.deepest, this.stack.length + 1);
    let declared: string[] | undefined;
    for (let i = 0; i < attrs.length; i += 2) {
      const attr = attrs[i];
      if (attr !== "xmlns" && !attr.startsWith("xmlns:")) continue;
      const prefix = attr === "xmlns" ? "" : attr.slice(6);
      const uris = this.scope.get(prefix);
      if (uris) uris.push(attrs[i + 1]);
      else this.scope.set(prefix, [attrs[i + 1]]);
      (declared ??= []).push(prefix);
    }
    const namespace = this.resolve(prefixOf(qname), `<${qname}>`);
    const parent = this.stack[this.stack.length - 1];
    const foreign = parent !== undefined && (parent.foreign || namespace !== parent.namespace);
    const el: Open = { qname, name: localName(qname), namespace, foreign, declared, children: undefined, attrs: undefined, text: "" };
    for (let i = 0; i < attrs.length; i += 2) {
      const attr = attrs[i];
      if (attr === "xmlns" || attr.startsWith("xmlns:")) continue;
      const prefix = prefixOf(attr);
      // An unprefixed attribute is the element's own; of the prefixed ones only xsi's (xsi:nil) mean anything to EM.
      if (prefix !== "" && this.resolve(prefix, `the attribute '${attr}'`) !== XSI_NAMESPACE) continue;
      if (!foreign) (el.attrs ??= []).push(prefix === "" ? attr : localName(attr), attrs[i + 1]);
    }
    this.stack.push(el);
    if (!parent) this.root = el;
  }

  private endTag(): void {
    this.pos += 2;
    const qname = this.name();
    this.spaces();
    if (this.text.charCodeAt(this.pos) !== 62) this.fail(`the end tag </${qname}> is not closed`);
    this.pos += 1;
    const top = this.stack[this.stack.length - 1];
    if (!top) this.fail(`the end tag </${qname}> has no start tag`);
    if (top.qname !== qname) this.fail(`the end tag </${qname}> does not match <${top.qname}>`);
    this.close();
  }

  /** Closes the innermost element and adds its value to its parent (or makes it the body). */
  private close(): void {
    const el = this.stack.pop() as Open;
    if (el.declared) for (const prefix of el.declared) this.scope.get(prefix)?.pop();
    if (el.foreign) return;
    const value = valueOf(el);
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      this.body = value;
      return;
    }
    const children = (parent.children ??= {});
    const existing = Object.hasOwn(children, el.name) ? children[el.name] : undefined;
    if (existing === undefined) children[el.name] = LIST_ITEMS.has(el.name) ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else children[el.name] = [existing as Plain, value];
  }
}

function valueOf(el: Open): Plain {
  const text = el.text.trim();
  if (!el.children && !el.attrs) return text;
  const out: PlainObject = el.children ?? {};
  // An element's child element wins over an attribute of the same name (none known in EM's schema), and the
  // first of two attributes of one local name (xsi:nil beside nil) wins.
  if (el.attrs) for (let i = 0; i < el.attrs.length; i += 2) if (!Object.hasOwn(out, el.attrs[i])) out[el.attrs[i]] = el.attrs[i + 1];
  if (text !== "" && !Object.hasOwn(out, "_text")) out._text = text;
  return out;
}

/**
 * Parses an XML document; throws Error with a short reason when it is not well-formed, AnswerLimitError when it
 * goes past ANSWER_LIMITS. `work`, when given, receives what the read cost.
 */
export function parseXml(text: string, work?: XmlWork): ParsedXml {
  const reader = new Reader(text);
  try {
    return reader.read();
  } finally {
    if (work) Object.assign(work, reader.work);
  }
}
