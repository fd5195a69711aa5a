import { EmError, requireSession, wantsEntity, type RequestContext } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import { cloudConnectServiceRepresentation } from "../representations/session";
import { wrappedList } from "../wire/tree";

/**
 * What a tenant or vCD organization session may reach besides its tasks and logon session
 * (cloud_connect_tenant_credentials): the Cloud Connect service and its cloud failover plans, replicas and
 * replica points. The emulator holds none of these, so the lists are empty and an item is not found.
 */
const TENANT_COLLECTIONS: Array<{ path: string; what: string; entities: string }> = [
  { path: "/cloud/cloudFailoverPlans", what: "Cloud failover plan", entities: "CloudFailoverPlans" },
  { path: "/cloud/replicas", what: "Cloud replica", entities: "CloudReplicas" },
  { path: "/cloud/vmReplicaPoints", what: "Cloud VM replica point", entities: "CloudVmReplicaPoints" },
];

const TENANTS_TOO = { access: "session" } as const;

function collectionHandlers({ path, what, entities }: (typeof TENANT_COLLECTIONS)[number]): RouteHandler[] {
  return [
    // cloudfailoverplans, cloudreplicas, cloudvmreplicapoints: references (EntityReferences) by default.
    http.get(path, (ctx: RequestContext) => {
      requireSession(ctx);
      return { status: 200, body: wantsEntity(ctx) ? wrappedList(entities, entities, []) : wrappedList("EntityReferences", "Refs", []) };
    }, TENANTS_TOO),
    http.get(`${path}/:id`, (ctx) => {
      throw new EmError(404, `${what} '${ctx.params.id}' was not found`);
    }, TENANTS_TOO),
  ];
}

export const cloudConnectHandlers: RouteHandler[] = [
  http.get("/cloud", (ctx) => ({ status: 200, body: cloudConnectServiceRepresentation(requireSession(ctx), ctx.apiUrl) }), TENANTS_TOO),
  ...TENANT_COLLECTIONS.flatMap(collectionHandlers),
];
