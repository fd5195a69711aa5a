/** Messages both resources give. */
import { redactUrl } from "../client";

export const IMPORT_UNSUPPORTED =
  "Dynamic providers cannot import existing objects ('pulumi import' or the import option); declare the resource with adopt: true instead, and the next 'pulumi up' takes it over";

/**
 * An update whose connection names another url found the object missing there. Another url is taken as a new
 * address of the same EM (replacing would delete the object when it is the same EM); objects cannot move between EMs.
 */
export function notAtNewUrl(what: string, id: string, url: string): string {
  return (
    `${what} (id ${id}) is not in the EM at ${redactUrl(url)}: a changed connection url is taken as a new address of the same EM, ` +
    `and objects cannot move between EMs. Nothing was changed. Point connection.url back at the EM that holds it; to move it, ` +
    `remove it from the stack and declare it anew with the new connection.`
  );
}
