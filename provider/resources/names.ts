/**
 * EM compares names without regard to case (tenant, subtenant, account, role and scope object names, GUIDs):
 * every comparison of names in the resources goes through these two, so they cannot drift apart.
 */
import { unicodeInName } from "../client/name-rule";

/** The form two names share when EM treats them as the same name: a key for sets and maps. */
export const nameKey = (name: string): string => String(name).toLowerCase();

export const sameName = (a: string, b: string): boolean => nameKey(a) === nameKey(b);

/** Control characters (C0, DEL and C1): EM and Windows refuse them in names, and they hide in copied text. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** What `describe` shows of a character: the character, or its code when it cannot be seen. */
const shown = (ch: string) => (CONTROL.test(ch) || ch.trim() === "" ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}` : `'${ch}'`);

/**
 * The problems every EM name shares: spaces at either end (EM trims them, and the object could then never be
 * found again under the declared name) and control characters. `what` says whose name it is.
 */
export function commonNameProblem(name: string, what: string): string | undefined {
  const control = [...name].find((ch) => CONTROL.test(ch));
  if (control !== undefined) return `${what} must not contain control characters such as tab or line feed; got ${JSON.stringify(name)} with ${shown(control)}`;
  if (name !== name.trim()) return `${what} must not begin or end with a space (EM trims it, so the object could never be found again under this name); got ${JSON.stringify(name)}`;
  return undefined;
}

/** The first of `forbidden` in `name`, for messages that say which character is not allowed. */
export function forbiddenIn(name: string, forbidden: string): string | undefined {
  return [...name].find((ch) => forbidden.includes(ch));
}

/** How a set of forbidden characters reads in a message: \ / : * ? " < > | = ; */
export const listCharacters = (forbidden: string) => [...forbidden].join(" ");

/**
 * What is wrong with a Cloud Connect tenant's or subtenant's name (length aside, which the table checks), or
 * undefined: Veeam's cmdlet (`cmdlet`) forbids Unicode characters, the characters in `forbidden` and a final period.
 */
export function cloudConnectNameProblem(name: string, what: string, forbidden: string, cmdlet: string): string | undefined {
  const common = commonNameProblem(name, `a ${what} name`);
  if (common) return common;
  const unicode = unicodeInName(name);
  if (unicode !== undefined) return `a ${what} name must not contain Unicode characters (${cmdlet}); got '${name}', which has '${unicode}'`;
  const bad = forbiddenIn(name, forbidden);
  if (bad !== undefined) return `a ${what} name must not contain any of these characters: ${listCharacters(forbidden)} (got '${name}', which has '${bad}')`;
  if (name.endsWith(".")) return `a ${what} name must not end with a period; got '${name}'`;
  return undefined;
}
