/**
 * Reading the onboarding data file: every message names the file, the place in the file and what is wrong, so
 * that a reviewer of a pull request sees at once which line to fix. The format is described by the JSON Schema
 * onboarding.schema.json (built from format.ts, like this reader) and in the README ("The onboarding data file"):
 *
 * {
 *   "$schema": "…/onboarding.schema.json",
 *   "tenants": [
 *     {
 *       "name": "ABC Company",                          // an existing cloud tenant, by name
 *       "subtenants": [
 *         {
 *           "name": "abc-finance",                      // unique within the tenant; EM cannot rename
 *           "description": "Finance department",        // optional
 *           "quotaMb": 20480,                           // at least 1024, or "unlimited"
 *           "quotaResource": "ABC Company Cloud Repository", // the tenant's quota resource by display name, or
 *           // "quotaResourceId": "11c5…",              // by id; with neither, the tenant's only one
 *           "enabled": true,                            // optional, default true
 *           "adopt": true,                              // optional: take over the subtenant if EM has it already
 *           "passwordConfig": "subtenantPasswords[\"ABC Company\"][\"abc-finance\"]", // optional; this is the default
 *           "passwordPolicy": "initial"                 // optional: "always" (default) or "initial" (set once)
 *         }
 *       ],
 *       "accounts": [ … ]                               // accounts listed with the tenant they serve (optional)
 *     },
 *     {
 *       "name": "Acme Corp",                            // with backupServer: a tenant this file creates (or adopts)
 *       "backupServer": "vbr01.example.net",            // by name or UID; the other keys are CloudTenant's arguments
 *       "backupResources": [{ "name": "Acme quota", "repository": "Cloud Repository 01", "quotaMb": 512000 }],
 *       "passwordConfig": "tenantPasswords[\"Acme Corp\"]", // optional; this is the default
 *       "subtenants": [{ "name": "acme-laptops", "quotaMb": 51200, "quotaResource": "Acme quota" }]
 *     }
 *   ],
 *   "accounts": [                                       // accounts not listed under a tenant (EM's are global)
 *     {
 *       "type": "User",                                 // User, Group, ExternalUser or ExternalGroup
 *       "name": "TECH\\alice.admin",                    // Domain\Name; Username@Suffix for ExternalUser
 *       "roles": ["Portal User"],                       // EM role names, or UIDs urn:veeam:EnterpriseRole:…
 *       "restoreScope": "all",                          // optional, default "all"; or a list of objects:
 *                                                       // [{ "objectName": "VM01", "hierarchyObjRef": "urn:VMware:Vm:…" }]
 *       "adopt": true                                   // optional
 *     }
 *   ]
 * }
 *
 * Keys starting with "$" are ignored anywhere; any other unknown key is an error, so that a typo such as
 * "quotaMB" is caught instead of silently ignored. Passwords never belong in this file: each subtenant's is read
 * from secret stack config (see component.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { accountNameProblem, type AccountType, type ScopeObject } from "../resources/account/inputs";
import { defaultPasswordPath, defaultTenantPasswordPath, parseConfigPath, passwordKeyProblem } from "./config-path";
import type { PasswordPolicy } from "../resources/subtenant/fields";
import { sameName } from "../resources/names";
import type { BackupResourceValue } from "../resources/tenant/fields";
import { checkTenantInputs, type CloudTenantInputs } from "../resources/tenant/inputs";
import { jsonTextProblems } from "./json-text";
import { didYouMean } from "../resources/fields";
import { ACCOUNT_KEYS, ACCOUNT_TYPES, ALL, DEFAULTS, INVISIBLE_TEXT_PATTERN, MANAGED_TENANT_KEYS, MAX_QUOTA_MB, MIN_QUOTA_MB, PASSWORD_POLICIES, ROLE_UID_PATTERN, ROOT_KEYS, SCOPE_KEYS, SUBTENANT_KEYS, SUBTENANT_NAME_MAX, TENANT_KEYS, UNLIMITED } from "./format";

export type { AccountType, ScopeObject };

export interface SubtenantEntry {
  name: string;
  description?: string;
  /** A size in MB, or "unlimited". */
  quotaMb: number | "unlimited";
  /** Display name of the tenant's quota resource; with quotaResourceId undefined too, the tenant's only one. */
  quotaResource?: string;
  /** Id of the tenant's quota resource (for tenants whose resources share a display name). */
  quotaResourceId?: string;
  enabled: boolean;
  adopt: boolean;
  /** The stack config path of the password, e.g. subtenantPasswords["ABC Company"]["abc-finance"]. */
  passwordConfig: string;
  /** The Subtenant's passwordPolicy: "always" or "initial" (set at create and adopt only). */
  passwordPolicy: PasswordPolicy;
  /** Under a tenant the file declares: the name of the tenant's backup resource the quota is taken from. */
  backupResource?: string;
  /** Where the entry is in the file, e.g. tenants[0].subtenants[1]. */
  at: string;
}

