/**
 * The Pulumi package schema of the `veeam-em` plugin, from the field tables: every argument with its type, doc,
 * default, secrecy and whether a change replaces the object; outputs; the provider configuration; the look-ups as
 * functions. TenantOnboarding is not in it yet: the plugin
 * does not serve Construct, and a generated class that always fails would be a trap (see docs/native-plugin.md). `npm run schema` writes it to schema.json; a test fails when the
 * committed file is stale. Schema reference: https://www.pulumi.com/docs/iac/extending-pulumi/schema/
 */
import { ACCOUNT_FIELDS } from "../resources/account/fields";
import { isArgument, isOutput, type Field, type FieldType, type ResourceFields } from "../resources/fields";
import { SUBTENANT_FIELDS } from "../resources/subtenant/fields";
import { TENANT_FIELDS } from "../resources/tenant/fields";
import { PROVIDER_CONFIG_FIELDS } from "./config";
import { FUNCTIONS } from "./functions";

export const PACKAGE = "veeam-em";
export const token = (name: string) => `${PACKAGE}:index:${name}`;

/** The custom resources the plugin serves, by their tables. */
export const RESOURCE_TABLES: readonly ResourceFields<any>[] = [SUBTENANT_FIELDS, ACCOUNT_FIELDS, TENANT_FIELDS];

/** Table fields that have no place in the plugin's schema: the provider instance is the connection. */
export const NOT_IN_SCHEMA = ["connection"] as const;

type Json = Record<string, unknown>;

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
/** backupResources → BackupResource: a list's item type. */
const singular = (name: string) => pascal(name.endsWith("s") ? name.slice(0, -1) : name);

class SchemaBuilder {
  readonly types: Record<string, Json> = {};

  private addType(name: string, spec: Json): string {
    const tok = token(name);
    const existing = this.types[tok];
    if (existing && JSON.stringify(existing) !== JSON.stringify(spec)) throw new Error(`schema: two different types would be named ${tok}`);
    this.types[tok] = spec;
    return `#/types/${tok}`;
  }

  /** The schema type of a field; `owner` names the types it makes (CloudTenantThrottling, ...). */
  /** `owner` prefixes the object types a field makes; `enumPrefix` its enums (shared by name at the top level). */
  typeOf(field: Field, owner: string, enumPrefix: string): Json {
    return this.typeOfKind(field.type, field.name, owner, enumPrefix);
  }

  private typeOfKind(type: FieldType, name: string, owner: string, enumPrefix: string): Json {
    switch (type.kind) {
      case "string":
      case "boolean":
      case "integer":
        return { type: type.kind };
      case "enum":
        return { type: "string", $ref: this.addType(enumPrefix + pascal(name), { type: "string", enum: type.values.map((value) => ({ value })) }) };
      case "object":
        return { type: "object", $ref: this.objectType(owner + pascal(name), type.fields) };
      case "list":
        return {
          type: "array",
          items: type.item.kind === "string" ? { type: "string" } : { type: "object", $ref: this.objectType(owner + singular(name), type.item.fields) },
        };
    }
  }

  private objectType(name: string, fields: readonly Field[]): string {
    const properties = Object.fromEntries(fields.map((f) => [f.name, this.property(f, name, isArgument(f) ? "" : " Output only: EM sets it.", name)]));
    const required = fields.filter((f) => f.required).map((f) => f.name);
    return this.addType(name, { type: "object", properties, ...(required.length > 0 ? { required } : {}) });
  }

  property(field: Field, owner: string, note = "", enumPrefix = ""): Json {
    return {
      ...this.typeOf(field, owner, enumPrefix),
      description: field.doc.charAt(0).toUpperCase() + field.doc.slice(1) + "." + note,
      ...(field.default !== undefined ? { default: field.default } : {}),
      ...(field.secret ? { secret: true } : {}),
      ...(field.onChange === "replace" ? { replaceOnChanges: true } : {}),
    };
  }
}

const inSchema = (f: Field) => !(NOT_IN_SCHEMA as readonly string[]).includes(f.name);

function resourceSpec(b: SchemaBuilder, table: ResourceFields<any>): Json {
  const fields = table.fields.filter(inSchema);
  const args = fields.filter(isArgument);
  const outs = fields.filter(isOutput);
  return {
    description: `${table.resource} in Veeam Backup Enterprise Manager. Import with its EM id: \`pulumi import ${token(table.resource)} <name> <id>\`.`,
    inputProperties: Object.fromEntries(args.map((f) => [f.name, b.property(f, table.resource)])),
    requiredInputs: args.filter((f) => f.required).map((f) => f.name),
    properties: Object.fromEntries(outs.map((f) => [f.name, b.property(f, table.resource)])),
    required: outs.filter((f) => f.required || !isArgument(f)).map((f) => f.name),
  };
}

function functionSpec(b: SchemaBuilder, fn: (typeof FUNCTIONS)[number]): Json {
  const owner = pascal(fn.name);
  return {
    description: fn.doc,
    inputs: { properties: Object.fromEntries(fn.inputs.map((f) => [f.name, b.property(f, owner)])), required: fn.inputs.filter((f) => f.required).map((f) => f.name) },
    outputs: { properties: Object.fromEntries(fn.outputs.map((f) => [f.name, b.property(f, owner)])), required: fn.outputs.map((f) => f.name) },
  };
}

export function buildSchema(): Json {
  const b = new SchemaBuilder();
  const config = Object.fromEntries(PROVIDER_CONFIG_FIELDS.map((f) => [f.name, b.property(f, "")]));
  const resources: Json = Object.fromEntries(RESOURCE_TABLES.map((t) => [token(t.resource), resourceSpec(b, t)]));
  const functions = Object.fromEntries(FUNCTIONS.map((fn) => [token(fn.name), functionSpec(b, fn)]));
  return {
    name: PACKAGE,
    displayName: "Veeam Backup Enterprise Manager",
    description: "Cloud Connect tenants, subtenants and Enterprise Manager accounts through Veeam Backup Enterprise Manager's REST API.",
    keywords: ["pulumi", "veeam", "enterprise-manager", "cloud-connect", "category/infrastructure", "kind/native"],
    license: "Apache-2.0",
    config: { variables: config },
    provider: {
      description: "One Enterprise Manager: declare one provider instance per EM. Each setting falls back to its VEEAM_EM_* environment variable.",
      inputProperties: config,
    },
    resources,
    functions,
    types: Object.fromEntries(Object.entries(b.types).sort(([a], [c]) => a.localeCompare(c))),
    language: {
      nodejs: { packageName: "@veeam-em/pulumi", respectSchemaVersion: true },
      python: { packageName: "pulumi_veeam_em", respectSchemaVersion: true },
      csharp: { rootNamespace: "Pulumi", respectSchemaVersion: true },
      go: { importBasePath: "github.com/pulumi-veeam-em/sdk/go/veeamem", respectSchemaVersion: true },
    },
  };
}

/** The schema as schema.json holds it: two-space JSON and a final newline. */
export const schemaText = () => JSON.stringify(buildSchema(), null, 2) + "\n";
