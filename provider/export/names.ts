/**
 * Name patterns of `veeam-em export`: `*` is any run of characters, `?` one character, everything else (a
 * backslash included, as in TECH\alice) stands for itself. Names compare without case, as EM compares them.
 */
export function globMatcher(pattern: string): (name: string) => boolean {
  const source = [...pattern].map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))).join("");
  const re = new RegExp(`^${source}$`, "i");
  return (name) => re.test(name);
}

/** Which names to take: those matching an `include` pattern (all when there are none) and no `exclude` pattern. */
export function nameFilter(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const wanted = include.map(globMatcher);
  const unwanted = exclude.map(globMatcher);
  return (name) => (wanted.length === 0 || wanted.some((m) => m(name))) && !unwanted.some((m) => m(name));
}

/** Sorts by name without case, so that an export of the same EM gives the same file (and a small git diff). */
export function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }) || a.name.localeCompare(b.name));
}

/**
 * Characters that act on a terminal instead of showing: C0 and C1 controls (ESC starts the sequences that move the
 * cursor, retitle the window or clear the screen), DEL, and the bidirectional controls that reorder what follows.
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** Those that JSON.stringify leaves as they are (it escapes C0 itself). */
const CONTROL_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** A line as printed by the export: each control character of a name from EM as the visible escape \uXXXX. */
export function printable(line: string): string {
  return line.replace(CONTROL, escape);
}

/** JSON.stringify's text with every control character escaped: JSON's own escape, so each value stays the same. */
export function printableJson(json: string): string {
  return json.replace(CONTROL_IN_JSON, escape);
}
