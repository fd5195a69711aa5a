import { decodeBody, EmError, requireSession, wantsEntity, type Reply, type RequestContext } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import type { Tenant } from "../model";
import { subtenantEntity, tenantEntity, tenantReference, tenantResourceRepresentation } from "../representations/cloud";
import { taskRepresentation } from "../representations/task";
import { sameName } from "../domain/names";
import { addSubtenantEffect, deleteSubtenantEffect, editSubtenantEffect, findSubtenant, findTenant } from "../domain/subtenants";
import type { BodySpec } from "../wire/schema";
import { wrappedList } from "../wire/tree";

/** POST /cloud/tenants/{id}/subtenants, in the element order of EM's schema. */
const SUBTENANT_CREATE_SPEC: BodySpec = {
  root: "CloudSubtenantCreateSpec",
  fields: [
    { name: "Name", type: "string", min: 1, max: 1 },
    { name: "Description", type: "string", min: 0, max: 1 },
    { name: "Password", type: "string", min: 1, max: 1 },
    { name: "Enabled", type: "boolean", min: 0, max: 1 },
    { name: "TenantResourceId", type: "string", min: 1, max: 1 },
    { name: "QuotaName", type: "string", min: 0, max: 1 },
    { name: "QuotaMb", type: "int", min: 0, max: 1 },
    { name: "UnlimitedQuota", type: "boolean", min: 1, max: 1 },
  ],
};

/** PUT /cloud/tenants/{id}/subtenants/{id}: the CloudSubtenant entity itself, as EM's edit example sends it. */
const SUBTENANT_EDIT_SPEC: BodySpec = {
  root: "CloudSubtenant",
  attrs: [ { name: "Href", type: "string" }, { name: "Type", type: "string" }, { name: "Id", type: "string" } ],
  fields: [
    { name: "Links", min: 0, max: 1, ignored: true },
    { name: "Name", type: "string", min: 0, max: 1 },
    { name: "Description", type: "string", min: 0, max: 1 },
    { name: "Password", type: "string", min: 0, max: 1 },
    { name: "Enabled", type: "boolean", min: 0, max: 1 },
    {
      name: "RepositoryQuota",
      min: 0,
      max: 1,
      attrs: [ { name: "Unlimited", type: "boolean" } ],
      fields: [
        { name: "DisplayName", type: "string", min: 0, max: 1 },
        { name: "TenantResourceId", type: "string", min: 0, max: 1 },
        // 1/1 in put_tenants_id_subtenants_id's quota table, even for an unlimited quota (whose size EM ignores).
        { name: "QuotaMb", type: "int", min: 1, max: 1 },
        { name: "UsedQuotaMb", type: "int", min: 0, max: 1 },
        { name: "QuotaId", type: "string", min: 0, max: 1 },
      ],
    },
  ],
};

/** The tenant a route names; only administrator sessions reach these routes (their declared access). */
function namedTenant(ctx: RequestContext): Tenant {
  return findTenant(ctx.store.state, ctx.params.tenantId);
}

/** 202 with the Task of an operation EM runs on the backup server (tenants, their resources, subtenants, failover plans). */
export function accepted(ctx: RequestContext, operation: string, effect: () => { success: boolean; message: string }): Reply {
  const session = requireSession(ctx);
  const task = ctx.store.startTask(operation, session.id, effect, ctx.faults.drawTaskBehaviour());
  return { status: 202, body: taskRepresentation(ctx.apiUrl, task) };
}

export const cloudHandlers: RouteHandler[] = [
  http.get("/cloud/tenants", (ctx) => {
    const { tenants, backupServers } = ctx.store.state;
    if (wantsEntity(ctx)) return { status: 200, body: wrappedList("CloudTenants", "CloudTenants", tenants.map((t) => tenantEntity(ctx.apiUrl, t, backupServers))) };
    return { status: 200, body: wrappedList("EntityReferences", "Refs", tenants.map((t) => tenantReference(ctx.apiUrl, t, backupServers))) };
  }),

  http.get("/cloud/tenants/:tenantId", (ctx) => {
    const tenant = namedTenant(ctx);
    const servers = ctx.store.state.backupServers;
    return { status: 200, body: wantsEntity(ctx) ? tenantEntity(ctx.apiUrl, tenant, servers) : tenantReference(ctx.apiUrl, tenant, servers, "EntityRef") };
  }),

  http.get("/cloud/tenants/:tenantId/resources", (ctx) => {
    const tenant = namedTenant(ctx);
    const servers = ctx.store.state.backupServers;
    return { status: 200, body: wrappedList("CloudTenantResources", "CloudTenantResources", tenant.resources.map((r) => tenantResourceRepresentation(ctx.apiUrl, tenant, r, servers))) };
  }),

  http.get("/cloud/tenants/:tenantId/resources/:resourceId", (ctx) => {
    const tenant = namedTenant(ctx);
    const resource = tenant.resources.find((r) => r.id.toLowerCase() === ctx.params.resourceId.toLowerCase());
    if (!resource) throw new EmError(404, `Resource '${ctx.params.resourceId}' of cloud tenant '${tenant.name}' was not found`);
    return { status: 200, body: tenantResourceRepresentation(ctx.apiUrl, tenant, resource, ctx.store.state.backupServers) };
  }),

  http.get("/cloud/tenants/:tenantId/subtenants", (ctx) => {
    const tenant = namedTenant(ctx);
    const { subtenants, backupServers } = ctx.store.state;
    const items = subtenants.filter((s) => s.tenantId === tenant.id).map((s) => subtenantEntity(ctx.apiUrl, s, tenant, backupServers, ctx.profile.subtenantQuotaId));
    return { status: 200, body: wrappedList("CloudSubtenants", "CloudSubtenants", items) };
  }),

  http.post("/cloud/tenants/:tenantId/subtenants", (ctx) => {
    const tenant = namedTenant(ctx);
    const spec = decodeBody(ctx, SUBTENANT_CREATE_SPEC);
    return accepted(ctx, "AddCloudSubtenant", addSubtenantEffect(ctx.store.state, tenant, spec));
  }),

  http.get("/cloud/tenants/:tenantId/subtenants/:subtenantId", (ctx) => {
    const tenant = namedTenant(ctx);
    const subtenant = findSubtenant(ctx.store.state, tenant, ctx.params.subtenantId);
    return { status: 200, body: subtenantEntity(ctx.apiUrl, subtenant, tenant, ctx.store.state.backupServers, ctx.profile.subtenantQuotaId) };
  }),

  http.put("/cloud/tenants/:tenantId/subtenants/:subtenantId", (ctx) => {
    const tenant = namedTenant(ctx);
    const subtenant = findSubtenant(ctx.store.state, tenant, ctx.params.subtenantId);
    const body = decodeBody(ctx, SUBTENANT_EDIT_SPEC);
    if (body.Name !== undefined && !sameName(String(body.Name), subtenant.name)) {
      throw new EmError(400, `The name of a subtenant cannot be changed (subtenant '${subtenant.name}', requested '${String(body.Name)}')`);
    }
    return accepted(ctx, "EditCloudSubtenant", editSubtenantEffect(ctx.store.state, tenant, subtenant.id, body));
  }),

  http.delete("/cloud/tenants/:tenantId/subtenants/:subtenantId", (ctx) => {
    const tenant = namedTenant(ctx);
    const subtenant = findSubtenant(ctx.store.state, tenant, ctx.params.subtenantId);
    return accepted(ctx, "DeleteCloudSubtenant", deleteSubtenantEffect(ctx.store.state, subtenant.id));
  }),
];


