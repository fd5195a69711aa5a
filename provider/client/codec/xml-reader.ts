/**
 * Reads an XML answer into plain objects in one pass. EM's answers are small, namespace-qualified documents without
 * a DTD; a general-purpose parser costs about 100 KB of garbage per answer (it builds its entity tables and path
 * matchers anew for every document), which a provider making thousands of requests pays for in peak memory. This
 * reader checks well-formedness as it goes, so a truncated or foreign body is refused, never half-read.
 *
 * The result: an element's attributes (prefix and xmlns declarations dropped) and child elements become
 * properties; an element with neither is its trimmed text; text next to attributes or children is `_text`;
 * a repeated child, or one of LIST_ITEMS anywhere below the root, is an array.
 */
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

/** An element being read. */
interface Open {
  /** The name as written (with its prefix), which the end tag must repeat. */
  qname: string;
  /** The name without its prefix. */
  name: string;
  children: PlainObject | undefined;
  attrs: Array<[string, string]> | undefined;
  text: string;
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

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

function localName(qname: string): string {
  const colon = qname.indexOf(":");
  return colon < 0 ? qname : qname.slice(colon + 1);
}

class Reader {
  private pos = 0;
  private readonly stack: Open[] = [];
  private root: { name: string; prefix: string; namespaces: Map<string, string> } | undefined;
  private body: Plain | undefined;

  private readonly text: string;

  constructor(text: string) {
    // XML reads every line break as LF (XML 1.0 §2.11); EM, a .NET service, may write CRLF.
    this.text = text.replace(/\r\n?/g, "\n");
  }

  read(): ParsedXml {
    const t = this.text;
    if (t.charCodeAt(0) === 0xfeff) this.pos = 1;
    while (this.pos < t.length) {
      const lt = t.indexOf("<", this.pos);
      const end = lt < 0 ? t.length : lt;
      if (end > this.pos) this.characters(this.pos, end);
      if (lt < 0) break;
      this.pos = lt;
      this.markup();
    }
    if (this.stack.length > 0) this.fail(`the element <${this.stack[this.stack.length - 1].qname}> is not closed`);
    if (!this.root || this.body === undefined) this.fail("no root element");
    return { root: this.root.name, namespace: this.root.namespaces.get(this.root.prefix) ?? "", body: this.body };
  }

  private fail(reason: string): never {
    let line = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) line++;
    throw new Error(`malformed XML (${reason} at line ${line})`);
  }

