import type { RouteHandler } from "../http/handlers";
import { cloudHandlers } from "./cloud";
import { cloudConnectHandlers } from "./cloudConnect";
import { entryHandlers } from "./entry";
import { logonHandlers, type AdminCredentials } from "./logon";
import { queryHandlers } from "./query";
import { securityHandlers } from "./security";
import { taskHandlers } from "./tasks";
import { tenantHandlers } from "./tenants";
import { unimplementedHandlers } from "./unimplemented";

export { cloudHandlers, cloudConnectHandlers, entryHandlers, logonHandlers, queryHandlers, securityHandlers, taskHandlers, tenantHandlers, unimplementedHandlers };

/** The emulator's built-in route handlers, in matching order (the 501 answers last). */
export function defaultHandlers(admin: AdminCredentials): RouteHandler[] {
  return [...entryHandlers, ...logonHandlers(admin), ...cloudConnectHandlers, ...cloudHandlers, ...tenantHandlers, ...taskHandlers, ...securityHandlers, ...queryHandlers, ...unimplementedHandlers];
}
