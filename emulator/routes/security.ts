import { decodeBody, EmError, wantsEntity, type RequestContext } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import type { Account } from "../model";
import { createAccount, findAccount, findRoleByUid, scopeItems } from "../domain/accounts";
import { accountEntity, accountInRole, accountReference, roleEntity, roleReference, scopeRepresentation, securityRepresentation } from "../representations/security";
import type { BodySpec, Decoded, FieldSpec } from "../wire/schema";
import { wrappedList } from "../wire/tree";

const SCOPE_ITEM: FieldSpec = {
  name: "HierarchyScopeItem",
  min: 0,
  max: "unbounded",
  jsonArrayKey: "HierarchyScopeItems",
  fields: [
    { name: "HierarchyObjRef", type: "string", min: 0, max: 1 },
    { name: "ObjectName", type: "string", min: 0, max: 1 },
  ],
};

const ACCOUNT_CREATE_SPEC: BodySpec = {
  root: "EnterpriseAccountCreateSpec",
  fields: [
    { name: "AccountType", type: "string", min: 1, max: 1 },
    { name: "AccountName", type: "string", min: 1, max: 1 },
    {
      name: "Roles",
      min: 1,
      max: 1,
      fields: [ { name: "EnterpriseRole", min: 1, max: "unbounded", jsonArrayKey: "EnterpriseRoles", fields: [ { name: "EnterpriseRoleUid", type: "string", min: 1, max: 1 } ] } ],
    },
    { name: "AllowRestoreAllVms", type: "boolean", min: 1, max: 1 },
    { name: "HierarchyScopeObjects", min: 0, max: 1, fields: [SCOPE_ITEM] },
    {
      name: "FlrSettings",
      min: 0,
      max: 1,
      fields: [
        { name: "FlrInplaceOnly", type: "boolean", min: 1, max: 1 },
        { name: "FlrExtentionRestrictions", type: "string", min: 0, max: 1 },
      ],
    },
    { name: "SqlSettings", min: 0, max: 1, fields: [ { name: "DenyInPlaceRestore", type: "boolean", min: 1, max: 1 } ] },
  ],
};

const ROLE_ASSIGN_SPEC: BodySpec = { root: "EnterpriseAccountInRoleCreateSpec", fields: [ { name: "EnterpriseRoleUid", type: "string", min: 1, max: 1 } ] };

const SCOPE_CREATE_SPEC: BodySpec = { root: "HierarchyScopeCreateSpec", fields: [ { ...SCOPE_ITEM, min: 1 } ] };

function account(ctx: RequestContext): Account {
  return findAccount(ctx.store.state, ctx.params.accountId);
}

