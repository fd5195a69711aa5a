/**
 * The Pulumi package schema of the `veeam-em` plugin, from the field tables: every argument with its type, doc,
 * default, secrecy and whether a change replaces the object; outputs; the provider configuration; the look-ups as
 * functions; the TenantOnboarding component (served by Construct, construct.ts). `npm run schema` writes it to
 * schema.json; a test fails when the committed file is stale. Schema reference: https://www.pulumi.com/docs/iac/extending-pulumi/schema/
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

const str = (description: string) => ({ type: "string", description });
const int = (description: string) => ({ type: "integer", description });
const bool = (description: string) => ({ type: "boolean", description });
const mapOf = (name: string, description: string) => ({ type: "object", additionalProperties: { $ref: `#/types/${token(name)}` }, description });
const object = (properties: Json) => ({ type: "object", properties, required: Object.keys(properties) });

/** The component's summary types (OnboardingSummary in provider/onboarding/component.ts). */
const COMPONENT_TYPES: Record<string, Json> = {
  TenantOnboardingAccount: object({
    accountId: str("EM's id of the account."),
    roles: { type: "array", items: { type: "string" }, description: "The account's roles by name." },
    allowRestoreAllVms: bool("Whether the account may restore every VM."),
    restoreScope: { $ref: "pulumi.json#/Any", description: "\"all\", or the names of the objects the account may restore." },
  }),
  TenantOnboardingBackupResource: object({
    name: str("The backup resource's name."),
    repository: str("Its cloud repository."),
    quotaMb: int("Its quota in MB."),
    id: str("EM's id of the quota resource."),
    usedQuotaMb: int("MB of the quota in use."),
  }),
  TenantOnboardingSubtenant: object({
    subtenantId: str("EM's id of the subtenant."),
    enabled: bool("Whether the subtenant may connect."),
    quotaResource: str("The quota resource's display name."),
    quotaMb: int("The quota in MB."),
    unlimitedQuota: bool("Whether the quota is unlimited."),
    usedQuotaMb: int("MB of the quota in use."),
  }),
  TenantOnboardingTenant: {
    ...object({
      tenantId: str("EM's id of the tenant."),
      declared: bool("Whether the data file declares the tenant itself (a CloudTenant), rather than naming one EM has."),
      subtenants: mapOf("TenantOnboardingSubtenant", "The tenant's subtenants, by name."),
      accounts: mapOf("TenantOnboardingAccount", "The tenant's accounts, by name."),
    }),
    // Only a declared tenant has backup resources: not required.
    properties: {
      tenantId: str("EM's id of the tenant."),
      declared: bool("Whether the data file declares the tenant itself (a CloudTenant), rather than naming one EM has."),
      backupResources: { type: "array", items: { $ref: `#/types/${token("TenantOnboardingBackupResource")}` }, description: "A declared tenant's backup resources, each with its id." },
      subtenants: mapOf("TenantOnboardingSubtenant", "The tenant's subtenants, by name."),
      accounts: mapOf("TenantOnboardingAccount", "The tenant's accounts, by name."),
    },
  },
};

/** The TenantOnboarding component: its arguments (the provider instance is its EM) and its summary. */
export const COMPONENT_SPEC = {
  isComponent: true,
  description:
    "Every tenant, subtenant and EM account of an onboarding data file, as one component. Passwords come from secret stack config (`<project>:tenantPasswords`, `<project>:subtenantPasswords` or each entry's `passwordConfig`), never from the file. Give `data` or `path`.",
  inputProperties: {
    data: { $ref: "pulumi.json#/Any", description: "The data file's content: its JSON text, or the parsed object." },
    path: str("The data file's path, relative to the program's directory."),
    source: str("How messages name the data when it is given as `data` (default \"onboarding data\")."),
  },
  properties: {
    tenants: mapOf("TenantOnboardingTenant", "Per tenant, its id and its subtenants' and accounts' ids, quotas and roles."),
    accounts: mapOf("TenantOnboardingAccount", "The accounts of the data file's top-level \"accounts\" list."),
  },
  required: ["tenants", "accounts"],
};
export const COMPONENT_NAME = "TenantOnboarding";

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
  const resources: Json = { ...Object.fromEntries(RESOURCE_TABLES.map((t) => [token(t.resource), resourceSpec(b, t)])), [token(COMPONENT_NAME)]: COMPONENT_SPEC };
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
    types: Object.fromEntries(Object.entries({ ...b.types, ...Object.fromEntries(Object.entries(COMPONENT_TYPES).map(([name, spec]) => [token(name), spec])) }).sort(([a], [c]) => a.localeCompare(c))),
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
