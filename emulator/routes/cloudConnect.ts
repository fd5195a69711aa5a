import { decodeBody, EmError, requireSession, wantsEntity, type RequestContext } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import type { CloudFailoverPlan } from "../model";
import { findVisiblePlan, startPlanEffect, undoPlanEffect, visiblePlans } from "../domain/failoverPlans";
import { findTenant } from "../domain/subtenants";
import { failoverPlanEntity, failoverPlanReference } from "../representations/failoverPlans";
import { cloudConnectServiceRepresentation } from "../representations/session";
import type { BodySpec } from "../wire/schema";
import { wrappedList } from "../wire/tree";
import { accepted } from "./cloud";

/**
 * What a tenant or vCD organization session may reach besides its tasks and logon session
 * (cloud_connect_tenant_credentials): the Cloud Connect service, its cloud failover plans (which it may start and
 * undo, not edit), replicas and replica points. The emulator holds no replicas, so those lists are empty.
 */
const EMPTY_COLLECTIONS: Array<{ path: string; what: string; entities: string }> = [
  { path: "/cloud/replicas", what: "Cloud replica", entities: "CloudReplicas" },
  { path: "/cloud/vmReplicaPoints", what: "Cloud VM replica point", entities: "CloudVmReplicaPoints" },
];

const TENANTS_TOO = { access: "session" } as const;

function emptyCollectionHandlers({ path, what, entities }: (typeof EMPTY_COLLECTIONS)[number]): RouteHandler[] {
  return [
    // cloudreplicas, cloudvmreplicapoints: references (EntityReferences) by default.
    http.get(path, (ctx: RequestContext) => {
      requireSession(ctx);
      return { status: 200, body: wantsEntity(ctx) ? wrappedList(entities, entities, []) : wrappedList("EntityReferences", "Refs", []) };
    }, TENANTS_TOO),
    http.get(`${path}/:id`, (ctx) => {
      throw new EmError(404, `${what} '${ctx.params.id}' was not found`);
    }, TENANTS_TOO),
  ];
}

/** post_cloudfailoverplans_id_start: "either of" StartNow and StartDate, each 0/1. */
const START_SPEC: BodySpec = {
  root: "CloudFailoverPlanManagementSpec",
  fields: [
    { name: "StartNow", type: "boolean", min: 0, max: 1 },
    { name: "StartDate", type: "string", min: 0, max: 1 },
  ],
};

function planShape(ctx: RequestContext, plan: CloudFailoverPlan, entity: boolean, root?: string) {
  const { backupServers } = ctx.store.state;
  const tenant = findTenant(ctx.store.state, plan.tenantId);
  return entity ? failoverPlanEntity(ctx.apiUrl, plan, tenant, backupServers) : failoverPlanReference(ctx.apiUrl, plan, tenant, backupServers, root);
}

const failoverPlanHandlers: RouteHandler[] = [
  http.get("/cloud/cloudFailoverPlans", (ctx) => {
    const plans = visiblePlans(ctx.store.state, requireSession(ctx));
    const entity = wantsEntity(ctx);
    const items = plans.map((p) => planShape(ctx, p, entity));
    return { status: 200, body: entity ? wrappedList("CloudFailoverPlans", "CloudFailoverPlans", items) : wrappedList("EntityReferences", "Refs", items) };
  }, TENANTS_TOO),

  http.get("/cloud/cloudFailoverPlans/:id", (ctx) => {
    const plan = findVisiblePlan(ctx.store.state, requireSession(ctx), ctx.params.id);
    return { status: 200, body: planShape(ctx, plan, wantsEntity(ctx), "EntityRef") };
  }, TENANTS_TOO),

  // post_cloudfailoverplans_id_start and _undo: a task; another tenant's plan is not found.
  http.post("/cloud/cloudFailoverPlans/:id", (ctx) => {
    const plan = findVisiblePlan(ctx.store.state, requireSession(ctx), ctx.params.id);
    const action = (ctx.query.get("action") ?? "").toLowerCase();
    if (action === "start") {
      const spec = decodeBody(ctx, START_SPEC);
      if ((spec.StartNow === undefined) === (spec.StartDate === undefined)) {
        throw new EmError(400, "CloudFailoverPlanManagementSpec must contain either StartNow or StartDate");
      }
      return accepted(ctx, "StartCloudFailoverPlan", startPlanEffect(ctx.store.state, plan.id));
    }
    if (action === "undo") return accepted(ctx, "UndoCloudFailoverPlan", undoPlanEffect(ctx.store.state, plan.id));
    throw new EmError(400, `The action '${ctx.query.get("action") ?? ""}' is not valid for a cloud failover plan; use ?action=start or ?action=undo`);
  }, TENANTS_TOO),
];

export const cloudConnectHandlers: RouteHandler[] = [
  http.get("/cloud", (ctx) => ({ status: 200, body: cloudConnectServiceRepresentation(requireSession(ctx), ctx.apiUrl) }), TENANTS_TOO),
  ...failoverPlanHandlers,
  ...EMPTY_COLLECTIONS.flatMap(emptyCollectionHandlers),
];
