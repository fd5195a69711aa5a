/**
 * `npm run soak [-- --seed N] [--tenants N] [--subtenants N] [--accounts N] [--formats xml,json] [--report file.json]`: the fault
 * soak against an emulator on 127.0.0.1 (ephemeral port). Prints the fault seed first, a report at the end, and
 * exits 1 when any assertion failed.
 */
import { writeFileSync } from "node:fs";
import { FULL_SOAK, runSoak, type SoakOptions } from "./soak";
import { formatReport, reportJson } from "./report";
import type { Format } from "./declarations";

export const DEFAULT_SEED = 20261127;

const USAGE = "usage: npm run soak -- [--seed N] [--tenants N] [--subtenants N] [--accounts N] [--formats xml,json] [--concurrency N] [--budget-seconds N] [--report file.json]";

export function parseArgs(argv: string[]): { options: SoakOptions; reportPath?: string } {
  const options: SoakOptions = { ...FULL_SOAK, seed: DEFAULT_SEED };
  let reportPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    const count = (min: number) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number of at least ${min}, got '${value}'`);
      return n;
    };
    switch (flag) {
      case "--seed":
        options.seed = count(0);
        break;
      case "--tenants":
        options.tenants = count(0);
        break;
      case "--subtenants":
        options.subtenants = count(0);
        break;
      case "--accounts":
        options.accounts = count(0);
        break;
      case "--concurrency":
        options.concurrency = count(1);
        break;
      case "--budget-seconds":
        options.budgetMs = count(10) * 1000;
        break;
      case "--formats": {
        const formats = value.split(",").map((f) => f.trim());
        if (formats.length === 0 || !formats.every((f) => f === "xml" || f === "json")) throw new Error(`--formats must be xml, json or xml,json, got '${value}'`);
        options.formats = formats as Format[];
        break;
      }
      case "--report":
        reportPath = value;
        break;
      default:
        throw new Error(`unknown argument '${flag}'; ${USAGE}`);
    }
    i++;
  }
  return { options, reportPath };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const { options, reportPath } = parsed;
  const command = `npm run soak -- --seed ${options.seed} --tenants ${options.tenants ?? 0} --subtenants ${options.subtenants} --accounts ${options.accounts} --formats ${options.formats.join(",")}`;
  process.stdout.write(`fault seed ${options.seed} (repeat with: ${command})\n`);
  const result = await runSoak({ ...options, progress: (line) => process.stdout.write(`  ${line}\n`) });
  process.stdout.write(`\n${formatReport(result, command)}\n`);
  if (reportPath) {
    writeFileSync(reportPath, reportJson(result));
    process.stdout.write(`report written to ${reportPath}\n`);
  }
  process.exit(result.failures.length === 0 ? 0 : 1);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`the soak itself failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(3);
  });
}
