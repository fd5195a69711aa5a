/**
 * When a name in EM is the name the stack declares (docs/em-name-rules.md). EM keeps its data in SQL Server, whose
 * collations Veeam requires to be case-insensitive (and which ignore trailing spaces and character width), or from
 * 12.1 in PostgreSQL, whose collation for EM's data Veeam does not document (PostgreSQL's own are case-sensitive).
 * So two names are either
 * - surely the same: equal character for character, the same under every reading; or
 * - possibly the same: equal once case, width, canonical form and trailing spaces are folded, as SQL Server does,
 *   but not character for character: PostgreSQL may hold them apart;
 * - or different (accents count under both).
 * The provider binds a resource only to an object whose name is surely the same; one that is only possibly the
 * same is an error, so a stack never takes over, nor creates beside, an object that EM may count as the same.
 */

/** The loosest reading any EM database may apply. Accents are kept: SQL Server's CI_AS collations keep them apart. */
function looseKey(name: string): string {
  return name.normalize("NFKC").replace(/ +$/, "").toLowerCase();
}

export function namesSurelySame(a: string, b: string): boolean {
  return a === b;
}

export function namesPossiblySame(a: string, b: string): boolean {
  return a === b || looseKey(a) === looseKey(b);
}

/** EM has an object whose name it may count as the declared one, without being that name character for character. */
export class NameMayBeSameError extends Error {
  constructor(
    readonly what: string,
    readonly declared: string,
    readonly inEm: string,
    /** The object EM has under that name, for messages that name it (e.g. with its id). */
    readonly match?: unknown,
  ) {
    super(
      `EM has a ${what} named '${inEm}', which EM may count as the same name as '${declared}' (its database may ignore case, width ` +
        `and trailing spaces) but which is not that name character for character, so it was neither taken over nor created beside. ` +
        `Use the name exactly as EM shows it ('${inEm}'), or choose a name EM cannot confuse with it.`,
    );
    this.name = "NameMayBeSameError";
  }
}

/**
 * Windows account names (EM's User and Group accounts, `Domain\Name`) are case-insensitive in Windows itself
 * (Microsoft's naming conventions for computer, domain and user names), whatever database EM uses.
 */
export function accountNamesSurelySame(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/**
 * The item named `name`: the one whose name is surely the same (by `surely`, character for character unless told);
 * undefined when none is even possibly the same; a NameMayBeSameError when only a possibly-same one exists.
 */
export function pickSameName<T>(items: readonly T[], name: string, nameOf: (item: T) => string, what: string, surely: (a: string, b: string) => boolean = namesSurelySame): T | undefined {
  const exact = items.find((i) => nameOf(i) === name) ?? items.find((i) => surely(nameOf(i), name));
  if (exact !== undefined) return exact;
  const possible = items.find((i) => namesPossiblySame(nameOf(i), name));
  if (possible !== undefined) throw new NameMayBeSameError(what, name, nameOf(possible), possible);
  return undefined;
}

/** Add-VBRCloudSubTenant and Add-VBRCloudTenant: names "must not contain Unicode characters" (read as: only ASCII). */
export function unicodeInName(name: string): string | undefined {
  return /[^\x00-\x7f]/.exec(name)?.[0];
}
