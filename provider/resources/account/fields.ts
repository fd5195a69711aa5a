/**
 * The EnterpriseAccount's fields: one place for each fact about them. Sources: EM's post_security_accounts page
 * (types, name formats, which settings cannot be edited) and Microsoft's rules for Windows account and domain
 * names; see docs/em-name-rules.md.
 */
import { ROLE_URN, type AccountScope, type EnterpriseAccount, type EnterpriseRole } from "../../client";
import { CONNECTION_FIELD, type ResourceFields } from "../fields";
import { commonNameProblem, forbiddenIn, listCharacters, nameKey, sameName } from "../names";

export const ACCOUNT_TYPES = ["User", "Group", "ExternalUser", "ExternalGroup"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** Characters Windows refuses in a user or group name (sAMAccountName). */
export const WINDOWS_NAME_FORBIDDEN = '"/\\[]:;|=,+*?<>';
/** Characters Windows refuses in a NetBIOS domain or computer name. */
export const DOMAIN_NAME_FORBIDDEN = '\\/:*?"<>|';
/** The longest user or group name Active Directory stores (sAMAccountName's schema limit). */
export const WINDOWS_NAME_MAX = 256;

function windowsAccountProblem(type: "User" | "Group", name: string): string | undefined {
  const slash = name.indexOf("\\");
  if (!/^[^\\\s][^\\]*\\[^\\]+$/.test(name)) return `a ${type} account name must be in the Domain\\Name format, e.g. TECH\\william.fox; got '${name}'`;
  const [domain, account] = [name.slice(0, slash), name.slice(slash + 1)];
  const badDomain = forbiddenIn(domain, DOMAIN_NAME_FORBIDDEN);
  if (badDomain !== undefined) return `the domain of a ${type} account name must not contain any of these characters: ${listCharacters(DOMAIN_NAME_FORBIDDEN)} (got '${name}', which has '${badDomain}')`;
  if (domain !== domain.trim() || account !== account.trim()) return `a ${type} account name must have no spaces around the backslash or at either end, e.g. TECH\\william.fox; got ${JSON.stringify(name)}`;
  const badName = forbiddenIn(account, WINDOWS_NAME_FORBIDDEN);
  if (badName !== undefined) return `the name after the backslash must not contain any of these characters, which Windows refuses: ${listCharacters(WINDOWS_NAME_FORBIDDEN)} (got '${name}', which has '${badName}')`;
  if (account.length > WINDOWS_NAME_MAX) return `the name after the backslash must be at most ${WINDOWS_NAME_MAX} characters, got ${account.length}`;
  return undefined;
}

/**
 * What is wrong with an account name for its type, or undefined. EM's reference: User and Group accounts are
 * Domain\Name, ExternalUser is Username@Suffix, ExternalGroup is free-form; no type allows spaces at either end
 * or control characters.
 */
export function accountNameProblem(type: AccountType, name: string): string | undefined {
  const common = commonNameProblem(name, `a ${type} account name`);
  if (common) return common;
  if (type === "User" || type === "Group") return windowsAccountProblem(type, name);
  if (type === "ExternalUser" && !/^[^@\s]+@[^@\s]+$/.test(name)) {
    return `an ExternalUser account name must be in the Username@Suffix format, e.g. william.fox@tech.com; got '${name}'`;
  }
  return undefined;
}

export interface ScopeObject {
  /** EM's reference of the object, e.g. urn:VMware:Vm:<hierarchyRootId>.vm-7870 (from EM's lookup service). */
  hierarchyObjRef?: string;
  /** The object's name, e.g. VM01. Required: EM reports scope items by this name only, so it identifies them. */
  objectName: string;
}

export interface FlrSettings {
  /** Restore files only in place, and only files with the extensions below. */
  inplaceOnly: boolean;
  /** Comma-separated extensions allowed for restore, e.g. "doc,pptx,pdf"; required when inplaceOnly is true. */
  extensionRestrictions?: string;
}

export interface SqlSettings {
  denyInPlaceRestore: boolean;
}

export { ROLE_URN };
/** A role's GUID from its UID, its id or a declared entry, in the form names compare in. */
export const roleGuid = (value: string) => nameKey(value.replace(/^urn:veeam:EnterpriseRole:/i, ""));
/** EM's role that a declared entry (a UID, an id or a name) means. */
export const findRole = <R extends { id: string; uid: string; name: string }>(entry: string, roles: readonly R[]): R | undefined =>
  roles.find((r) => roleGuid(r.uid) === roleGuid(entry) || roleGuid(r.id) === roleGuid(entry)) ?? roles.find((r) => sameName(r.name, entry));
/** Scope items compare by object name: EM reports each by its object's name, not by its reference. */
export const scopeKey = (item: ScopeObject) => nameKey(String(item?.objectName ?? ""));

/** What EM reports about an account: the account, its roles and (on refresh, where it matters) its restore scope. */
export interface AccountReport {
  account: EnterpriseAccount;
  roles: EnterpriseRole[];
  scopes?: AccountScope[];
}

type Old = { roles?: string[]; hierarchyScopeObjects?: ScopeObject[]; flrSettings?: FlrSettings; sqlSettings?: SqlSettings };

/** Roles keep the form (name or UID) they were declared in; a role added in EM comes back by name. */
function rolesAsInEm(old: Old, report: AccountReport): string[] {
  const declared = Array.isArray(old.roles) ? old.roles : [];
  return report.roles.map((role) => declared.find((r) => roleGuid(r) === nameKey(role.id)) ?? declared.find((r) => sameName(r, role.name)) ?? role.name);
}

/** Scope items keep their declared reference; one added in EM comes back by name. Undeclared and empty: left out. */
function scopeAsInEm(old: Old, report: AccountReport): ScopeObject[] | undefined {
  // Not read (the account may restore all VMs, so EM does not apply its scope): the state's value stands.
  if (report.scopes === undefined) return old.hierarchyScopeObjects;
  const scope = report.scopes.filter((s) => s.name !== "").map((s) => (old.hierarchyScopeObjects ?? []).find((item) => scopeKey(item) === nameKey(s.name)) ?? { objectName: s.name });
  return old.hierarchyScopeObjects === undefined && scope.length === 0 ? undefined : scope;
}

const flrKey = (v: unknown) => {
  const flr = v as FlrSettings | undefined;
  return JSON.stringify(flr ? [flr.inplaceOnly, flr.inplaceOnly ? flr.extensionRestrictions ?? "" : ""] : null);
};
const sqlKey = (v: unknown) => JSON.stringify(v ? (v as SqlSettings).denyInPlaceRestore : null);
/** Scope lists compare as sets of object names; a list not known yet (a preview) counts as changed. */
function sameScope(a: unknown, b: unknown): boolean {
  if ((a !== undefined && !Array.isArray(a)) || (b !== undefined && !Array.isArray(b))) return false;
  const keys = (items: unknown) => [...new Set(((items ?? []) as ScopeObject[]).map(scopeKey))].sort().join("\n");
  return keys(a) === keys(b);
}

export const ACCOUNT_FIELDS = {
  resource: "EnterpriseAccount",
  fields: [
    {
      name: "accountType",
      type: { kind: "enum", values: ACCOUNT_TYPES },
      doc: "ExternalUser and ExternalGroup are for single sign-on (SAML) users",
      expects: `one of ${ACCOUNT_TYPES.join(", ")}`,
      required: true,
      onChange: "replace",
    },
    {
      name: "accountName",
      type: { kind: "string" },
      doc: "`DOMAIN\\name` for User and Group (no `\" / \\ [ ] : ; | = , + * ? < >` in the name), `name@suffix` for ExternalUser, free-form for ExternalGroup; no spaces at either end; unique in EM without regard to case",
      expects: "DOMAIN\\name for User and Group, name@suffix for ExternalUser",
      required: true,
      nonEmpty: true,
      nameRule: (name, inputs) => ((ACCOUNT_TYPES as readonly unknown[]).includes(inputs.accountType) ? accountNameProblem(inputs.accountType as AccountType, name) : undefined),
      onChange: "replace",
      compare: "name",
      reported: (r) => r.account.name,
      refresh: "em",
    },
    {
      name: "roles",
      type: { kind: "list", item: { kind: "string", describe: "role names or role UIDs", one: "a role name or UID" } },
      doc: 'role names (`"Portal User"`) or UIDs (`urn:veeam:EnterpriseRole:…`), compared without case or order; changed through the account\'s role list, never by replacing the account',
      expects: 'a list of role names (e.g. "Portal User") or role UIDs',
      required: true,
      nonEmpty: true,
      onChange: "update",
      compare: "nameSet",
      refresh: rolesAsInEm,
    },
    {
      name: "allowRestoreAllVms",
      type: { kind: "boolean" },
      doc: "`false` restricts restores to `hierarchyScopeObjects`",
      default: true,
      onChange: "update",
      reported: (r) => r.account.allowRestoreAllVms,
      refresh: "em",
    },
    {
      name: "hierarchyScopeObjects",
      type: {
        kind: "list",
        item: {
          kind: "object",
          fields: [
            { name: "hierarchyObjRef", type: { kind: "string" }, doc: "EM's reference of the object, e.g. urn:VMware:Vm:<root>.vm-7870", expects: "EM's reference of the object" },
            { name: "objectName", type: { kind: "string" }, doc: "the object's name", expects: "the object's name, e.g. VM01; EM reports restore scope items by name only", required: true, nonEmpty: true },
          ],
        },
      },
      doc: "the restore scope; EM reports scope items by object name, so names identify them",
      onChange: "update",
      compare: { same: sameScope },
      refresh: scopeAsInEm,
      // A restore scope added in EM shows as drift even where the stack declares none: the stack means "no scope".
      refreshAlsoWhen: (r) => (r.scopes ?? []).length > 0,
    },
    {
      name: "flrSettings",
      type: {
        kind: "object",
        fields: [
          { name: "inplaceOnly", type: { kind: "boolean" }, doc: "restore files only in place", required: true },
          { name: "extensionRestrictions", type: { kind: "string" }, doc: "comma-separated extensions", expects: 'a comma-separated list of extensions, e.g. "doc,pdf"' },
        ],
      },
      doc: "file-level restore restrictions; EM cannot edit them",
      onChange: "replace",
      compare: { same: (a, b) => flrKey(a) === flrKey(b) },
      refresh: (old: Old, r) => (old.flrSettings && r.account.flrSettings ? { inplaceOnly: r.account.flrSettings.flrInplaceOnly, extensionRestrictions: r.account.flrSettings.flrExtentionRestrictions || undefined } : old.flrSettings),
    },
    {
      name: "sqlSettings",
      type: { kind: "object", fields: [{ name: "denyInPlaceRestore", type: { kind: "boolean" }, doc: "no restore over production databases", required: true }] },
      doc: "SQL restore restrictions; EM cannot edit them",
      onChange: "replace",
      compare: { same: (a, b) => sqlKey(a) === sqlKey(b) },
      refresh: (old: Old, r) => (old.sqlSettings && r.account.sqlSettings ? { denyInPlaceRestore: r.account.sqlSettings.denyInPlaceRestore } : old.sqlSettings),
    },
    {
      name: "adopt",
      type: { kind: "boolean" },
      doc: "take over an existing EM account of the same name instead of failing",
      onChange: "none",
      output: false,
    },
    CONNECTION_FIELD,
    { name: "accountId", argument: false, type: { kind: "string" }, doc: "EM's id of the account", reported: (r) => r.account.id },
    { name: "accountUid", argument: false, type: { kind: "string" }, doc: "urn:veeam:EnterpriseAccount:<id>", reported: (r) => r.account.uid },
    { name: "roleUids", argument: false, type: { kind: "list", item: { kind: "string", describe: "role UIDs", one: "a role UID" } }, doc: "the roles' UIDs as EM reports them", reported: (r) => r.roles.map((role) => role.uid) },
    { name: "roleNames", argument: false, type: { kind: "list", item: { kind: "string", describe: "role names", one: "a role name" } }, doc: "the roles' names as EM reports them", reported: (r) => r.roles.map((role) => role.name) },
  ],
  relations: [
    {
      kind: "requiredWhen",
      field: "hierarchyScopeObjects",
      when: "allowRestoreAllVms",
      equals: false,
      reason: "hierarchyScopeObjects is required when allowRestoreAllVms is false: list the objects the account may restore",
      emptyReason: "hierarchyScopeObjects must not be empty when allowRestoreAllVms is false: list the objects the account may restore",
    },
    {
      kind: "requiredWhen",
      field: "flrSettings.extensionRestrictions",
      when: "flrSettings.inplaceOnly",
      equals: true,
      reason: 'flrSettings.extensionRestrictions is required when flrSettings.inplaceOnly is true, e.g. "doc,pptx,pdf"',
    },
  ],
  // EM compares account names without case: the old account must go before one with the same name comes.
  uniqueName: "accountName",
} as const satisfies ResourceFields<AccountReport>;
