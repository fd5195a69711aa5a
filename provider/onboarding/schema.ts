/**
 * The JSON Schema (draft 2020-12) of the onboarding data file, built from the same constants as the reader, so
 * editors check and complete what the component accepts. The shipped file onboarding.schema.json is this
 * object; a test fails when it is stale. Regenerate it with:
 *
 *   npm run build && node dist/provider/onboarding/schema.js > provider/onboarding/onboarding.schema.json
 *
 * What a schema cannot say (names compared without case, account name formats per type, look-ups in EM) the
 * component still checks.
 */
import * as path from "node:path";
import { MIN_TENANT_QUOTA_MB, THROTTLING_UNITS } from "../resources/tenant/fields";
import { ACCOUNT_KEYS, ACCOUNT_TYPES, ALL, DEFAULTS, INVISIBLE_TEXT_PATTERN, MANAGED_TENANT_KEYS, MAX_QUOTA_MB, MIN_QUOTA_MB, PASSWORD_POLICIES, PASSWORDS_CONFIG_KEY, ROOT_KEYS, SCOPE_KEYS, SUBTENANT_KEYS, SUBTENANT_NAME_MAX, TENANT_KEYS, TENANT_PASSWORDS_CONFIG_KEY, UNLIMITED } from "./format";

/** The shipped schema file (in the package, next to this module's source). */
export const SCHEMA_FILE = path.resolve(__dirname, "..", "..", "..", "provider", "onboarding", "onboarding.schema.json");

type Schema = Record<string, unknown>;

/** An object with exactly these keys (and any "$…" key, such as "$comment"). */
function object(keys: readonly string[], properties: Record<string, Schema>, required: string[], extra: Schema = {}): Schema {
  const missing = keys.filter((k) => !(k in properties));
  const unknown = Object.keys(properties).filter((k) => !keys.includes(k));
  if (missing.length + unknown.length > 0) throw new Error(`schema and format disagree: missing ${missing.join(", ")}; unknown ${unknown.join(", ")}`);
  return { type: "object", properties, required, patternProperties: { "^\\$": {} }, additionalProperties: false, ...extra };
}

/**
 * What editors show when a text breaks the rules, instead of the raw pattern: VS Code's JSON language service reads
 * `patternErrorMessage` for a pattern and `errorMessage` for the rest of the schema (a `not`, a type). Annotations
 * to validators, which ignore them.
 */

/** A non-empty string without spaces around it, holding something visible. */
const text = (description: string, extra: Schema = {}): Schema => ({
  type: "string",
  pattern: "^\\S([\\s\\S]*\\S)?$",
  patternErrorMessage: "Must not be empty, and must not start or end with a space (or other white space): give the name exactly as EM shows it.",
  not: { pattern: INVISIBLE_TEXT_PATTERN },
  errorMessage: "Must be text with something visible in it, and no space (or other white space) at either end.",
  description,
  ...extra,
});

const passwordPolicy = (whose: string): Schema => ({
  enum: [...PASSWORD_POLICIES],
  default: DEFAULTS.passwordPolicy,
  description: `"always": the password in stack config is the truth, sent to EM whenever it changes. "initial": set when the ${whose} is created, never sent again, so a password the tenant changed is left alone. Adopting keeps the password EM has under either policy.`,
});

