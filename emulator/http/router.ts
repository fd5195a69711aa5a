import type { Access, Resolver, RouteHandler } from "./handlers";

interface Route {
  handler: RouteHandler;
  pattern: RegExp;
  paramNames: string[];
}

export interface RouteMatch {
  resolve: Resolver;
  access: Access;
  params: Record<string, string>;
}

/** `:name` is one path segment; a final `*` stands for the path itself and anything below it. */
function compile(template: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const below = template.endsWith("/*");
  const source = template
    .replace(/\/\*$/, "")
    .replace(/\/+$/, "")
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        paramNames.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { pattern: new RegExp(`^${source}${below ? "(?:/.*)?" : ""}$`, "i"), paramNames };
}

/**
 * Matches "METHOD /path" against route handlers; EM's routes are case-insensitive and ignore a trailing slash.
 * The first matching handler wins, so handlers placed in front (`prepend`) override the built-in ones.
 */
export class Router {
  private routes: Route[] = [];

  constructor(handlers: readonly RouteHandler[] = []) {
    this.append(...handlers);
  }

  append(...handlers: RouteHandler[]): this {
    this.routes.push(...handlers.map((h) => ({ handler: h, ...compile(h.path) })));
    return this;
  }

  prepend(...handlers: RouteHandler[]): this {
    this.routes.unshift(...handlers.map((h) => ({ handler: h, ...compile(h.path) })));
    return this;
  }

  /** The matching route, the methods the path has when it lacks this one, or undefined for an unknown path. */
  match(method: string, path: string): RouteMatch | { allowed: string[]; access: Access[] } | undefined {
    const allowed: string[] = [];
    const access: Access[] = [];
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.handler.method !== method) {
        if (!allowed.includes(route.handler.method)) allowed.push(route.handler.method);
        access.push(route.handler.access);
        continue;
      }
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      return { resolve: route.handler.resolve, access: route.handler.access, params };
    }
    return allowed.length > 0 ? { allowed, access } : undefined;
  }
}
