/**
 * `npm run schema`: writes schema.json (the `veeam-em` plugin's package schema) from the field tables;
 * `npm run schema -- --check` only says whether the committed file is current (exit 1 when stale).
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { schemaText } from "../provider/plugin/schema";

const file = path.resolve(__dirname, "..", "..", "schema.json");
const text = schemaText();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    process.stderr.write("schema.json is stale: run 'npm run schema'\n");
    process.exit(1);
  }
  process.stdout.write("schema.json is current\n");
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file}\n`);
}