/** The CloudTenant's arguments a tenant entry declares (as written: no defaults filled in), password aside. */
export type ManagedTenantArgs = Partial<Omit<CloudTenantInputs, "name" | "password" | "connection">> & { backupServer: string; backupResources?: BackupResourceValue[] };

/** A tenant the file declares (creates, or adopts with adopt: true), not only names. */
export interface ManagedTenantEntry {
  args: ManagedTenantArgs;
  /** The stack config path of the tenant's password, e.g. tenantPasswords["Acme Corp"]. */
  passwordConfig: string;
}

export interface AccountEntry {
  type: AccountType;
  name: string;
  /** Role names, or role UIDs (urn:veeam:EnterpriseRole:…). */
  roles: string[];
  /** "all", or the objects the account may restore. */
  restoreScope: "all" | ScopeObject[];
  adopt: boolean;
  at: string;
}

export interface TenantEntry {
  name: string;
  /** Set when the entry declares the tenant itself (it has a backupServer); otherwise the tenant exists in EM. */
  managed?: ManagedTenantEntry;
  subtenants: SubtenantEntry[];
  accounts: AccountEntry[];
  at: string;
}

export interface OnboardingData {
  /** The file as the user should see it in messages (relative to the working directory when inside it). */
  file: string;
  tenants: TenantEntry[];
  /** The accounts of the top-level "accounts" list (those listed under a tenant are in its entry). */
  accounts: AccountEntry[];
}

export interface Problem {
  file: string;
  /** Place in the file, e.g. tenants[0].subtenants[1].quotaMb; "" for the whole file. */
  at: string;
  message: string;
}

/** Resource names: stable as long as the names in the data file stay the same. */
export const subtenantResourceName = (tenant: string, subtenant: string) => `${tenant}/${subtenant}`;
export const tenantResourceName = (tenant: string) => tenant;
export const accountResourceName = (account: string) => account;

/** Every account of the file: each tenant's, then the top-level list's. */
export function allAccounts(data: OnboardingData): AccountEntry[] {
  return [...data.tenants.flatMap((t) => t.accounts), ...data.accounts];
}

/** Every problem found in a data file (or in what EM says about it), in one error. */
export class OnboardingDataError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      problems.length === 1
        ? formatProblem(problems[0])
        : `${problems[0].file} has ${problems.length} problems:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`,
    );
    this.name = "OnboardingDataError";
  }
}

export function formatProblem(p: Problem): string {
  return p.at === "" ? `${p.file}: ${p.message}` : `${p.file}: ${p.at}: ${p.message}`;
}

