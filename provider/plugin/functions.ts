/**
 * The look-ups as the plugin's functions (`veeam-em:index:getCloudTenant`, ...): their arguments and results as
 * field tables, so the schema and the argument checks come from one place, and the look-ups themselves are the
 * ones a TypeScript program calls (provider/lookups.ts).
 */
import type { ConnectionSettings } from "../client";
import { getCloudTenant, getRole, getTenantQuota } from "../lookups";
import type { Field } from "../resources/fields";

const str = (name: string, doc: string, extra: Partial<Field> = {}): Field => ({ name, type: { kind: "string" }, doc, ...extra });
const int = (name: string, doc: string): Field => ({ name, type: { kind: "integer" }, doc });

const QUOTA_RESOURCE_FIELDS: readonly Field[] = [
  str("id", "EM's id of the quota resource: a Subtenant's `tenantResourceId`"),
  str("displayName", "the quota resource's display name"),
  str("repositoryUid", "the cloud repository's UID"),
  int("quotaMb", "the quota in MB"),
  int("usedQuotaMb", "MB of the quota in use"),
];

export interface PluginFunction {
  /** The function's name; its token is `veeam-em:index:<name>`. */
  name: string;
  doc: string;
  inputs: readonly Field[];
  outputs: readonly Field[];
  run(args: Record<string, unknown>, settings: ConnectionSettings): Promise<unknown>;
}

export const FUNCTIONS: readonly PluginFunction[] = [
  {
    name: "getCloudTenant",
    doc: "A cloud tenant by name (EM compares names without case), with its quota resources.",
    inputs: [str("name", "the tenant's name", { required: true, nonEmpty: true })],
    outputs: [
      str("id", "EM's id of the tenant"),
      str("uid", "EM's UID of the tenant (urn:veeam:CloudTenant:<guid>)"),
      str("name", "the tenant's name as EM has it"),
      str("description", "free text"),
      { name: "enabled", type: { kind: "boolean" }, doc: "whether the tenant may connect" },
      str("type", "Standalone, ActiveDirectory or vCD"),
      str("backupServerName", "the tenant's backup server"),
      { name: "resources", type: { kind: "list", item: { kind: "object", fields: QUOTA_RESOURCE_FIELDS } }, doc: "the tenant's quota resources" },
    ],
    run: (args, settings) => getCloudTenant({ name: args.name as string }, { connection: settings }),
  },
  {
    name: "getTenantQuota",
    doc: "One quota resource of a tenant, by its display name or its repository's UID; with neither, the tenant's only one.",
    inputs: [
      str("tenantName", "the tenant's name", { required: true, nonEmpty: true }),
      str("displayName", "the quota resource's display name", { nonEmpty: true }),
      str("repositoryUid", "the cloud repository's UID", { nonEmpty: true }),
    ],
    outputs: [...QUOTA_RESOURCE_FIELDS, str("tenantId", "EM's id of the tenant"), str("tenantName", "the tenant's name as EM has it")],
    run: (args, settings) =>
      getTenantQuota({ tenantName: args.tenantName as string, displayName: args.displayName as string | undefined, repositoryUid: args.repositoryUid as string | undefined }, { connection: settings }),
  },
  {
    name: "getRole",
    doc: "An EM role by name (e.g. \"Portal User\").",
    inputs: [str("name", "the role's name", { required: true, nonEmpty: true })],
    outputs: [str("id", "EM's id of the role"), str("uid", "the role's UID (urn:veeam:EnterpriseRole:<guid>)"), str("name", "the role's name as EM has it")],
    run: (args, settings) => getRole({ name: args.name as string }, { connection: settings }),
  },
];

/** Only the members a table names, recursively: what a function returns is exactly what the schema says. */
export function projected(value: unknown, fields: readonly Field[]): Record<string, unknown> {
  const record = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const v = record[field.name];
    if (v === undefined || v === null) continue;
    const type = field.type;
    if (type.kind === "object") out[field.name] = projected(v, type.fields);
    else if (type.kind === "list" && type.item.kind === "object" && Array.isArray(v)) {
      const members = type.item.fields;
      out[field.name] = v.map((item) => projected(item, members));
    } else out[field.name] = v;
  }
  return out;
}
