#!/usr/bin/env node
/** The `veeam-em` command. One subcommand so far: export. */
import { didYouMean } from "../resources/fields";
import { runExport } from "./export-command";

const USAGE = `Usage: veeam-em <command> [options]

Commands:
  export    write the onboarding data file of an existing Enterprise Manager (veeam-em export --help)
`;

const COMMANDS = ["export"];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "export") return runExport(rest);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`veeam-em: unknown command '${command}'${didYouMean(command, COMMANDS)}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`veeam-em: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
