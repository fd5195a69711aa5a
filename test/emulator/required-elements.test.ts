import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { VirtualClock } from "../support/virtual-clock";
import { adminLogon, send, xml } from "../support/http";

const ABC = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ABC_RESOURCE = "11c59670-23df-448c-a4b3-74c42669633e";
const NS = `xmlns="http://www.veeam.com/ent/v1.0"`;
const FILE_RESTORE = "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6";

/**
 * Each body the provider sends, with the elements EM's element tables mark 1/1 (post_tenants_id_subtenants,
 * put_tenants_id_subtenants_id, post_security_accounts, post_security_accounts_id_roles, post_sessionmngr): without
 * any one of them, EM's schema check refuses the XML body (400 with EM's Error body).
 */
interface Body {
  what: string;
  method: string;
  path: (ctx: { subtenantId: string; accountId: string }) => string;
  elements: Array<[string, string]>;
  root: string;
  /** Required elements inside a complex element: [parent, child]. */
  required: string[];
  wrap?: (children: string) => string;
  anonymous?: boolean;
}

const render = (b: Body, without?: string) => {
  const children = b.elements.filter(([name]) => name !== without).map(([, xml]) => xml).join("");
  return `<${b.root} ${NS}>${b.wrap ? b.wrap(children) : children}</${b.root}>`;
};

const BODIES: Body[] = [
  {
    what: "subtenant POST",
    method: "POST",
    path: () => `cloud/tenants/${ABC}/subtenants`,
    root: "CloudSubtenantCreateSpec",
    elements: [["Name", "<Name>req-1</Name>"], ["Password", "<Password>pw</Password>"], ["TenantResourceId", `<TenantResourceId>${ABC_RESOURCE}</TenantResourceId>`], ["QuotaMb", "<QuotaMb>2048</QuotaMb>"], ["UnlimitedQuota", "<UnlimitedQuota>false</UnlimitedQuota>"]],
    required: ["Name", "Password", "TenantResourceId", "UnlimitedQuota"],
  },
  {
    what: "subtenant PUT",
    method: "PUT",
    path: ({ subtenantId }) => `cloud/tenants/${ABC}/subtenants/${subtenantId}`,
    root: "CloudSubtenant",
    elements: [["Description", "<Description>d</Description>"], ["DisplayName", "<DisplayName>q</DisplayName>"], ["TenantResourceId", `<TenantResourceId>${ABC_RESOURCE}</TenantResourceId>`], ["QuotaMb", "<QuotaMb>4096</QuotaMb>"]],
    wrap: (children) => children.replace(/^(<Description>d<\/Description>)?(.*)$/, (_m, d = "", rest) => `${d}<RepositoryQuota Unlimited="false">${rest}</RepositoryQuota>`),
    required: ["QuotaMb"],
  },
  {
    what: "account POST",
    method: "POST",
    path: () => "security/accounts",
    root: "EnterpriseAccountCreateSpec",
    elements: [["AccountType", "<AccountType>User</AccountType>"], ["AccountName", "<AccountName>TECH\\req.one</AccountName>"], ["Roles", `<Roles><EnterpriseRole><EnterpriseRoleUid>${FILE_RESTORE}</EnterpriseRoleUid></EnterpriseRole></Roles>`], ["AllowRestoreAllVms", "<AllowRestoreAllVms>true</AllowRestoreAllVms>"]],
    required: ["AccountType", "AccountName", "Roles", "AllowRestoreAllVms"],
  },
  {
    what: "role POST",
    method: "POST",
    path: ({ accountId }) => `security/accounts/${accountId}/roles`,
    root: "EnterpriseAccountInRoleCreateSpec",
    elements: [["EnterpriseRoleUid", "<EnterpriseRoleUid>urn:veeam:EnterpriseRole:c11c0c38-ba8b-49c7-bf70-fc2058fff1e2</EnterpriseRoleUid>"]],
    required: ["EnterpriseRoleUid"],
  },
  {
    what: "tenant logon",
    method: "POST",
    path: () => "sessionMngr/?v=latest",
    root: "LoginSpec",
    elements: [["Username", "<Username>ABC Company</Username>"], ["Password", "<Password>P@ssw0rd</Password>"]],
    wrap: (children) => `<TenantCredentials>${children}</TenantCredentials>`,
    required: ["Username", "Password"],
    anonymous: true,
  },
];

describe("emulator: elements EM's element tables mark 1/1 are required", () => {
  let em: Emulator;
  let token: string;
  const ids = { subtenantId: "", accountId: "" };
  before(async () => {
    em = await startEmulator({ clock: new VirtualClock(), taskDurationMs: 10 });
    token = await adminLogon(em.url);
    ids.subtenantId = "0eb0c130-d91a-4e05-9403-ac2ded0fc1ea";
    const quota = { unlimited: false, displayName: "q", tenantResourceId: ABC_RESOURCE, quotaMb: 2048, usedQuotaMb: 0, quotaId: "q1" };
    em.store.state.subtenants.push({ id: ids.subtenantId, tenantId: ABC, name: "ABC Company User 01", description: "", password: "pw", enabled: true, quota });
    ids.accountId = em.store.state.accounts[0].id;
  });
  after(() => em.stop());

  for (const body of BODIES) {
    it(`${body.what}: refused (400, EM's Error body) without ${body.required.join(", ")}; accepted with all`, async () => {
      const headers = { ...(body.anonymous ? {} : { "X-RestSvcSessionId": token }), "Content-Type": "application/xml" };
      for (const name of body.required) {
        const res = await send(em.url, body.path(ids), { method: body.method, headers, body: render(body, name) });
        expect(res.status, `${body.what} without ${name}: ${res.body}`).to.equal(400);
        expect(xml(res.body).Error["@Message"], name).to.contain(`<${name}>`);
      }
      const ok = await send(em.url, body.path(ids), { method: body.method, headers, body: render(body) });
      expect(ok.status, ok.body).to.be.within(200, 202);
    });
  }
});