export const securityHandlers: RouteHandler[] = [
  http.get("/security", (ctx) => {
    return { status: 200, body: securityRepresentation(ctx.apiUrl) };
  }),

  http.get("/security/accounts", (ctx) => {
    const accounts = ctx.store.state.accounts;
    if (wantsEntity(ctx)) return { status: 200, body: wrappedList("EnterpriseAccounts", "EnterpriseAccounts", accounts.map((a) => accountEntity(ctx.apiUrl, a))) };
    return { status: 200, body: wrappedList("EntityReferences", "Refs", accounts.map((a) => accountReference(ctx.apiUrl, a))) };
  }),

  http.post("/security/accounts", (ctx) => {
    if (ctx.query.get("action") !== null) throw new EmError(501, `The emulator does not implement action '${ctx.query.get("action")}'`);
    const created = createAccount(ctx.store.state, decodeBody(ctx, ACCOUNT_CREATE_SPEC));
    return { status: 201, headers: { Location: `${ctx.apiUrl}/security/accounts/${created.id}` } };
  }),

  http.get("/security/accounts/:accountId", (ctx) => {
    const found = account(ctx);
    return { status: 200, body: wantsEntity(ctx) ? accountEntity(ctx.apiUrl, found) : accountReference(ctx.apiUrl, found, "EntityRef") };
  }),

  // EM's only way to change AllowRestoreAllVms: a bodiless POST that toggles it.
  http.post("/security/accounts/:accountId", (ctx) => {
    const found = account(ctx);
    found.allowRestoreAllVms = !found.allowRestoreAllVms;
    return { status: 204 };
  }),

  http.delete("/security/accounts/:accountId", (ctx) => {
    const found = account(ctx);
    ctx.store.state.accounts = ctx.store.state.accounts.filter((a) => a !== found);
    return { status: 204 };
  }),

  http.get("/security/accounts/:accountId/roles", (ctx) => {
    const found = account(ctx);
    const roles = found.roleIds.map((id) => findRoleByUid(ctx.store.state, id));
    return { status: 200, body: wrappedList("EnterpriseAccountInRoleList", "EnterpriseAccountInRoles", roles.map((r) => accountInRole(ctx.apiUrl, found, r))) };
  }),

  http.post("/security/accounts/:accountId/roles", (ctx) => {
    const found = account(ctx);
    const role = findRoleByUid(ctx.store.state, String(decodeBody(ctx, ROLE_ASSIGN_SPEC).EnterpriseRoleUid));
    if (found.roleIds.includes(role.id)) throw new EmError(400, `The account '${found.name}' already has the role '${role.name}'`);
    found.roleIds.push(role.id);
    return { status: 201, headers: { Location: `${ctx.apiUrl}/security/accounts/${found.id}/roles/${role.id}` } };
  }),

  http.get("/security/accounts/:accountId/roles/:roleId", (ctx) => {
    const found = account(ctx);
    const role = findRoleByUid(ctx.store.state, ctx.params.roleId);
    if (!found.roleIds.includes(role.id)) throw new EmError(404, `The account '${found.name}' does not have the role '${role.name}'`);
    return { status: 200, body: accountInRole(ctx.apiUrl, found, role) };
  }),

  http.delete("/security/accounts/:accountId/roles/:roleId", (ctx) => {
    const found = account(ctx);
    const roleId = ctx.params.roleId.replace(/^urn:veeam:EnterpriseRole:/i, "").toLowerCase();
    if (!found.roleIds.includes(roleId)) throw new EmError(404, `The account '${found.name}' does not have the role '${ctx.params.roleId}'`);
    if (found.roleIds.length === 1) throw new EmError(400, `The last role of the account '${found.name}' cannot be removed; delete the account instead`);
    found.roleIds = found.roleIds.filter((id) => id !== roleId);
    return { status: 204 };
  }),

  http.get("/security/accounts/:accountId/scopes", (ctx) => {
    const found = account(ctx);
    return { status: 200, body: wrappedList("EnterpriseAccountHierarchyScopes", "EnterpriseAccountHierarchyScopes", found.scope.map((s) => scopeRepresentation(ctx.apiUrl, found, s))) };
  }),

  http.post("/security/accounts/:accountId/scopes", (ctx) => {
    const found = account(ctx);
    const items = scopeItems(decodeBody(ctx, SCOPE_CREATE_SPEC).HierarchyScopeItem as Decoded[]);
    if (items.length === 0) throw new EmError(400, "HierarchyScopeCreateSpec must contain at least one HierarchyScopeItem with a HierarchyObjRef or ObjectName");
    found.scope.push(...items);
    return { status: 201 };
  }),

  http.get("/security/accounts/:accountId/scopes/:scopeId", (ctx) => {
    const found = account(ctx);
    const item = found.scope.find((s) => s.id.toLowerCase() === ctx.params.scopeId.toLowerCase());
    if (!item) throw new EmError(404, `Scope '${ctx.params.scopeId}' of the account '${found.name}' was not found`);
    return { status: 200, body: scopeRepresentation(ctx.apiUrl, found, item) };
  }),

  http.delete("/security/accounts/:accountId/scopes/:scopeId", (ctx) => {
    const found = account(ctx);
    const before = found.scope.length;
    found.scope = found.scope.filter((s) => s.id.toLowerCase() !== ctx.params.scopeId.toLowerCase());
    if (found.scope.length === before) throw new EmError(404, `Scope '${ctx.params.scopeId}' of the account '${found.name}' was not found`);
    return { status: 204 };
  }),

  http.get("/security/roles", (ctx) => {
    const roles = ctx.store.state.roles;
    if (wantsEntity(ctx)) return { status: 200, body: wrappedList("EnterpriseRoles", "EnterpriseRoles", roles.map((r) => roleEntity(ctx.apiUrl, r))) };
    return { status: 200, body: wrappedList("EntityReferences", "Refs", roles.map((r) => roleReference(ctx.apiUrl, r))) };
  }),

  http.get("/security/roles/:roleId", (ctx) => {
    const role = ctx.store.state.roles.find((r) => r.id.toLowerCase() === ctx.params.roleId.toLowerCase());
    if (!role) throw new EmError(404, `Role '${ctx.params.roleId}' was not found`);
    return { status: 200, body: wantsEntity(ctx) ? roleEntity(ctx.apiUrl, role) : roleReference(ctx.apiUrl, role, "EntityRef") };
  }),
];