/** The path as a user would type it: relative to the working directory when the file is below it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const INVISIBLE = new RegExp(INVISIBLE_TEXT_PATTERN, "u");

class Reader {
  readonly problems: Problem[] = [];
  constructor(readonly file: string) {}

  fail(at: string, message: string): void {
    this.problems.push({ file: this.file, at, message });
  }

  object(value: Json | undefined, at: string, allowed: readonly string[]): Record<string, Json> | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.fail(at, `must be an object, got ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!key.startsWith("$") && !allowed.includes(key)) this.fail(join(at, key), `unknown key '${key}'${didYouMean(key, allowed)}; allowed keys: ${allowed.join(", ")}`);
    }
    return value;
  }

  array(value: Json | undefined, at: string, required: boolean): Json[] | undefined {
    if (value === undefined) {
      if (required) this.fail(at, "is required: a list");
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.fail(at, `must be a list, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  string(value: Json | undefined, at: string, required: boolean): string | undefined {
    if (value === undefined) {
      if (required) this.fail(at, "is required: a non-empty string");
      return undefined;
    }
    if (typeof value !== "string" || value.trim() === "") {
      this.fail(at, `must be a non-empty string, got ${describe(value)}`);
      return undefined;
    }
    if (value !== value.trim()) this.fail(at, `must not start or end with spaces, got ${JSON.stringify(value)}`);
    else if (INVISIBLE.test(value)) {
      const codes = [...value].map((c) => `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`);
      this.fail(at, `must hold a visible character, got only invisible or bidirectional control characters (${codes.slice(0, 8).join(" ")}${codes.length > 8 ? " …" : ""})`);
    }
    return value;
  }

  boolean(value: Json | undefined, at: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      this.fail(at, `must be true or false, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }
}

function join(at: string, key: string): string {
  return at === "" ? key : `${at}.${key}`;
}

function describe(value: Json | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}


function readSubtenant(r: Reader, value: Json, at: string, tenant: string | undefined): SubtenantEntry | undefined {
  const o = r.object(value, at, SUBTENANT_KEYS);
  if (!o) return undefined;
  const name = r.string(o.name, join(at, "name"), true);
  if (name !== undefined && name.length > SUBTENANT_NAME_MAX) r.fail(join(at, "name"), `must be at most ${SUBTENANT_NAME_MAX} characters, got ${name.length}`);
  let description: string | undefined;
  if (o.description !== undefined) {
    if (typeof o.description === "string") description = o.description;
    else r.fail(join(at, "description"), `must be a string, got ${describe(o.description)}`);
  }
  let quotaMb: number | "unlimited" | undefined;
  const q = o.quotaMb;
  if (q === undefined) r.fail(join(at, "quotaMb"), `is required: a size in MB of at least ${MIN_QUOTA_MB}, or "${UNLIMITED}"`);
  else if (q === UNLIMITED) quotaMb = q;
  else if (typeof q !== "number" || !Number.isInteger(q)) r.fail(join(at, "quotaMb"), `must be a whole number of MB (at least ${MIN_QUOTA_MB}) or "${UNLIMITED}", got ${describe(q)}`);
  else if (q < MIN_QUOTA_MB) r.fail(join(at, "quotaMb"), `must be at least ${MIN_QUOTA_MB} MB (EM refuses smaller subtenant quotas), got ${q}`);
  else if (q > MAX_QUOTA_MB) r.fail(join(at, "quotaMb"), `must be at most ${MAX_QUOTA_MB} MB (EM holds a quota's size as a 32-bit whole number), got ${q}; for no limit write "${UNLIMITED}"`);
  else quotaMb = q;
  const quotaResource = r.string(o.quotaResource, join(at, "quotaResource"), false);
  const quotaResourceId = r.string(o.quotaResourceId, join(at, "quotaResourceId"), false);
  if (quotaResource !== undefined && quotaResourceId !== undefined) r.fail(join(at, "quotaResourceId"), "give quotaResource (the display name) or quotaResourceId, not both");
  const enabled = r.boolean(o.enabled, join(at, "enabled"), DEFAULTS.enabled);
  const adopt = r.boolean(o.adopt, join(at, "adopt"), DEFAULTS.adopt);
  const passwordPolicy = readPasswordPolicy(r, o, at);
  let passwordConfig = readPasswordConfig(r, o, at, 'subtenantPasswords["tenant"]["subtenant"]');
  if (name === undefined || quotaMb === undefined || tenant === undefined) return undefined;
  passwordConfig ??= defaultPasswordPath(tenant, name);
  return { name, description, quotaMb, quotaResource, quotaResourceId, enabled, adopt, passwordConfig, passwordPolicy, at };
}

function readPasswordPolicy(r: Reader, o: Record<string, Json>, at: string): PasswordPolicy {
  if (o.passwordPolicy === undefined) return DEFAULTS.passwordPolicy;
  if (typeof o.passwordPolicy === "string" && (PASSWORD_POLICIES as readonly string[]).includes(o.passwordPolicy)) return o.passwordPolicy as PasswordPolicy;
  r.fail(join(at, "passwordPolicy"), `must be one of ${PASSWORD_POLICIES.map((p) => `"${p}"`).join(", ")}, got ${describe(o.passwordPolicy)}`);
  return DEFAULTS.passwordPolicy;
}

function readPasswordConfig(r: Reader, o: Record<string, Json>, at: string, example: string): string | undefined {
  const passwordConfig = r.string(o.passwordConfig, join(at, "passwordConfig"), false);
  if (passwordConfig === undefined) return undefined;
  try {
    const problem = passwordKeyProblem(parseConfigPath(passwordConfig));
    if (problem === undefined) return passwordConfig;
    r.fail(join(at, "passwordConfig"), `${problem}; write e.g. ${example}`);
    return undefined;
  } catch (err) {
    r.fail(join(at, "passwordConfig"), `must be a stack config key such as ${example}: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * The tenant itself, when the entry declares it (has a backupServer): its arguments checked by the CloudTenant's
 * own rules, each problem at its place in the file. Without backupServer the entry names a tenant EM has, and a
 * key only a declared tenant takes is an error.
 */
