import { timingSafeEqual } from "node:crypto";
import { decodeBody, EmError, requireSession, type RequestContext } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import { sameName } from "../domain/names";
import type { Session } from "../model";
import { logonSessionRepresentation } from "../representations/session";
import type { BodySpec, Decoded } from "../wire/schema";

export interface AdminCredentials {
  adminUser: string;
  adminPassword: string;
}

/** EM's LoginSpec is a choice of one credentials element; modelled as two optional elements, exactly one present. */
const LOGIN_SPEC: BodySpec = {
  root: "LoginSpec",
  fields: [
    { name: "TenantCredentials", min: 0, max: 1, fields: [ { name: "Username", type: "string", min: 1, max: 1 }, { name: "Password", type: "string", min: 1, max: 1 } ] },
    {
      name: "VCloudOrganizationCredentials",
      min: 0,
      max: 1,
      fields: [
        { name: "OrganizationName", type: "string", min: 1, max: 1 },
        { name: "Login", type: "string", min: 1, max: 1 },
        { name: "Password", type: "string", min: 1, max: 1 },
      ],
    },
  ],
};

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function tenantLogon(ctx: RequestContext, spec: Decoded): Session {
  const { tenants } = ctx.store.state;
  const standalone = spec.TenantCredentials as Decoded | undefined;
  if (standalone) {
    const tenant = tenants.find((t) => t.type === "Standalone" && sameName(t.name, String(standalone.Username)));
    if (!tenant || tenant.password === undefined || !sameSecret(String(standalone.Password), tenant.password)) {
      throw new EmError(401, "Logon failed: unknown tenant or wrong password");
    }
    if (!tenant.enabled) throw new EmError(401, "Logon failed: the tenant account is disabled");
    return ctx.store.createSession(tenant.name, "tenant", tenant.id);
  }
  const vcd = spec.VCloudOrganizationCredentials as Decoded;
  const tenant = tenants.find((t) => t.type === "vCD" && t.vcdOrganization !== undefined && sameName(t.vcdOrganization.name, String(vcd.OrganizationName)));
  const user = tenant?.vcdOrganization?.users.find((u) => u.login.toLowerCase() === String(vcd.Login).toLowerCase());
  if (!tenant || !user || !sameSecret(String(vcd.Password), user.password)) {
    throw new EmError(401, "Logon failed: unknown organization, user or wrong password");
  }
  return ctx.store.createSession(`${tenant.vcdOrganization?.name}\\${user.login}`, "tenant", tenant.id);
}

function logon(ctx: RequestContext, admin: AdminCredentials): Session {
  // em_web_api_versions: each EM accepts its own API version and the deprecated ones below it; the answer to any
  // other version is assumed (400), see the README.
  const version = ctx.query.get("v");
  const accepted = ctx.profile.apiVersions;
  if (version !== null && version.toLowerCase() !== "latest" && !accepted.includes(version.toLowerCase())) {
    throw new EmError(400, `The REST API version '${version}' is not supported by Enterprise Manager ${ctx.profile.version}; use v=latest or one of ${accepted.join(", ")}`);
  }
  const basic = basicCredentials(ctx.headers.authorization);
  if (basic) {
    if (!sameSecret(basic.user, admin.adminUser) || !sameSecret(basic.password, admin.adminPassword)) {
      throw new EmError(401, "Logon failed: wrong user name or password");
    }
    return ctx.store.createSession(basic.user, "admin");
  }
  if (ctx.body.trim() !== "") {
    const spec = decodeBody(ctx, LOGIN_SPEC);
    if ((spec.TenantCredentials === undefined) === (spec.VCloudOrganizationCredentials === undefined)) {
      throw new EmError(400, "LoginSpec must contain exactly one of TenantCredentials or VCloudOrganizationCredentials");
    }
    return tenantLogon(ctx, spec);
  }
  // A caller that already holds a session may open another one for the same user (EM's POST /sessionMngr/ example).
  if (ctx.session) return ctx.store.createSession(ctx.session.userName, ctx.session.kind, ctx.session.tenantId);
  throw new EmError(401, "Logon failed: send HTTP Basic credentials or a LoginSpec with tenant credentials");
}

function ownSession(ctx: RequestContext): Session {
  const caller = requireSession(ctx);
  const target = ctx.store.sessionById(ctx.params.id);
  // Another user's session is reported as absent rather than revealed.
  if (!target || (caller.kind !== "admin" && target.id !== caller.id)) throw new EmError(404, `Logon session '${ctx.params.id}' was not found`);
  return target;
}

export function logonHandlers(admin: AdminCredentials): RouteHandler[] {
  return [
    http.post(
      "/sessionMngr",
      (ctx) => {
        const session = logon(ctx, admin);
        return {
          status: 201,
          headers: { "X-RestSvcSessionId": session.token, "Set-Cookie": `X-RestSvcSessionId=${session.token}; Path=/api; HttpOnly` },
          body: logonSessionRepresentation(session, ctx.apiUrl),
        };
      },
      { access: "anonymous" },
    ),
    http.get("/logonSessions/:id", (ctx) => ({ status: 200, body: logonSessionRepresentation(ownSession(ctx), ctx.apiUrl) }), { access: "session" }),
    http.delete(
      "/logonSessions/:id",
      (ctx) => {
        ctx.store.endSession(ownSession(ctx));
        return { status: 204 };
      },
      { access: "session" },
    ),
  ];
}
