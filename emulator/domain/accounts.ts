import { randomUUID } from "node:crypto";
import { EmError } from "../http/context";
import type { Account, AccountType, EmState, Role, ScopeItem } from "../model";
import type { Decoded } from "../wire/schema";
import { sameName } from "./names";

const ACCOUNT_TYPES: AccountType[] = ["User", "Group", "ExternalUser", "ExternalGroup"];

/** The name formats EM's reference requires per account type. */
export function checkAccountName(type: AccountType, name: string): void {
  if (name.trim() === "") throw new EmError(400, "AccountName must not be empty");
  if ((type === "User" || type === "Group") && !/^[^\\\s][^\\]*\\[^\\]+$/.test(name)) {
    throw new EmError(400, `AccountName '${name}' is not valid for a ${type} account: use the Domain\\Name format, for example TECH\\william.fox`);
  }
  if (type === "ExternalUser" && !/^[^@\s]+@[^@\s]+$/.test(name)) {
    throw new EmError(400, `AccountName '${name}' is not valid for an ExternalUser account: use the Username@Suffix format, for example william.fox@tech.com`);
  }
}

export function parseAccountType(value: string): AccountType {
  const match = ACCOUNT_TYPES.find((t) => t.toLowerCase() === value.toLowerCase());
  if (!match) throw new EmError(400, `AccountType '${value}' is not valid; allowed values: ${ACCOUNT_TYPES.join(", ")}`);
  return match;
}

/** A role by its UID (urn:veeam:EnterpriseRole:<guid>) or bare GUID. */
export function findRoleByUid(state: EmState, uid: string): Role {
  const id = uid.replace(/^urn:veeam:EnterpriseRole:/i, "");
  const role = state.roles.find((r) => r.id.toLowerCase() === id.toLowerCase());
  if (!role) throw new EmError(400, `Role '${uid}' does not exist; GET /api/security/roles lists the roles`);
  return role;
}

export function findAccount(state: EmState, accountId: string): Account {
  const account = state.accounts.find((a) => a.id.toLowerCase() === accountId.toLowerCase());
  if (!account) throw new EmError(404, `Account '${accountId}' was not found`);
  return account;
}

/** Scope items as sent; EM's own example sends one empty item, which adds nothing. */
export function scopeItems(items: Decoded[] | undefined): ScopeItem[] {
  return (items ?? [])
    .map((item) => ({ id: randomUUID(), hierarchyObjRef: (item.HierarchyObjRef as string | undefined) ?? "", objectName: (item.ObjectName as string | undefined) ?? "" }))
    .filter((item) => item.hierarchyObjRef !== "" || item.objectName !== "");
}

export function createAccount(state: EmState, spec: Decoded): Account {
  const type = parseAccountType(String(spec.AccountType));
  const name = String(spec.AccountName);
  checkAccountName(type, name);
  if (state.accounts.some((a) => sameName(a.name, name))) {
    throw new EmError(400, `The account '${name}' already exists in Enterprise Manager`);
  }
  const roleSpecs = ((spec.Roles as Decoded).EnterpriseRole as Decoded[] | undefined) ?? [];
  if (roleSpecs.length === 0) throw new EmError(400, "Roles must contain at least one EnterpriseRole");
  const roleIds = [...new Set(roleSpecs.map((r) => findRoleByUid(state, String(r.EnterpriseRoleUid)).id))];
  const allowRestoreAllVms = spec.AllowRestoreAllVms as boolean;
  const scopeSpec = spec.HierarchyScopeObjects as Decoded | undefined;
  if (!allowRestoreAllVms && scopeSpec === undefined) {
    throw new EmError(400, "HierarchyScopeObjects is required when AllowRestoreAllVms is false");
  }
  const flr = spec.FlrSettings as Decoded | undefined;
  if (flr?.FlrInplaceOnly === true && !flr.FlrExtentionRestrictions) {
    throw new EmError(400, "FlrExtentionRestrictions is required when FlrInplaceOnly is true");
  }
  const sql = spec.SqlSettings as Decoded | undefined;
  const account: Account = {
    id: randomUUID(),
    type,
    name,
    roleIds,
    allowRestoreAllVms,
    scope: scopeItems(scopeSpec?.HierarchyScopeItem as Decoded[] | undefined),
    flr: flr ? { inplaceOnly: flr.FlrInplaceOnly as boolean, extensions: flr.FlrExtentionRestrictions as string | undefined } : undefined,
    sql: sql ? { denyInPlaceRestore: sql.DenyInPlaceRestore as boolean } : undefined,
  };
  state.accounts.push(account);
  return account;
}