function readManagedTenant(r: Reader, o: Record<string, Json>, at: string, name: string | undefined): ManagedTenantEntry | undefined {
  const present = MANAGED_TENANT_KEYS.filter((k) => o[k] !== undefined);
  if (o.backupServer === undefined) {
    for (const key of present) r.fail(join(at, key), `belongs to a tenant this file declares: add "backupServer" to create (or, with "adopt": true, take over) the tenant; without it the entry names a tenant EM already has`);
    return undefined;
  }
  const before = r.problems.length;
  const passwordPolicy = readPasswordPolicy(r, o, at);
  const passwordConfig = readPasswordConfig(r, o, at, 'tenantPasswords["tenant"]');
  const args: Record<string, unknown> = {};
  for (const key of present) if (key !== "passwordConfig" && key !== "passwordPolicy") args[key] = o[key];
  if (passwordPolicy !== DEFAULTS.passwordPolicy) args.passwordPolicy = passwordPolicy;
  // The resource's own rules (name, quota sizes, lease, throttling, one quota per repository), with the file's places.
  const { failures } = checkTenantInputs({ ...args, name: name ?? "placeholder", password: "from stack config" });
  for (const f of failures) if (f.property !== "name" || name !== undefined) r.fail(join(at, f.property), f.reason);
  if (name === undefined || r.problems.length > before) return undefined;
  return { args: args as ManagedTenantArgs, passwordConfig: passwordConfig ?? defaultTenantPasswordPath(name) };
}