  /** Text from `from` to `to`: content of the open element, or only white space outside the root. */
  private characters(from: number, to: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      for (let i = from; i < to; i++) if (!isSpace(this.text.charCodeAt(i))) this.fail(`text outside the root element`);
      return;
    }
    top.text += this.decode(from, to);
  }

  /** Resolves entity and character references in text[from, to). */
  private decode(from: number, to: number): string {
    const t = this.text;
    let amp = t.indexOf("&", from);
    if (amp < 0 || amp >= to) return t.slice(from, to);
    let out = "";
    let at = from;
    while (amp >= 0 && amp < to) {
      this.pos = amp; // for the line of a fault
      const semi = t.indexOf(";", amp);
      if (semi < 0 || semi >= to) this.fail("an '&' that starts no entity reference");
      const ref = t.slice(amp + 1, semi);
      let value: string | undefined;
      if (ref.startsWith("#")) {
        const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
        value = isXmlChar(code) ? String.fromCodePoint(code) : undefined;
      } else if (/^[A-Za-z_][\w.-]*$/.test(ref)) {
        value = Object.hasOwn(PREDEFINED, ref) ? PREDEFINED[ref] : `&${ref};`; // an undeclared entity stays as written
      }
      if (value === undefined) this.fail(`the entity reference '&${ref.slice(0, 20)};' is not valid`);
      out += t.slice(at, amp) + value;
      at = semi + 1;
      amp = t.indexOf("&", at);
    }
    return out + t.slice(at, to);
  }

  /** Reads the markup at `pos` (which is at a '<'). */
  private markup(): void {
    const t = this.text;
    const next = t.charCodeAt(this.pos + 1);
    if (next === 33 /* ! */) {
      if (t.startsWith("<!--", this.pos)) return this.skipPast("-->", "a comment is not closed");
      if (t.startsWith("<![CDATA[", this.pos)) {
        const close = t.indexOf("]]>", this.pos);
        if (close < 0) this.fail("a CDATA section is not closed");
        const top = this.stack[this.stack.length - 1];
        if (!top) this.fail("a CDATA section outside the root element");
        top.text += t.slice(this.pos + 9, close);
        this.pos = close + 3;
        return;
      }
      if (t.startsWith("<!DOCTYPE", this.pos) && !this.root) {
        const close = t.indexOf(">", this.pos);
        if (close < 0) this.fail("a DOCTYPE is not closed");
        // EM never sends a DTD; an internal subset could declare entities, which are not expanded here.
        if (t.lastIndexOf("[", close) > this.pos) this.fail("a DOCTYPE with an internal subset is not accepted");
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
    const at = this.text.indexOf(close, this.pos + 2);
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

  private startTag(): void {
    const t = this.text;
    if (this.body !== undefined) this.fail("a second root element");
    this.pos += 1;
    const qname = this.name();
    const open: Open = { qname, name: localName(qname), children: undefined, attrs: undefined, text: "" };
    const isRoot = this.stack.length === 0;
    const namespaces = isRoot ? new Map<string, string>() : undefined;
    // Attribute names met so far (a tag has a handful: a list is cheaper than a Set per element).
    let seen: string[] | undefined;
    for (;;) {
      const spaced = this.spaces();
      const c = t.charCodeAt(this.pos);
      if (c === 62 /* > */) {
        this.pos += 1;
        break;
      }
      if (c === 47 /* / */ && t.charCodeAt(this.pos + 1) === 62) {
        this.pos += 2;
        this.open(open, namespaces);
        this.close();
        return;
      }
      if (Number.isNaN(c)) this.fail(`the tag <${qname}> is not closed`);
      if (!spaced) this.fail(`white space is missing before an attribute of <${qname}>`);
      const attr = this.name();
      if (seen?.includes(attr)) this.fail(`the attribute '${attr}' is repeated on <${qname}>`);
      (seen ??= []).push(attr);
      this.spaces();
      if (t.charCodeAt(this.pos) !== 61 /* = */) this.fail(`the attribute '${attr}' of <${qname}> has no value`);
      this.pos += 1;
      this.spaces();
      const quote = t.charCodeAt(this.pos);
      if (quote !== 34 && quote !== 39) this.fail(`the value of '${attr}' on <${qname}> is not quoted`);
      const close = t.indexOf(quote === 34 ? '"' : "'", this.pos + 1);
      if (close < 0) this.fail(`the value of '${attr}' on <${qname}> is not closed`);
      const lt = t.indexOf("<", this.pos + 1);
      if (lt >= 0 && lt < close) this.fail(`the value of '${attr}' on <${qname}> holds a '<'`);
      const value = this.decode(this.pos + 1, close);
      this.pos = close + 1;
      if (attr === "xmlns" || attr.startsWith("xmlns:")) {
        namespaces?.set(attr === "xmlns" ? "" : attr.slice(6), value);
        continue;
      }
      (open.attrs ??= []).push([localName(attr), value]);
    }
    this.open(open, namespaces);
  }

  private open(open: Open, namespaces: Map<string, string> | undefined): void {
    if (namespaces) {
      const colon = open.qname.indexOf(":");
      this.root = { name: open.name, prefix: colon < 0 ? "" : open.qname.slice(0, colon), namespaces };
    }
    this.stack.push(open);
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
  // An element's child element wins over an attribute of the same name (none known in EM's schema).
  if (el.attrs) for (const [name, value] of el.attrs) if (!Object.hasOwn(out, name)) out[name] = value;
  if (text !== "" && !Object.hasOwn(out, "_text")) out._text = text;
  return out;
}

/** Parses an XML document; throws Error with a short reason when it is not well-formed. */
export function parseXml(text: string): ParsedXml {
  return new Reader(text).read();
}
