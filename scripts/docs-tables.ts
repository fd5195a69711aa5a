/**
 * `npm run docs:tables`: writes the README's argument tables from the resources' field tables, between the
 * markers `<!-- fields:<Resource>:begin -->` and `<!-- fields:<Resource>:end -->`. A test fails when the README
 * is stale, so the tables cannot drift from the code.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ACCOUNT_FIELDS } from "../provider/resources/account/fields";
import { argumentTable, type ResourceFields } from "../provider/resources/fields";
import { SUBTENANT_FIELDS } from "../provider/resources/subtenant/fields";

export const README = path.resolve(__dirname, "..", "..", "README.md");
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each table has its own report type
const TABLES: ReadonlyArray<ResourceFields<any>> = [SUBTENANT_FIELDS, ACCOUNT_FIELDS];

const begin = (resource: string) => `<!-- fields:${resource}:begin (npm run docs:tables writes this part) -->`;
const end = (resource: string) => `<!-- fields:${resource}:end -->`;

/** The README text with every resource's table written from its field table. */
export function withTables(readme: string): string {
  let text = readme;
  for (const table of TABLES) {
    const [open, close] = [begin(table.resource), end(table.resource)];
    const from = text.indexOf(open);
    const to = text.indexOf(close);
    if (from < 0 || to < from) throw new Error(`README.md has no ${open} … ${close} markers for ${table.resource}'s argument table`);
    text = `${text.slice(0, from + open.length)}\n\n${argumentTable(table)}\n\n${text.slice(to)}`;
  }
  return text;
}

if (require.main === module) {
  const before = readFileSync(README, "utf8");
  const after = withTables(before);
  if (after === before) process.stdout.write("README.md argument tables are up to date\n");
  else {
    writeFileSync(README, after);
    process.stdout.write("README.md argument tables written\n");
  }
}