/** A subtenant of a tenant the file declares takes its quota from one of the tenant's backup resources, by name. */
function bindBackupResource(r: Reader, tenant: string, managed: ManagedTenantEntry, sub: SubtenantEntry): void {
  if (sub.quotaResourceId !== undefined) {
    r.fail(join(sub.at, "quotaResourceId"), `tenant '${tenant}' is declared by this file, so its backup resources have no ids to name here: give the backup resource's name as quotaResource`);
    return;
  }
  const resources = managed.args.backupResources ?? [];
  const names = resources.map((x) => `'${x.name}'`).join(", ") || "(none)";
  const found = sub.quotaResource === undefined ? (resources.length === 1 ? resources[0] : undefined) : resources.find((x) => sameName(x.name, sub.quotaResource as string));
  if (!found) {
    if (sub.quotaResource !== undefined) r.fail(join(sub.at, "quotaResource"), `tenant '${tenant}' declares no backup resource named '${sub.quotaResource}'; its backup resources are: ${names}`);
    else r.fail(join(sub.at, "quotaResource"), `is required: tenant '${tenant}' declares ${resources.length === 0 ? "no backup resource (add one to its backupResources)" : `several backup resources (${names}); name one`}`);
    return;
  }
  if (typeof sub.quotaMb === "number" && sub.quotaMb > found.quotaMb) r.fail(join(sub.at, "quotaMb"), `${sub.quotaMb} MB exceeds the quota of tenant '${tenant}' on '${found.name}' (${found.quotaMb} MB)`);
  sub.backupResource = found.name;
}

function readScope(r: Reader, value: Json | undefined, at: string): "all" | ScopeObject[] | undefined {
  if (value === undefined || value === ALL) return ALL;
  if (!Array.isArray(value) || value.length === 0) {
    r.fail(at, `must be "all" or a non-empty list of objects such as { "objectName": "VM01", "hierarchyObjRef": "urn:VMware:Vm:…" }, got ${describe(value)}`);
    return undefined;
  }
  const objects: ScopeObject[] = [];
  value.forEach((item, i) => {
    const itemAt = `${at}[${i}]`;
    const o = r.object(item, itemAt, SCOPE_KEYS);
    if (!o) return;
    // EM reports restore scope items by name only, so the name is what identifies an item.
    const objectName = r.string(o.objectName, join(itemAt, "objectName"), true);
    const hierarchyObjRef = r.string(o.hierarchyObjRef, join(itemAt, "hierarchyObjRef"), false);
    if (objectName !== undefined) objects.push({ objectName, ...(hierarchyObjRef !== undefined && { hierarchyObjRef }) });
  });
  return objects;
}

function readAccount(r: Reader, value: Json, at: string): AccountEntry | undefined {
  const o = r.object(value, at, ACCOUNT_KEYS);
  if (!o) return undefined;
  let type: AccountType | undefined;
  if (o.type === undefined) r.fail(join(at, "type"), `is required: one of ${ACCOUNT_TYPES.join(", ")}`);
  else if (typeof o.type !== "string" || !(ACCOUNT_TYPES as readonly string[]).includes(o.type)) r.fail(join(at, "type"), `must be one of ${ACCOUNT_TYPES.join(", ")}, got ${describe(o.type)}`);
  else type = o.type as AccountType;
  const name = r.string(o.name, join(at, "name"), true);
  if (type !== undefined && name !== undefined) {
    const problem = accountNameProblem(type, name);
    if (problem) r.fail(join(at, "name"), problem);
  }
  const roles: string[] = [];
  const list = r.array(o.roles, join(at, "roles"), true);
  if (list !== undefined && list.length === 0) r.fail(join(at, "roles"), 'must name at least one EM role, e.g. ["Portal User"]');
  list?.forEach((role, i) => {
    const roleName = r.string(role, `${join(at, "roles")}[${i}]`, true);
    if (roleName === undefined) return;
    if (/^urn:/i.test(roleName) && !new RegExp(ROLE_UID_PATTERN).test(roleName)) r.fail(`${join(at, "roles")}[${i}]`, `'${roleName}' is not a role UID (urn:veeam:EnterpriseRole:<GUID>); give the UID or the role's name`);
    if (roles.some((x) => x.toLowerCase() === roleName.toLowerCase())) r.fail(`${join(at, "roles")}[${i}]`, `role '${roleName}' is listed twice`);
    roles.push(roleName);
  });
  const restoreScope = readScope(r, o.restoreScope, join(at, "restoreScope"));
  const adopt = r.boolean(o.adopt, join(at, "adopt"), DEFAULTS.adopt);
  if (type === undefined || name === undefined || restoreScope === undefined || roles.length === 0) return undefined;
  return { type, name, roles, restoreScope, adopt, at };
}

