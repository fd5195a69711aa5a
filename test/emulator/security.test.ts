import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { adminLogon, send, xml } from "../support/http";

const RESTORE_OPERATOR = "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6";
const PORTAL_USER = "urn:veeam:EnterpriseRole:d19a3d33-cb77-4ffe-94e6-001432483a4e";

function accountSpec(fields: { type?: string; name?: string; roles?: string[]; allowAll?: boolean; scope?: string; flr?: string }): string {
  const { type = "User", name = "TECH\\mary.smith", roles = [RESTORE_OPERATOR], allowAll = true, scope = "", flr = "" } = fields;
  return [
    `<EnterpriseAccountCreateSpec xmlns="http://www.veeam.com/ent/v1.0">`,
    `<AccountType>${type}</AccountType><AccountName>${name}</AccountName>`,
    `<Roles>${roles.map((r) => `<EnterpriseRole><EnterpriseRoleUid>${r}</EnterpriseRoleUid></EnterpriseRole>`).join("")}</Roles>`,
    `<AllowRestoreAllVms>${allowAll}</AllowRestoreAllVms>${scope}${flr}`,
    `</EnterpriseAccountCreateSpec>`,
  ].join("");
}

describe("emulator: security accounts, roles and restore scopes", () => {
  let em: Emulator;
  let token: string;
  const headers = () => ({ "X-RestSvcSessionId": token, "Content-Type": "application/xml" });
  const post = (path: string, body?: string) => send(em.url, path, { method: "POST", headers: headers(), body });

  beforeEach(async () => {
    em = await startEmulator();
    token = await adminLogon(em.url);
  });
  afterEach(() => em.stop());

  it("lists EM's built-in roles by name and UID", async () => {
    const refs = xml((await send(em.url, "security/roles", { headers: headers() })).body).EntityReferences.Ref;
    const names = refs.map((r: Record<string, string>) => r["@Name"]);
    expect(names).to.include.members(["Portal Administrator", "Portal User", "File Restore Operator", "VM Restore Operator"]);
    expect(refs.find((r: Record<string, string>) => r["@Name"] === "File Restore Operator")["@UID"]).to.equal(RESTORE_OPERATOR);
  });

  it("creates an account (201) that the reference list and the entity then show", async () => {
    const res = await post("security/accounts", accountSpec({ flr: "<FlrSettings><FlrInplaceOnly>true</FlrInplaceOnly><FlrExtentionRestrictions>doc,pdf</FlrExtentionRestrictions></FlrSettings>" }));
    expect(res.status, res.body).to.equal(201);
    const refs = xml((await send(em.url, "security/accounts", { headers: headers() })).body).EntityReferences.Ref;
    const ref = refs.find((r: Record<string, string>) => r["@Name"] === "TECH\\mary.smith");
    expect(ref["@UID"]).to.match(/^urn:veeam:EnterpriseAccount:/);
    const entity = xml((await send(em.url, `security/accounts/${ref["@UID"].split(":").pop()}?format=Entity`, { headers: headers() })).body).EnterpriseAccount;
    expect(entity).to.include({ AccountType: "User", AllowRestoreAllVms: "true" });
    expect(entity.FlrSettings).to.deep.equal({ FlrInplaceOnly: "true", FlrExtentionRestrictions: "doc,pdf" });
    expect(entity.Links.Link.map((l: Record<string, string>) => l["@Rel"])).to.deep.equal(["Alternate", "Down", "Create", "Down", "Create", "Delete", "ToggleRestoreScopesEnabled"]);
  });

  it("refuses a duplicate account, whatever the case of its name", async () => {
    expect((await post("security/accounts", accountSpec({}))).status).to.equal(201);
    const dup = await post("security/accounts", accountSpec({ name: "tech\\MARY.smith" }));
    expect(dup.status).to.equal(400);
    expect(xml(dup.body).Error["@Message"]).to.contain("already exists");
  });

  it("refuses an unknown role with an Error body", async () => {
    const res = await post("security/accounts", accountSpec({ roles: ["urn:veeam:EnterpriseRole:00000000-0000-0000-0000-000000000000"] }));
    expect(res.status).to.equal(400);
    expect(xml(res.body).Error).to.include({ "@StatusCode": "400" });
    expect(em.store.state.accounts.map((a) => a.name)).not.to.include("TECH\\mary.smith");
  });

  it("checks the account name format of each account type", async () => {
    expect((await post("security/accounts", accountSpec({ name: "mary.smith" }))).status).to.equal(400);
    expect((await post("security/accounts", accountSpec({ type: "ExternalUser", name: "TECH\\mary" }))).status).to.equal(400);
    expect((await post("security/accounts", accountSpec({ type: "ExternalUser", name: "mary@tech.com" }))).status).to.equal(201);
    expect((await post("security/accounts", accountSpec({ type: "ExternalGroup", name: "Any group name" }))).status).to.equal(201);
    expect((await post("security/accounts", accountSpec({ type: "Robot", name: "TECH\\r2" }))).status).to.equal(400);
  });

  it("requires HierarchyScopeObjects when AllowRestoreAllVms is false, and stores the scope items", async () => {
    expect((await post("security/accounts", accountSpec({ allowAll: false }))).status).to.equal(400);
    const scope = "<HierarchyScopeObjects><HierarchyScopeItem><HierarchyObjRef>urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-7870</HierarchyObjRef><ObjectName>VM01</ObjectName></HierarchyScopeItem></HierarchyScopeObjects>";
    expect((await post("security/accounts", accountSpec({ allowAll: false, scope }))).status).to.equal(201);
    const id = em.store.state.accounts.find((a) => a.name === "TECH\\mary.smith")?.id;
    const scopes = xml((await send(em.url, `security/accounts/${id}/scopes`, { headers: headers() })).body).EnterpriseAccountHierarchyScopes.EnterpriseAccountHierarchyScope;
    expect(scopes).to.have.length(1);
    expect(scopes[0]).to.include({ Name: "VM01", Platform: "VMware", HierarchyObjectType: "Vm", HierarchyRootName: "a2b0c55d-829a-4efe-bd95-125ee77ba9dd" });
  });

  describe("an existing account", () => {
    let id: string;
    beforeEach(async () => {
      await post("security/accounts", accountSpec({}));
      id = em.store.state.accounts.find((a) => a.name === "TECH\\mary.smith")?.id as string;
    });

    it("adds a role (201), lists it, removes it (204), and refuses to remove the last role", async () => {
      const add = await post(`security/accounts/${id}/roles`, `<EnterpriseAccountInRoleCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><EnterpriseRoleUid>${PORTAL_USER}</EnterpriseRoleUid></EnterpriseAccountInRoleCreateSpec>`);
      expect(add.status).to.equal(201);
      const roles = xml((await send(em.url, `security/accounts/${id}/roles`, { headers: headers() })).body).EnterpriseAccountInRoleList.EnterpriseAccountInRole;
      expect(roles.map((r: Record<string, string>) => r.RoleName)).to.deep.equal(["File Restore Operator", "Portal User"]);
      expect(roles[1]["@Href"]).to.equal(`${em.url}security/accounts/${id}/roles/d19a3d33-cb77-4ffe-94e6-001432483a4e`);
      expect((await send(em.url, `security/accounts/${id}/roles/d19a3d33-cb77-4ffe-94e6-001432483a4e`, { method: "DELETE", headers: headers() })).status).to.equal(204);
      const last = await send(em.url, `security/accounts/${id}/roles/f84a8b62-49b8-4d0c-b25b-92321b52bab6`, { method: "DELETE", headers: headers() });
      expect(last.status).to.equal(400);
      expect(xml(last.body).Error["@Message"]).to.contain("last role");
    });

    it("adds restore scope items (201) and deletes one (204)", async () => {
      const body = `<HierarchyScopeCreateSpec xmlns="http://www.veeam.com/ent/v1.0"><HierarchyScopeItem><HierarchyObjRef>urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-15309</HierarchyObjRef><ObjectName>SQLSRV</ObjectName></HierarchyScopeItem></HierarchyScopeCreateSpec>`;
      expect((await post(`security/accounts/${id}/scopes`, body)).status).to.equal(201);
      const scopeId = em.store.state.accounts.find((a) => a.id === id)?.scope[0].id;
      expect((await send(em.url, `security/accounts/${id}/scopes/${scopeId}`, { method: "DELETE", headers: headers() })).status).to.equal(204);
      expect(em.store.state.accounts.find((a) => a.id === id)?.scope).to.have.length(0);
    });

    it("toggles AllowRestoreAllVms with a bodiless POST (204)", async () => {
      expect((await post(`security/accounts/${id}`)).status).to.equal(204);
      expect(em.store.state.accounts.find((a) => a.id === id)?.allowRestoreAllVms).to.equal(false);
    });

    it("deletes the account (204); a second delete answers 404", async () => {
      expect((await send(em.url, `security/accounts/${id}`, { method: "DELETE", headers: headers() })).status).to.equal(204);
      expect((await send(em.url, `security/accounts/${id}`, { method: "DELETE", headers: headers() })).status).to.equal(404);
    });
  });
});
