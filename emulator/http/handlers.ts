import type { Reply, RequestContext } from "./context";

/** Computes the answer to one request; throw an EmError to answer with EM's Error body. */
export type Resolver = (ctx: RequestContext) => Reply;

/**
 * Who may call a route. "anonymous": no session needed (the entry point and the logon). "session": any session,
 * a tenant's or vCD organization's included. "admin": an administrator's session only; other sessions get 403.
 */
export type Access = "anonymous" | "session" | "admin";

/** One route: a method, a path template below /api (`/cloud/tenants/:tenantId`) and what answers it. */
export interface RouteHandler {
  readonly method: string;
  readonly path: string;
  readonly resolve: Resolver;
  readonly access: Access;
}

function define(method: string) {
  return (path: string, resolve: Resolver, options: { access?: Access } = {}): RouteHandler => ({ method, path, resolve, access: options.access ?? "admin" });
}

/**
 * Route handlers are declared as values, the way msw declares them (`http.get(path, resolver)`), so a test or a
 * CI set-up can add one or replace one: `startEmulator({ handlers: [http.get("/cloud/tenants", () => ...)] })`.
 * Paths are below /api, case-insensitive, with `:name` parameters; a trailing slash does not matter.
 */
export const http = {
  get: define("GET"),
  post: define("POST"),
  put: define("PUT"),
  delete: define("DELETE"),
};
