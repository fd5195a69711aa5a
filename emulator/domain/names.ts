/**
 * The emulator's one rule for "the same name", used by its query filter and sort and by its uniqueness checks alike
 * (docs/em-name-rules.md). It plays EM on SQL Server, whose collations Veeam requires to be case-insensitive
 * (SQL_Latin1_General_CP1_CI_AS by default): case-insensitive, accent-sensitive, width-insensitive (no _WS), and
 * `=` ignores trailing spaces (ANSI padding). NFKC stands in for the width folding (and canonical equivalence).
 */
export function nameKey(name: string): string {
  return name.normalize("NFKC").replace(/ +$/, "").toLowerCase();
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

const ORDER = new Intl.Collator("en", { sensitivity: "variant" });

/** Orders names consistently with sameName: equal keys are equal, others in a stable locale order of their keys. */
export function compareNames(a: string, b: string): number {
  const ka = nameKey(a);
  const kb = nameKey(b);
  return ka === kb ? 0 : ORDER.compare(ka, kb) || (ka < kb ? -1 : 1);
}

/** Add-VBRCloudSubTenant: the name "must not contain Unicode characters"; read as: only ASCII. */
export function nonAsciiCharacter(name: string): string | undefined {
  return /[^\x00-\x7f]/.exec(name)?.[0];
}
