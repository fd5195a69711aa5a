import type { Reply, RequestContext } from "./context";

export type Handler = (ctx: RequestContext) => Reply;

interface Route {
  method: string;
  pattern: RegExp;
  paramNames: string[];
  handler: Handler;
  /** Routes that run before logon (the entry point and the logon itself). */
  anonymous: boolean;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  anonymous: boolean;
}

/** Maps "METHOD /path/:param" to handlers; EM's routes are case-insensitive and ignore a trailing slash. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler, options: { anonymous?: boolean } = {}): this {
    const paramNames: string[] = [];
    const source = template
      .split("/")
      .map((part) => {
        if (part.startsWith(":")) {
          paramNames.push(part.slice(1));
          return "([^/]+)";
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.routes.push({ method, pattern: new RegExp(`^${source}$`, "i"), paramNames, handler, anonymous: options.anonymous ?? false });
    return this;
  }

  /** The matching route, the methods the path has when it lacks this one, or undefined for an unknown path. */
  match(method: string, path: string): RouteMatch | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      allowed.push(route.method);
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      return { handler: route.handler, params, anonymous: route.anonymous };
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}
