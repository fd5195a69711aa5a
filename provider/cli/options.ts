/** Command-line parsing shared by the `veeam-em` subcommands: Node's parseArgs, with "did you mean" for a slip. */
import { didYouMean } from "../resources/fields";

/**
 * The message of a parseArgs failure for the user: Node's own (it names the option), without its advice on
 * positional arguments (the subcommands take none), and for an unknown option the closest known one.
 */
export function optionError(err: unknown, options: Readonly<Record<string, unknown>>): string {
  const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
  const unknown = (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /Unknown option '--([^'=]+)/.exec(message)?.[1] : undefined;
  if (unknown === undefined) return message;
  const guess = didYouMean(unknown, Object.keys(options));
  return guess ? `${message}${guess.replace(/'([^']+)'/, "'--$1'")}` : message;
}
