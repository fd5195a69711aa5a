import { decodeBody, EmError, NULL_REFERENCE, wantsEntity } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import { addResourceEffect, backupServerByUid, checkCreateSpec, createTenantEffect, deleteResourceEffect, deleteTenantEffect, editTenantEffect, findResource, repositoryByUid } from "../domain/tenants";
import { findTenant } from "../domain/subtenants";
import { backupServerEntity, backupServerReference, repositoryEntity, repositoryReference } from "../representations/tenants";
import type { BodySpec, FieldSpec } from "../wire/schema";
import { wrappedList } from "../wire/tree";
import { accepted } from "./cloud";

/** Content EM accepts in these bodies that the emulator does not model (replication resources, gateway pools). */
const accepts = (name: string): FieldSpec => ({ name, min: 0, max: 1, ignored: true });

/** CreateCloudTenantResourceSpec (post_tenants_id_resources); also each BackupResource of a tenant create. */
const RESOURCE_FIELDS: FieldSpec[] = [
  { name: "Name", type: "string", min: 1, max: 1 },
  { name: "RepositoryUid", type: "string", min: 1, max: 1 },
  { name: "QuotaMb", type: "int", min: 1, max: 1 },
  { name: "WanAcceleratorUid", type: "string", min: 0, max: 1 },
];

/**
 * POST /cloud/tenants, in the element order of EM's schema: post_tenants' tables and examples, and the generated
 * bindings of RestAPI.xsd (docs/em-api-tenants.md). JSON names are the examples' (BackupServerUid, BackupResources).
 */
const TENANT_CREATE_SPEC: BodySpec = {
  root: "CreateCloudTenantSpec",
  fields: [
    { name: "Name", type: "string", min: 1, max: 1 },
    { name: "Description", type: "string", min: 0, max: 1 },
    { name: "Password", type: "string", min: 0, max: 1 },
    { name: "Enabled", type: "boolean", min: 0, max: 1 },
    { name: "LeaseExpirationDate", type: "string", min: 0, max: 1 },
    { name: "Resources", min: 0, max: 1, fields: [ { name: "BackupResource", min: 0, max: "unbounded", jsonArrayKey: "BackupResources", fields: RESOURCE_FIELDS } ] },
    accepts("ComputeResources"),
    { name: "ThrottlingEnabled", type: "boolean", min: 0, max: 1 },
    { name: "ThrottlingSpeedLimit", type: "int", min: 0, max: 1 },
    { name: "ThrottlingSpeedUnit", type: "string", min: 0, max: 1 },
    { name: "PublicIpCount", type: "int", min: 0, max: 1 },
    { name: "BackupServerUid", type: "string", min: 1, max: 1 },
    { name: "MaxConcurrentTasks", type: "int", min: 0, max: 1 },
    { name: "BackupProtectionEnabled", type: "boolean", min: 0, max: 1 },
    { name: "BackupProtectionPeriod", type: "int", min: 0, max: 1 },
    { name: "TenantType", type: "string", min: 0, max: 1 },
    { name: "OrganizationRef", type: "string", min: 0, max: 1 },
    accepts("VCloudComputeResources"),
    accepts("CloudGatewayPools"),
    { name: "FailoverToOtherGatewaysIfFail", type: "boolean", min: 0, max: 1 },
    accepts("Domain"),
  ],
};

const RESOURCE_CREATE_SPEC: BodySpec = { root: "CreateCloudTenantResourceSpec", fields: RESOURCE_FIELDS };

/** PUT /cloud/tenants/{id}: the CloudTenant entity (put_tenants_id), read-only content accepted and ignored. */
const TENANT_EDIT_SPEC: BodySpec = {
  root: "CloudTenant",
  attrs: [ { name: "Type", type: "string" }, { name: "Href", type: "string" }, { name: "Name", type: "string" }, { name: "UID", type: "string" } ],
  fields: [
    accepts("Links"),
    { name: "Password", type: "string", min: 0, max: 1 },
    { name: "Description", type: "string", min: 0, max: 1 },
    { name: "Enabled", type: "boolean", min: 0, max: 1 },
    { name: "LeaseOptions", min: 0, max: 1, attrs: [ { name: "Enabled", type: "boolean" }, { name: "ExpirationDate", type: "string" } ], fields: [] },
    {
      name: "Resources",
      min: 0,
      max: 1,
      fields: [
        {
          name: "CloudTenantResource",
          min: 0,
          max: "unbounded",
          jsonArrayKey: "CloudTenantResources",
          attrs: [ { name: "Type", type: "string" }, { name: "Href", type: "string" }, { name: "Id", type: "string" } ],
          fields: [
            accepts("Links"),
            {
              name: "RepositoryQuota",
              min: 0,
              max: 1,
              fields: [
                { name: "DisplayName", type: "string", min: 0, max: 1 },
                { name: "RepositoryUid", type: "string", min: 0, max: 1 },
                { name: "WanAcceleratorUid", type: "string", min: 0, max: 1 },
                { name: "Quota", type: "int", min: 0, max: 1 },
                { name: "UsedQuota", type: "int", min: 0, max: 1 },
              ],
            },
          ],
        },
      ],
    },
    accepts("LastResult"),
    accepts("LastActive"),
    accepts("VmCount"),
    accepts("ComputeResources"),
    { name: "ThrottlingEnabled", type: "boolean", min: 0, max: 1 },
    { name: "ThrottlingSpeedLimit", type: "int", min: 0, max: 1 },
    { name: "ThrottlingSpeedUnit", type: "string", min: 0, max: 1 },
    accepts("PublicIpCount"),
    accepts("BackupCount"),
    accepts("ReplicaCount"),
    { name: "MaxConcurrentTasks", type: "int", min: 0, max: 1 },
    accepts("WorkStationBackupCount"),
    accepts("ServerBackupCount"),
    { name: "BackupProtectionEnabled", type: "boolean", min: 0, max: 1 },
    { name: "BackupProtectionPeriod", type: "int", min: 0, max: 1 },
    // Its content (StandaloneTenant, ADTenantType, vCloudTenant) cannot be edited; only its presence matters.
    { name: "TenantType", min: 0, max: 1, fields: [accepts("StandaloneTenant"), accepts("ADTenantType"), accepts("vCloudTenant")] },
    accepts("VCloudComputeResources"),
    accepts("CloudGatewayPools"),
    { name: "FailoverToOtherGatewaysIfFail", type: "boolean", min: 0, max: 1 },
  ],
};

