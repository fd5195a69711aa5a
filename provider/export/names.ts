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
