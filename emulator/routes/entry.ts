import { http, type RouteHandler } from "../http/handlers";
import { link, links } from "../representations/common";
import { el } from "../wire/tree";

/** GET /api/: answers without a session and tells clients where to log on, for each API version this EM accepts. */
export const entryHandlers: RouteHandler[] = [
  http.get(
    "",
    (ctx) => {
      const logon = (version: string) => link("Create", "LogonSession", `${ctx.apiUrl}/sessionMngr/?v=${version}`);
      const versions = ctx.profile.apiVersions.map((v) => el("SupportedVersion", { Name: v }, links(logon(v))));
      return {
        status: 200,
        body: el(
          "EnterpriseManager",
          undefined,
          links(link("Down", "LogonSessionList", `${ctx.apiUrl}/logonSessions`), logon("latest")),
          { ...el("SupportedVersions", undefined, ...versions), jsonList: { kind: "wrapped", wrapKey: "SupportedVersions" } },
        ),
      };
    },
    { access: "anonymous" },
  ),
];
