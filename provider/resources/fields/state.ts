/** What the providers store and hand back, from a field table: the outputs and the inputs a refresh returns. */
import { argumentNames, DECLARED_KEY, isArgument, LEGACY_DECLARED_KEY, type ResourceFields } from "./table";

/** Outputs must be plain JSON for the engine: no undefined values anywhere. Typed as the caller's shape. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value));

/** The declared arguments among `inputs`: what a refresh may hand back as inputs (the engine keeps no others). */
export function declaredIn(table: ResourceFields<any>, inputs: object): string[] {
  return argumentNames(table).filter((name) => (inputs as Record<string, unknown>)[name] !== undefined);
}

/**
 * The outputs: the declared arguments, EM's values where EM reports them, and (internal) which arguments were
 * declared. Nothing else from `inputs` (the plugin's `__provider`, keys of older versions) is carried over.
 */
export function outputsFrom<Outputs extends object, Report>(table: ResourceFields<Report>, inputs: object, report: Report, declared: readonly string[]): Outputs {
  const outputs: Record<string, unknown> = {};
  for (const field of table.fields) {
    const value = field.reported ? field.reported(report) : isArgument(field) ? (inputs as Record<string, unknown>)[field.name] : undefined;
    if (value !== undefined) outputs[field.name] = value;
  }
  outputs[DECLARED_KEY] = [...declared];
  return plain<Outputs>(outputs);
}

/**
 * Which arguments the stack declared, from outputs: the internal key, else the key of state written by 0.1,
 * else `guess` (state written before either existed).
 */
export function declaredFrom(outputs: object, guess: () => string[]): string[] {
  const record = outputs as Record<string, unknown>;
  for (const key of [DECLARED_KEY, LEGACY_DECLARED_KEY]) if (Array.isArray(record[key])) return record[key] as string[];
  return guess();
}

/**
 * The declared arguments as EM now has them, for `pulumi refresh`: a later preview then shows drift against the
 * program. What EM never reports keeps its declared value; what the stack left to EM stays undeclared.
 */
export function refreshedInputs<Inputs extends object, Report>(table: ResourceFields<Report>, old: object, report: Report, declared: readonly string[]): Inputs {
  const previous = old as Record<string, unknown>;
  const inputs: Record<string, unknown> = {};
  for (const field of table.fields.filter(isArgument)) {
    if (!declared.includes(field.name) && !field.refreshAlsoWhen?.(report)) continue;
    const how = field.refresh ?? "declared";
    const value = how === "declared" ? previous[field.name] : how === "em" ? field.reported?.(report) : how(previous, report);
    if (value !== undefined) inputs[field.name] = value;
  }
  return plain<Inputs>(inputs);
}

/**
 * The outputs after an update that changed only state-only arguments (`onChange: "state"`): EM is neither asked nor
 * written; the stored outputs take the new values of those arguments, so a later destroy or update reads them.
 */
export function withStateArguments<Outputs extends object>(table: ResourceFields<any>, olds: object, news: object, declared: readonly string[]): Outputs {
  const outs: Record<string, unknown> = { ...olds };
  delete outs.__provider;
  for (const field of table.fields) {
    if (field.onChange !== "state") continue;
    const value = (news as Record<string, unknown>)[field.name];
    if (value === undefined) delete outs[field.name];
    else outs[field.name] = value;
  }
  outs[DECLARED_KEY] = [...declared];
  return plain<Outputs>(outs);
}
