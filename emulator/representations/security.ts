import type { Account, Role, ScopeItem } from "../model";
import type { Element } from "../wire/tree";
import { el, leaf, link, links } from "./common";

export const accountUid = (id: string) => `urn:veeam:EnterpriseAccount:${id}`;
export const roleUid = (id: string) => `urn:veeam:EnterpriseRole:${id}`;

export function securityRepresentation(api: string): Element {
  return el(
    "EnterpriseSecuritySettings",
    { Href: `${api}/security` },
    links(
      link("Down", "EnterpriseAccountReferenceList", `${api}/security/accounts`),
      link("Down", "EnterpriseRoleReferenceList", `${api}/security/roles`),
      link("Create", undefined, `${api}/security/accounts`),
      link("Start", undefined, `${api}/security/accounts?action=rebuildScope`),
    ),
  );
}

export function accountReference(api: string, account: Account, root = "Ref"): Element {
  const self = `${api}/security/accounts/${account.id}`;
  return el(root, { Type: "EnterpriseAccountReference", Href: self, Name: account.name, UID: accountUid(account.id) }, links(link("Alternate", "EnterpriseAccount", `${self}?format=Entity`)));
}

export function accountEntity(api: string, account: Account): Element {
  const self = `${api}/security/accounts/${account.id}`;
  return el(
    "EnterpriseAccount",
    { Type: "EnterpriseAccount", Href: `${self}?format=Entity`, Name: account.name, UID: accountUid(account.id) },
    links(
      link("Alternate", "EnterpriseAccountReference", self),
      link("Down", "EnterpriseAccountInRoleList", `${self}/roles`),
      link("Create", "EnterpriseAccountInRole", `${self}/roles`),
      link("Down", "EnterpriseAccountHierarchyScopeList", `${self}/scopes`),
      link("Create", "EnterpriseAccountHierarchyScope", `${self}/scopes`),
      link("Delete", undefined, self),
      link("ToggleRestoreScopesEnabled", undefined, self),
    ),
    leaf("AccountType", account.type),
    leaf("AllowRestoreAllVms", account.allowRestoreAllVms),
    el("FlrSettings", undefined, leaf("FlrInplaceOnly", account.flr?.inplaceOnly ?? false), leaf("FlrExtentionRestrictions", account.flr?.extensions ?? "")),
    el("SqlSettings", undefined, leaf("DenyInPlaceRestore", account.sql?.denyInPlaceRestore ?? false)),
  );
}

export function accountInRole(api: string, account: Account, role: Role): Element {
  const self = `${api}/security/accounts/${account.id}/roles/${role.id}`;
  return el("EnterpriseAccountInRole", { Href: self }, links(link("Delete", undefined, self)), leaf("RoleName", role.name));
}

/** What EM reports of a scope object, derived from its reference `urn:<Platform>:<Type>:<HierarchyRootId>.<ObjectRef>`. */
function describeScope(item: ScopeItem): { platform: string; objectType: string; rootName: string } {
  const m = /^urn:([^:]+):([^:]+):([^.]+)\./.exec(item.hierarchyObjRef);
  return m ? { platform: m[1], objectType: m[2], rootName: m[3] } : { platform: "VMware", objectType: "Unknown", rootName: "" };
}

export function scopeRepresentation(api: string, account: Account, item: ScopeItem): Element {
  const self = `${api}/security/accounts/${account.id}/scopes/${item.id}`;
  const described = describeScope(item);
  return el(
    "EnterpriseAccountHierarchyScope",
    { Href: self },
    links(link("Delete", "EnterpriseAccountHierarchyScope", self)),
    leaf("Name", item.objectName),
    leaf("HierarchyRootName", described.rootName),
    leaf("Platform", described.platform),
    leaf("HierarchyObjectType", described.objectType),
    leaf("State", "Processed"),
  );
}

export function roleReference(api: string, role: Role, root = "Ref"): Element {
  const self = `${api}/security/roles/${role.id}`;
  return el(root, { Type: "EnterpriseRoleReference", Href: self, Name: role.name, UID: roleUid(role.id) }, links(link("Alternate", "EnterpriseRole", `${self}?format=Entity`)));
}

export function roleEntity(api: string, role: Role): Element {
  const self = `${api}/security/roles/${role.id}`;
  return el("EnterpriseRole", { Type: "EnterpriseRole", Href: `${self}?format=Entity`, Name: role.name, UID: roleUid(role.id) }, links(link("Alternate", "EnterpriseRoleReference", self)));
}
