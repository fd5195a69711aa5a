/**
 * The Subtenant's fields: one place for each fact about them. Sources: EM's subtenant pages
 * (post_tenants_id_subtenants, put_tenants_id_subtenants_id) and Veeam's Add-VBRCloudSubTenant cmdlet for the name
 * rules; see docs/em-name-rules.md.
 */
import type { CloudSubtenant, CloudTenant } from "../../client";
import { CONNECTION_FIELD, type ResourceFields } from "../fields";
import { cloudConnectNameProblem, listCharacters } from "../names";

/** EM refuses subtenant quotas under 1 GB. */
export const MIN_QUOTA_MB = 1024;

/** Veeam's limit on subtenant names (Add-VBRCloudSubTenant). */
export const SUBTENANT_NAME_MAX = 128;
/** Characters Veeam refuses in subtenant names (Add-VBRCloudSubTenant). */
export const SUBTENANT_NAME_FORBIDDEN = '\\/:*?"<>|=;';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What is wrong with a subtenant name (length aside, which the table checks), or undefined. */
export function subtenantNameProblem(name: string): string | undefined {
  return cloudConnectNameProblem(name, "subtenant", SUBTENANT_NAME_FORBIDDEN, "Add-VBRCloudSubTenant");
}

/** How the declared password is used: whenever it changes ("always") or only at create ("initial"). */
export const PASSWORD_POLICIES = ["always", "initial"] as const;
export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

/** A tenant's or subtenant's password: secret, never reported by EM, set once under passwordPolicy "initial". */
export function passwordField(whose: string) {
  return {
    name: "password",
    type: { kind: "string" },
    doc: "kept secret in state and outputs; EM never returns it, so only a change of the declared value is noticed, and only under `passwordPolicy: \"always\"`; adopting keeps EM's password (see Adoption)",
    expects: `the ${whose}'s password`,
    required: true,
    nonEmpty: true,
    secret: true,
    onChange: "update",
    // Set-once: under "initial" the declared password is sent only at create, so its change is none.
    compare: { same: (a: unknown, b: unknown, news: Record<string, unknown>) => news.passwordPolicy === "initial" || a === b },
  } as const;
}

export const PASSWORD_POLICY_FIELD = {
  name: "passwordPolicy",
  type: { kind: "enum", values: PASSWORD_POLICIES },
  doc: "`always`: the declared password is the truth, sent to EM whenever it changes; `initial`: set once, at create, and never sent again, so a password the tenant changed is left alone (see Password policies)",
  default: "always",
  onChange: "none",
} as const;

/** What EM reports about a subtenant, where outputs and refreshed inputs come from. */
export interface SubtenantReport {
  tenant: Pick<CloudTenant, "id" | "name">;
  subtenant: CloudSubtenant;
}

