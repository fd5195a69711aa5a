import type { Router } from "../http/router";
import { link, links } from "../representations/common";
import { el } from "../wire/tree";
import { registerCloudRoutes } from "./cloud";
import { registerLogonRoutes, SUPPORTED_VERSIONS, type AdminCredentials } from "./logon";
import { registerQueryRoutes } from "./query";
import { registerSecurityRoutes } from "./security";
import { registerTaskRoutes } from "./tasks";

export function registerRoutes(router: Router, admin: AdminCredentials): Router {
  // The entry point answers without a session: it tells clients where to log on.
  router.add(
    "GET",
    "",
    (ctx) => {
      const logon = (version: string) => link("Create", "LogonSession", `${ctx.apiUrl}/sessionMngr/?v=${version}`);
      return {
        status: 200,
        body: el(
          "EnterpriseManager",
          undefined,
          links(link("Down", "LogonSessionList", `${ctx.apiUrl}/logonSessions`), logon("latest")),
          { ...el("SupportedVersions", undefined, ...SUPPORTED_VERSIONS.map((v) => el("SupportedVersion", { Name: v }, links(logon(v))))), jsonList: { kind: "wrapped", wrapKey: "SupportedVersions" } },
        ),
      };
    },
    { anonymous: true },
  );
  registerLogonRoutes(router, admin);
  registerCloudRoutes(router);
  registerTaskRoutes(router);
  registerSecurityRoutes(router);
  registerQueryRoutes(router);
  return router;
}
