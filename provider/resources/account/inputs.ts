import { Checker, isUnknown, type Failure } from "../validation";

export const ACCOUNT_TYPES = ["User", "Group", "ExternalUser", "ExternalGroup"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

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

export interface EnterpriseAccountInputs {
  accountType: AccountType;
  accountName: string;
  /** Role names ("Portal User") or UIDs (urn:veeam:EnterpriseRole:…). */
  roles: string[];
  allowRestoreAllVms: boolean;
  hierarchyScopeObjects?: ScopeObject[];
  flrSettings?: FlrSettings;
  sqlSettings?: SqlSettings;
  adopt?: boolean;
}

/** The arguments a stack can declare. */
export const ACCOUNT_ARGS = ["accountType", "accountName", "roles", "allowRestoreAllVms", "hierarchyScopeObjects", "flrSettings", "sqlSettings", "adopt"] as const;

export interface EnterpriseAccountOutputs extends EnterpriseAccountInputs {
  /** Which arguments the stack declared, so a refresh returns those as inputs and no others. */
  declaredArgs: string[];
  accountId: string;
  /** urn:veeam:EnterpriseAccount:<id> */
  accountUid: string;
  /** The roles' UIDs and names as EM reports them, in declaration order. */
  roleUids: string[];
  roleNames: string[];
}

/** EM's reference: User and Group accounts are Domain\Name, ExternalUser is Username@Suffix, ExternalGroup is free-form. */
export function accountNameProblem(type: AccountType, name: string): string | undefined {
  if ((type === "User" || type === "Group") && !/^[^\\\s][^\\]*\\[^\\]+$/.test(name)) {
    return `a ${type} account name must be in the Domain\\Name format, e.g. TECH\\william.fox; got '${name}'`;
  }
  if (type === "ExternalUser" && !/^[^@\s]+@[^@\s]+$/.test(name)) {
    return `an ExternalUser account name must be in the Username@Suffix format, e.g. william.fox@tech.com; got '${name}'`;
  }
  return undefined;
}

function checkObject(c: Checker, property: string, value: unknown): value is Record<string, unknown> {
  if (value === undefined || value === null || isUnknown(value)) return false;
  if (typeof value !== "object" || Array.isArray(value)) {
    c.fail(property, `${property} must be an object`);
    return false;
  }
  return true;
}

export function checkAccountInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failure[] } {
  const c = new Checker(news);
  const type = c.oneOf("accountType", ACCOUNT_TYPES, { required: true });
  const name = c.string("accountName", { required: true, nonEmpty: true });
  if (type !== undefined && name !== undefined) {
    const problem = accountNameProblem(type, name);
    if (problem) c.fail("accountName", problem);
  }

  const roles = c.known("roles");
  if (!c.has("roles")) c.fail("roles", "roles is required: a list of role names (e.g. \"Portal User\") or role UIDs");
  else if (roles !== undefined) {
    if (!Array.isArray(roles) || roles.length === 0) c.fail("roles", "roles must be a non-empty list of role names or role UIDs");
    else
      roles.forEach((role, i) => {
        if (!isUnknown(role) && (typeof role !== "string" || role.trim() === "")) c.fail(`roles[${i}]`, `roles[${i}] must be a role name or UID, got ${JSON.stringify(role)}`);
      });
  }

  const allowAll = c.has("allowRestoreAllVms") ? c.boolean("allowRestoreAllVms") : true;
  const scope = c.known("hierarchyScopeObjects");
  if (scope !== undefined) {
    if (!Array.isArray(scope)) c.fail("hierarchyScopeObjects", "hierarchyScopeObjects must be a list of { hierarchyObjRef, objectName }");
    else
      scope.forEach((item, i) => {
        const at = `hierarchyScopeObjects[${i}]`;
        if (!checkObject(c, at, item)) return;
        const { hierarchyObjRef, objectName } = item;
        for (const [key, v] of Object.entries({ hierarchyObjRef, objectName })) {
          if (v !== undefined && !isUnknown(v) && typeof v !== "string") c.fail(`${at}.${key}`, `${at}.${key} must be a string`);
        }
        if (objectName === undefined || objectName === "") {
          c.fail(`${at}.objectName`, `${at}.objectName is required (the object's name, e.g. VM01): EM reports restore scope items by name only`);
        }
      });
  }
  if (allowAll === false && !c.has("hierarchyScopeObjects")) {
    c.fail("hierarchyScopeObjects", "hierarchyScopeObjects is required when allowRestoreAllVms is false: list the objects the account may restore");
  } else if (allowAll === false && Array.isArray(scope) && scope.length === 0) {
    c.fail("hierarchyScopeObjects", "hierarchyScopeObjects must not be empty when allowRestoreAllVms is false");
  }

  const flr = c.known("flrSettings");
  if (checkObject(c, "flrSettings", flr)) {
    if (typeof flr.inplaceOnly !== "boolean" && !isUnknown(flr.inplaceOnly)) c.fail("flrSettings.inplaceOnly", "flrSettings.inplaceOnly must be true or false");
    if (flr.extensionRestrictions !== undefined && !isUnknown(flr.extensionRestrictions) && typeof flr.extensionRestrictions !== "string") {
      c.fail("flrSettings.extensionRestrictions", "flrSettings.extensionRestrictions must be a comma-separated list of extensions, e.g. \"doc,pdf\"");
    }
    if (flr.inplaceOnly === true && (flr.extensionRestrictions === undefined || flr.extensionRestrictions === "")) {
      c.fail("flrSettings.extensionRestrictions", "flrSettings.extensionRestrictions is required when flrSettings.inplaceOnly is true, e.g. \"doc,pptx,pdf\"");
    }
  }
  const sql = c.known("sqlSettings");
  if (checkObject(c, "sqlSettings", sql) && typeof sql.denyInPlaceRestore !== "boolean" && !isUnknown(sql.denyInPlaceRestore)) {
    c.fail("sqlSettings.denyInPlaceRestore", "sqlSettings.denyInPlaceRestore must be true or false");
  }
  c.boolean("adopt");
  const inputs = { allowRestoreAllVms: true, ...Object.fromEntries(Object.entries(news).filter(([, v]) => v !== undefined && v !== null)) };
  return { inputs, failures: c.failures };
}