export function onboardingSchema(): Schema {
  const scope = object(
    SCOPE_KEYS,
    {
      objectName: text("The object's name, e.g. VM01 (EM reports restore scope items by name, so the name identifies them)."),
      hierarchyObjRef: text("EM's reference of the object, e.g. urn:VMware:Vm:<hierarchy root id>.vm-7870."),
    },
    ["objectName"],
  );
  const account = object(
    ACCOUNT_KEYS,
    {
      type: { enum: [...ACCOUNT_TYPES], description: "The account's type." },
      name: text("Domain\\Name for User and Group, Username@Suffix for ExternalUser. EM accounts are global: list each once in the file."),
      roles: {
        type: "array",
        minItems: 1,
        uniqueItems: true,
        items: text("An EM role's name (e.g. \"Portal User\") or UID (urn:veeam:EnterpriseRole:<GUID>)."),
        description: "The account's EM roles.",
      },
      restoreScope: {
        oneOf: [
          { const: ALL, description: "The account may restore everything." },
          { type: "array", minItems: 1, items: { $ref: "#/$defs/scopeObject" }, description: "The only objects the account may restore." },
        ],
        default: DEFAULTS.restoreScope,
      },
      adopt: { type: "boolean", default: DEFAULTS.adopt, description: "Take over an EM account of this name that already exists, instead of failing." },
    },
    ["type", "name", "roles"],
  );
  const subtenant = object(
    SUBTENANT_KEYS,
    {
      name: text("The subtenant's user name, unique within the tenant (ignoring case). EM cannot rename: another name replaces the subtenant.", { maxLength: SUBTENANT_NAME_MAX }),
      description: { type: "string" },
      quotaMb: {
        oneOf: [
          { type: "integer", minimum: MIN_QUOTA_MB, maximum: MAX_QUOTA_MB, description: `The quota in MB (at least ${MIN_QUOTA_MB}, at most ${MAX_QUOTA_MB}).` },
          { const: UNLIMITED, description: "No quota limit." },
        ],
      },
      quotaResource: text("The tenant's quota resource by display name (for a tenant this file declares: the name of one of its backupResources); with neither this nor quotaResourceId, the tenant's only one."),
      quotaResourceId: text("The tenant's quota resource by id (for a tenant whose resources share a display name)."),
      enabled: { type: "boolean", default: DEFAULTS.enabled },
      adopt: { type: "boolean", default: DEFAULTS.adopt, description: "Take over a subtenant of this name that the tenant already has, instead of failing." },
      passwordConfig: text(`The stack config key holding the password, set as a secret with 'pulumi config set --secret --path'; default ${PASSWORDS_CONFIG_KEY}["<tenant>"]["<subtenant>"]. The key's name must end in Password or Passwords, outside the veeam-em: namespace. Passwords never go in this file.`),
      passwordPolicy: passwordPolicy("subtenant"),
    },
    ["name", "quotaMb"],
    // Not both. The properties are repeated inside `not` so that strict validators (Ajv's strictRequired) see
    // what `required` names defined where it is used.
    { not: { properties: { quotaResource: {}, quotaResourceId: {} }, required: ["quotaResource", "quotaResourceId"] } },
  );
  const backupResource = object(
    ["name", "repository", "quotaMb"],
    {
      name: text("The quota's friendly name, unique in the tenant; the tenant's subtenants name it as quotaResource."),
      repository: text("A cloud repository of the tenant's backup server, by name or UID (urn:veeam:Repository:<guid>); one quota per repository."),
      quotaMb: { type: "integer", minimum: MIN_TENANT_QUOTA_MB, maximum: MAX_QUOTA_MB, description: `The quota in MB (at least ${MIN_TENANT_QUOTA_MB}).` },
    },
    ["name", "repository", "quotaMb"],
  );
  const declaredOnly = Object.fromEntries(MANAGED_TENANT_KEYS.filter((k) => k !== "backupServer").map((k) => [k, ["backupServer"]]));
  const tenant = object(
    TENANT_KEYS,
    {
      name: text("The cloud tenant's name. With backupServer, a tenant this file declares (created, or taken over with adopt); without, a tenant EM already has."),
      subtenants: { type: "array", items: { $ref: "#/$defs/subtenant" } },
      accounts: { type: "array", items: { $ref: "#/$defs/account" }, description: "EM accounts listed with the tenant they serve." },
      backupServer: text("The backup server the tenant lives on, by name or UID (urn:veeam:BackupServer:<guid>). Makes this entry declare the tenant itself (a CloudTenant); the keys below need it."),
      description: { type: "string", description: "Free text." },
      enabled: { type: "boolean", default: true, description: "Whether the tenant may connect." },
      leaseExpiration: text("When the tenant's lease ends, ISO 8601 (e.g. 2030-12-31T00:00:00Z); no lease when left out."),
      maxConcurrentTasks: { type: "integer", minimum: 1, default: 1, description: "How many tasks the tenant may run at once." },
      throttling: object(
        ["enabled", "speedLimit", "unit"],
        {
          enabled: { type: "boolean", description: "Limit the tenant's incoming traffic." },
          speedLimit: { type: "integer", minimum: 1, description: "The limit, in unit." },
          unit: { enum: [...THROTTLING_UNITS], description: "Default MBps." },
        },
        ["enabled"],
        { description: "Bandwidth limit of the tenant's traffic; EM's setting stands when left out." },
      ),
      backupResources: { type: "array", items: { $ref: "#/$defs/backupResource" }, description: "Quotas on cloud repositories; an added one is created, a removed one deleted (refused while it holds backups)." },
      deleteBackupsOnDestroy: { type: "boolean", default: false, description: "Delete the tenant's backups when it is removed from the file (EM's includeBackups). By default they are kept." },
      allowBackupResourceDataLoss: { type: "boolean", default: false, description: "Allow removing a backup resource that holds the tenant's backups. By default that is refused." },
      adopt: { type: "boolean", default: DEFAULTS.adopt, description: "Take over a tenant of this name on that backup server that already exists, instead of failing." },
      passwordConfig: text(`The stack config key holding the tenant's password, set as a secret; default ${TENANT_PASSWORDS_CONFIG_KEY}["<tenant>"]. The key's name must end in Password or Passwords, outside the veeam-em: namespace. Passwords never go in this file.`),
      passwordPolicy: passwordPolicy("tenant"),
    },
    ["name"],
    { dependentRequired: declaredOnly },
  );
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "pulumi-veeam-em onboarding data file",
    description: "Cloud Connect tenants, subtenants and Enterprise Manager accounts declared by the TenantOnboarding component.",
    ...object(
      ROOT_KEYS,
      {
        tenants: { type: "array", items: { $ref: "#/$defs/tenant" } },
        accounts: { type: "array", items: { $ref: "#/$defs/account" }, description: "EM accounts not listed under a tenant." },
      },
      ["tenants"],
    ),
    $defs: { tenant, backupResource, subtenant, account, scopeObject: scope },
  };
}

/** The file's text: what onboarding.schema.json must hold. */
export function onboardingSchemaText(): string {
  return `${JSON.stringify(onboardingSchema(), null, 2)}\n`;
}

if (require.main === module) process.stdout.write(onboardingSchemaText());
