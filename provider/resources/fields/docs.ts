/** The README's argument tables, from the field tables (`npm run docs:tables`). */
import { argumentList, isArgument, isOutput, type FieldType, type ResourceFields } from "./table";

function typeText(type: FieldType): string {
  switch (type.kind) {
    case "enum":
      return type.values.map((v) => `\`${v}\``).join(", ");
    case "list":
      return type.item.kind === "string" ? "string[]" : `\`{ ${argumentList(type.item.fields)} }[]\``;
    case "object":
      return `\`{ ${argumentList(type.fields)} }\``;
    default:
      return type.kind;
  }
}

const ON_CHANGE = { replace: "**replace**", update: "update", state: "update (state only)", none: "—" } as const;

/** The README's argument table of a resource, in Markdown. */
export function argumentTable(table: ResourceFields<any>): string {
  const rows = table.fields.filter(isArgument).map((f) => {
    const notes = [f.required ? "required" : undefined, f.default !== undefined ? `default \`${JSON.stringify(f.default)}\`` : undefined, f.doc].filter(Boolean).join("; ");
    const type = f.secret ? `secret ${typeText(f.type)}` : typeText(f.type);
    return `| \`${f.name}\` | ${type} | ${ON_CHANGE[f.onChange ?? "update"]} | ${notes.replace(/\|/g, "\\|")} |`;
  });
  const outputsOnly = table.fields.filter((f) => !isArgument(f)).map((f) => `\`${f.name}\``);
  const notOutputs = table.fields.filter((f) => isArgument(f) && !isOutput(f)).map((f) => `\`${f.name}\``);
  return [
    "| argument | type | on change | notes |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    `Outputs: every argument${notOutputs.length > 0 ? ` but ${notOutputs.join(", ")}` : ""} as EM now has it, plus ${outputsOnly.join(", ")}.`,
  ].join("\n");
}