/** Checks parsed JSON against the format above; throws an OnboardingDataError listing every problem. */
export function parseOnboardingData(json: unknown, file: string): OnboardingData {
  const r = new Reader(file);
  const tenants: TenantEntry[] = [];
  const root = r.object(json as Json, "", ROOT_KEYS);
  const list = root && r.array(root.tenants, "tenants", true);
  const accountsSeen = new Map<string, string>();
  const readAccounts = (value: Json | undefined, at: string): AccountEntry[] => {
    const accounts: AccountEntry[] = [];
    r.array(value, at, false)?.forEach((item, a) => {
      const account = readAccount(r, item, `${at}[${a}]`);
      if (!account) return;
      const key = account.name.toLowerCase();
      const first = accountsSeen.get(key);
      if (first) r.fail(join(account.at, "name"), `account '${account.name}' is already listed at ${first}; EM accounts are global, list each once`);
      else {
        accountsSeen.set(key, account.at);
        accounts.push(account);
      }
    });
    return accounts;
  };
  list?.forEach((value, t) => {
    const at = `tenants[${t}]`;
    const o = r.object(value, at, TENANT_KEYS);
    if (!o) return;
    const name = r.string(o.name, join(at, "name"), true);
    const duplicate = name !== undefined && tenants.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (duplicate) r.fail(join(at, "name"), `tenant '${name}' is already listed at ${duplicate.at}; list each tenant once`);
    const subtenants: SubtenantEntry[] = [];
    r.array(o.subtenants, join(at, "subtenants"), false)?.forEach((item, s) => {
      const sub = readSubtenant(r, item, `${join(at, "subtenants")}[${s}]`, name);
      if (!sub) return;
      const twin = subtenants.find((x) => x.name.toLowerCase() === sub.name.toLowerCase());
      if (twin) r.fail(join(sub.at, "name"), `subtenant '${sub.name}' is already listed at ${twin.at}; EM needs unique subtenant names per tenant (ignoring case)`);
      else subtenants.push(sub);
    });
    const managed = readManagedTenant(r, o, at, name);
    if (managed && name !== undefined) for (const sub of subtenants) bindBackupResource(r, name, managed, sub);
    const tenantAccounts = readAccounts(o.accounts, join(at, "accounts"));
    if (name !== undefined && !duplicate) tenants.push({ name, ...(managed && { managed }), subtenants, accounts: tenantAccounts, at });
  });
  const accounts = root ? readAccounts(root.accounts, "accounts") : [];
  if (r.problems.length > 0) throw new OnboardingDataError(r.problems);
  return { file, tenants, accounts };
}

/** Parses and checks a data file's text; `file` is how messages name it. */
export function parseOnboardingText(text: string, file: string): OnboardingData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OnboardingDataError([{ file, at: "", message: `is not valid JSON: ${(err as Error).message}` }]);
  }
  // A repeated key or an inexact number makes the file mean something else than it says: refused before reading.
  const problems = jsonTextProblems(text);
  if (problems.length > 0) throw new OnboardingDataError(problems.map((p) => ({ file, ...p })));
  return parseOnboardingData(json, file);
}

/** Reads and checks a data file; every error names the file. */
export function readOnboardingData(file: string): OnboardingData {
  const shown = displayPath(file);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new OnboardingDataError([{ file: shown, at: "", message: `cannot read the data file: ${(err as Error).message}` }]);
  }
  return parseOnboardingText(text, shown);
}