export const SUBTENANT_FIELDS = {
  resource: "Subtenant",
  fields: [
    {
      name: "tenantId",
      type: { kind: "string" },
      doc: "the cloud tenant's id (a GUID); give this or `tenantName`, not both",
      expects: "the cloud tenant's id, a GUID",
      nonEmpty: true,
      pattern: { regex: GUID, describe: "a GUID such as 28ddf9b9-12fa-431a-a34c-a327f05c3920 (see getCloudTenant)" },
      onChange: "replace",
      compare: "name",
      optionalInDiff: true,
      reported: (r) => r.tenant.id,
    },
    {
      name: "tenantName",
      type: { kind: "string" },
      doc: "the cloud tenant's name, looked up in EM when the subtenant is created; give this or `tenantId`",
      expects: "the cloud tenant's name as EM shows it",
      nonEmpty: true,
      onChange: "replace",
      compare: "name",
      optionalInDiff: true,
      reported: (r) => r.tenant.name,
    },
    {
      name: "name",
      type: { kind: "string" },
      doc: `the subtenant's user name, unique in the tenant without regard to case; at most ${SUBTENANT_NAME_MAX} characters, none of \`${listCharacters(SUBTENANT_NAME_FORBIDDEN)}\`, no spaces at either end, no period at the end; EM cannot rename a subtenant`,
      expects: `the subtenant's user name, at most ${SUBTENANT_NAME_MAX} characters`,
      required: true,
      nonEmpty: true,
      maxLength: SUBTENANT_NAME_MAX,
      nameRule: subtenantNameProblem,
      onChange: "replace",
      compare: "name",
      // EM may report the name in its own case; a refresh keeps the declared spelling.
      reported: (r) => r.subtenant.name,
      refresh: "declared",
    },
    passwordField("subtenant"),
    PASSWORD_POLICY_FIELD,
    {
      name: "description",
      type: { kind: "string" },
      doc: "free text",
      default: "",
      onChange: "update",
      reported: (r) => r.subtenant.description,
      refresh: "em",
    },
    {
      name: "enabled",
      type: { kind: "boolean" },
      doc: "whether the subtenant may connect",
      default: true,
      onChange: "update",
      reported: (r) => r.subtenant.enabled,
      refresh: "em",
    },
    {
      name: "tenantResourceId",
      type: { kind: "string" },
      doc: "the tenant's quota resource the subtenant's quota is taken from (`getTenantQuota`)",
      expects: "the id of one of the tenant's quota resources (see getTenantQuota)",
      required: true,
      nonEmpty: true,
      onChange: "update",
      reported: (r) => r.subtenant.quota.tenantResourceId,
      refresh: "em",
    },
    {
      name: "quotaName",
      type: { kind: "string" },
      doc: "display name of the subtenant's quota (EM's default when omitted)",
      expects: "a display name for the quota",
      nonEmpty: true,
      onChange: "update",
      optionalInDiff: true,
      reported: (r) => r.subtenant.quota.displayName,
      refresh: "em",
    },
    {
      name: "quotaMb",
      type: { kind: "integer" },
      doc: `quota in MB, at least ${MIN_QUOTA_MB}; required unless \`unlimitedQuota\``,
      min: MIN_QUOTA_MB,
      onChange: "update",
      optionalInDiff: true,
      reported: (r) => r.subtenant.quota.quotaMb,
      refresh: "em",
      // A quota made limited in EM shows its size as drift, even where the stack left the size to EM.
      refreshAlsoWhen: (r) => !r.subtenant.quota.unlimited,
    },
    {
      name: "unlimitedQuota",
      type: { kind: "boolean" },
      doc: "no quota size: the subtenant may use the tenant's whole quota resource",
      default: false,
      onChange: "update",
      reported: (r) => r.subtenant.quota.unlimited,
      refresh: "em",
    },
    {
      name: "adopt",
      type: { kind: "boolean" },
      doc: "take over an existing subtenant of the same tenant and name instead of failing (see Adoption)",
      onChange: "none",
      output: false,
    },
    CONNECTION_FIELD,
    { name: "subtenantId", argument: false, type: { kind: "string" }, doc: "EM's id of the subtenant", reported: (r) => r.subtenant.id },
    { name: "usedQuotaMb", argument: false, type: { kind: "integer" }, doc: "MB of the quota in use", reported: (r) => r.subtenant.quota.usedQuotaMb },
    { name: "quotaId", argument: false, type: { kind: "string" }, doc: "EM's id of the subtenant's own quota (\"\" when EM does not report it)", reported: (r) => r.subtenant.quota.quotaId ?? "" },
  ],
  relations: [
    { kind: "exactlyOne", fields: ["tenantId", "tenantName"], missing: "set tenantId (the tenant's id) or tenantName (looked up in EM)", both: "set only one of tenantId and tenantName" },
    {
      kind: "requiredWhen",
      field: "quotaMb",
      when: "unlimitedQuota",
      equals: false,
      reason: `quotaMb is required unless unlimitedQuota is true; give a size in MB of at least ${MIN_QUOTA_MB}`,
    },
  ],
} as const satisfies ResourceFields<SubtenantReport>;
