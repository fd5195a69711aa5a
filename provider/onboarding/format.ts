/**
 * The facts of the onboarding data file's format, in one place: the reader (data.ts) checks files with them and
 * the JSON Schema (schema.ts → onboarding.schema.json) is built from them, so the two cannot disagree.
 */
import { ACCOUNT_TYPES } from "../resources/account/inputs";
import { PASSWORD_POLICIES, SUBTENANT_NAME_MAX } from "../resources/subtenant/fields";
import { MIN_QUOTA_MB } from "../resources/subtenant/inputs";

/** EM's limit on a subtenant's name comes from the Subtenant resource's field table. */
export { ACCOUNT_TYPES, MIN_QUOTA_MB, PASSWORD_POLICIES, SUBTENANT_NAME_MAX };

/** The largest quota EM holds: its QuotaMb is an Int (post_tenants_id_subtenants: "QuotaMb | Int"), 32 bits in .NET. */
export const MAX_QUOTA_MB = 2_147_483_647;

/**
 * A text of nothing one can see (refused as a name): spaces, control and format characters (zero-width,
 * bidirectional) and fillers. A JSON Schema pattern too, read with Unicode semantics.
 */
export const INVISIBLE_TEXT_PATTERN = "^[\\p{White_Space}\\p{Cc}\\p{Cf}\\p{Default_Ignorable_Code_Point}\\u2800]+$";

/** The value of `quotaMb` for a subtenant without a quota limit. */
export const UNLIMITED = "unlimited";
/** The value of `restoreScope` for an account that may restore everything. */
export const ALL = "all";

/** A role given by its UID instead of its name (the same in every EM version, where some names differ). */
export const ROLE_UID_PATTERN = "^urn:veeam:EnterpriseRole:[0-9A-Fa-f-]{36}$";

/** Allowed keys per object; keys starting with "$" (e.g. "$schema", "$comment") are allowed anywhere. */
export const ROOT_KEYS = ["tenants", "accounts"] as const;
/**
 * A tenant entry names an existing tenant (name, subtenants, accounts) or, with `backupServer`, declares the tenant
 * itself: a CloudTenant with the same arguments as the resource (MANAGED_TENANT_KEYS), its password read from stack
 * config like a subtenant's.
 */
export const MANAGED_TENANT_KEYS = [
  "backupServer",
  "description",
  "enabled",
  "leaseExpiration",
  "maxConcurrentTasks",
  "throttling",
  "backupResources",
  "deleteBackupsOnDestroy",
  "allowBackupResourceDataLoss",
  "adopt",
  "passwordConfig",
  "passwordPolicy",
] as const;
export const TENANT_KEYS = ["name", "subtenants", "accounts", ...MANAGED_TENANT_KEYS] as const;
export const SUBTENANT_KEYS = ["name", "description", "quotaMb", "quotaResource", "quotaResourceId", "enabled", "adopt", "passwordConfig", "passwordPolicy"] as const;
export const ACCOUNT_KEYS = ["type", "name", "roles", "restoreScope", "adopt"] as const;
export const SCOPE_KEYS = ["objectName", "hierarchyObjRef"] as const;

/** Defaults of optional keys. */
export const DEFAULTS = { enabled: true, adopt: false, restoreScope: ALL, passwordPolicy: "always" } as const;

/** The stack config key (project namespace) holding the subtenants' passwords by tenant and subtenant name. */
export const PASSWORDS_CONFIG_KEY = "subtenantPasswords";
/** The stack config key (project namespace) holding the passwords of the tenants the file declares, by tenant name. */
export const TENANT_PASSWORDS_CONFIG_KEY = "tenantPasswords";