function namedServer(ctx: { store: { state: Parameters<typeof backupServerByUid>[0] }; params: Record<string, string> }) {
  const server = backupServerByUid(ctx.store.state, ctx.params.serverId);
  if (!server) throw new EmError(404, `Backup server '${ctx.params.serverId}' was not found`);
  return server;
}

export const tenantHandlers: RouteHandler[] = [
  http.post("/cloud/tenants", (ctx) => {
    const spec = decodeBody(ctx, TENANT_CREATE_SPEC);
    const { server, type } = checkCreateSpec(ctx.store.state, spec);
    return accepted(ctx, "CreateCloudTenant", createTenantEffect(ctx.store.state, spec, server, type));
  }),

  http.put("/cloud/tenants/:tenantId", (ctx) => {
    const tenant = findTenant(ctx.store.state, ctx.params.tenantId);
    const body = decodeBody(ctx, TENANT_EDIT_SPEC);
    // A 9.5 U4 integrator saw EM answer 500 to an edit without TenantType, in XML; EM's own example lacks it too.
    if (body.TenantType === undefined) throw new EmError(500, NULL_REFERENCE, NULL_REFERENCE, "the edit body has no TenantType");
    if (body.Name !== undefined && String(body.Name).toLowerCase() !== tenant.name.toLowerCase()) {
      throw new EmError(400, `The name of a cloud tenant cannot be changed (tenant '${tenant.name}', requested '${String(body.Name)}')`);
    }
    return accepted(ctx, "EditCloudTenant", editTenantEffect(ctx.store.state, tenant, body));
  }),

  http.delete("/cloud/tenants/:tenantId", (ctx) => {
    const tenant = findTenant(ctx.store.state, ctx.params.tenantId);
    const includeBackups = (ctx.query.get("includeBackups") ?? "false").toLowerCase() === "true";
    return accepted(ctx, "DeleteCloudTenant", deleteTenantEffect(ctx.store.state, tenant, includeBackups));
  }),

  http.post("/cloud/tenants/:tenantId/resources", (ctx) => {
    const tenant = findTenant(ctx.store.state, ctx.params.tenantId);
    const body = decodeBody(ctx, RESOURCE_CREATE_SPEC);
    return accepted(ctx, "CreateCloudTenantResource", addResourceEffect(ctx.store.state, tenant, body));
  }),

  http.delete("/cloud/tenants/:tenantId/resources/:resourceId", (ctx) => {
    const tenant = findTenant(ctx.store.state, ctx.params.tenantId);
    const resource = findResource(tenant, ctx.params.resourceId);
    return accepted(ctx, "DeleteCloudTenantResource", deleteResourceEffect(ctx.store.state, tenant, resource.id));
  }),

  http.get("/backupServers", (ctx) => {
    const servers = ctx.store.state.backupServers;
    if (wantsEntity(ctx)) return { status: 200, body: wrappedList("BackupServers", "BackupServers", servers.map((s) => backupServerEntity(ctx.apiUrl, s))) };
    return { status: 200, body: wrappedList("EntityReferences", "Refs", servers.map((s) => backupServerReference(ctx.apiUrl, s))) };
  }),

  http.get("/backupServers/:serverId", (ctx) => {
    const server = namedServer(ctx);
    return { status: 200, body: wantsEntity(ctx) ? backupServerEntity(ctx.apiUrl, server) : backupServerReference(ctx.apiUrl, server, "EntityRef") };
  }),

  http.get("/repositories", (ctx) => {
    const { repositories, backupServers } = ctx.store.state;
    if (wantsEntity(ctx)) return { status: 200, body: wrappedList("Repositories", "Repositories", repositories.map((r) => repositoryEntity(ctx.apiUrl, r, backupServers))) };
    return { status: 200, body: wrappedList("EntityReferences", "Refs", repositories.map((r) => repositoryReference(ctx.apiUrl, r, backupServers))) };
  }),

  http.get("/repositories/:repositoryId", (ctx) => {
    const repository = repositoryByUid(ctx.store.state, ctx.params.repositoryId);
    if (!repository) throw new EmError(404, `Repository '${ctx.params.repositoryId}' was not found`);
    const servers = ctx.store.state.backupServers;
    return { status: 200, body: wantsEntity(ctx) ? repositoryEntity(ctx.apiUrl, repository, servers) : repositoryReference(ctx.apiUrl, repository, servers, "EntityRef") };
  }),
];
