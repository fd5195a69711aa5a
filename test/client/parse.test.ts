import { expect } from "chai";
import {
  decodeBody,
  parseAccountRoles,
  parseAccountScopes,
  parseCloudSubtenant,
  parseCloudTenant,
  parseEnterpriseAccount,
  parseErrorBody,
  parseLogonSession,
  parseQueryResult,
  parseRoles,
  parseTask,
  type Node,
} from "../../provider/client/codec";

const T = "9d35e68b-3c54-4e85-8a77-c0a2d8b069ed";
const TENANT_QUERY_XML = `<QueryResult xmlns="http://www.veeam.com/ent/v1.0">
 <Entities>
   <CloudTenants>
     <CloudTenant Type="CloudTenant" Href="https://localhost:9398/api/cloud/tenants/${T}?format=Entity" Name="tech\\william.fox" UID="urn:veeam:CloudTenant:${T}">
       <Links>
         <Link Rel="Up" Type="BackupServerReference" Href="https://localhost:9398/api/backupServers/ca19249e-e638-421a-ab22-68cb89b9009a" Name="172.24.31.67" />
       </Links>
       <Description>Tenant account for AD user</Description>
       <Enabled>true</Enabled>
       <LeaseOptions Enabled="false" />
       <Resources>
         <CloudTenantResource Type="CloudTenantResource" Href="https://localhost:9398/api/cloud/tenants/${T}/resources/7c5a1a30-6478-4c99-9412-dae65f3b6a5f" Id="7c5a1a30-6478-4c99-9412-dae65f3b6a5f">
           <RepositoryQuota>
             <DisplayName>Cloud repository 1</DisplayName>
             <RepositoryUid>urn:veeam:Repository:5236d23a-c8a9-4bbf-9e4a-26b4c63e339d</RepositoryUid>
             <WanAcceleratorUid>urn:veeam:WanAccelerator:3a2a5b97-6248-4b62-8310-e57239ecd44e</WanAcceleratorUid>
             <Quota>10240</Quota>
             <UsedQuota>0</UsedQuota>
           </RepositoryQuota>
         </CloudTenantResource>
       </Resources>
       <ComputeResources />
       <TenantType>
         <ADTenantType>
           <Domain><DomainName>tech.local</DomainName><Port>389</Port></Domain>
           <Account>tech\\william.fox</Account>
         </ADTenantType>
       </TenantType>
     </CloudTenant>
   </CloudTenants>
 </Entities>
 <PagingInfo PagesCount="1" PageSize="100" PageNum="1">
   <Links>
     <Link Rel="First" Href="https://localhost:9398/api/query?type=CloudTenant&amp;format=Entities&amp;pageSize=100&amp;page=1" />
     <Link Rel="Last" Href="https://localhost:9398/api/query?type=CloudTenant&amp;format=Entities&amp;pageSize=100&amp;page=1" />
   </Links>
 </PagingInfo>
</QueryResult>`;

const EXPECTED_TENANT = {
  id: T,
  uid: `urn:veeam:CloudTenant:${T}`,
  name: "tech\\william.fox",
  description: "Tenant account for AD user",
  enabled: true,
  type: "ActiveDirectory",
  backupServerName: "172.24.31.67",
  resources: [
    {
      id: "7c5a1a30-6478-4c99-9412-dae65f3b6a5f",
      displayName: "Cloud repository 1",
      repositoryUid: "urn:veeam:Repository:5236d23a-c8a9-4bbf-9e4a-26b4c63e339d",
      wanAcceleratorUid: "urn:veeam:WanAccelerator:3a2a5b97-6248-4b62-8310-e57239ecd44e",
      quotaMb: 10240,
      usedQuotaMb: 0,
    },
  ],
  unmanaged: { notCarried: [] },
};

const SUB = "5f6a393a-e80b-4b20-91f0-db47b6a7dcbe";
const TID = "e38a8692-6816-443e-9052-7fa71ee7fd65";
const SUBTENANT_XML = `<CloudSubtenant Type="CloudSubtenant" Href="https://localhost:9398/api/cloud/tenants/${TID}/subtenants/${SUB}" Id="${SUB}">
        <Links>
          <Link Rel="Edit" Type="CloudSubtenant" Href="https://localhost:9398/api/cloud/tenants/${TID}/subtenants/${SUB}" Name="User01" />
          <Link Rel="Delete" Href="https://localhost:9398/api/cloud/tenants/${TID}/subtenants/${SUB}" />
          <Link Rel="Up" Type="CloudTenant" Href="https://localhost:9398/api/cloud/tenants/${TID}?format=Entity" Name="ABC Company" />
          <Link Rel="Up" Type="BackupServer" Href="https://localhost:9398/api/backupServers/ca19249e-e638-421a-ab22-68cb89b9009a?format=Entity" Name="172.24.31.67" />
        </Links>
        <Name>User01</Name>
        <Description />
        <Password />
        <Enabled>true</Enabled>
        <RepositoryQuota Unlimited="true">
          <DisplayName>User01</DisplayName>
          <TenantResourceId>502686fc-44ea-4f8b-b5f6-7c11a90aa12d</TenantResourceId>
          <QuotaMb>1024</QuotaMb>
          <UsedQuotaMb>0</UsedQuotaMb>
          <QuotaId>52a1705e-cb79-481c-9209-245b12e17089</QuotaId>
        </RepositoryQuota>
      </CloudSubtenant>`;

const EXPECTED_SUBTENANT = {
  id: SUB,
  tenantId: TID,
  tenantName: "ABC Company",
  name: "User01",
  description: "",
  enabled: true,
  quota: { unlimited: true, displayName: "User01", tenantResourceId: "502686fc-44ea-4f8b-b5f6-7c11a90aa12d", quotaMb: 1024, usedQuotaMb: 0, quotaId: "52a1705e-cb79-481c-9209-245b12e17089" },
};

const subtenantJson = {
  Name: "User01",
  Description: "",
  Password: null,
  Enabled: "True",
  RepositoryQuota: { DisplayName: "User01", TenantResourceId: "502686fc-44ea-4f8b-b5f6-7c11a90aa12d", QuotaMb: 1024, UsedQuotaMb: 0, QuotaId: "52a1705e-cb79-481c-9209-245b12e17089", Unlimited: true },
  Id: SUB,
  Links: [{ Rel: "Up", Href: `https://localhost:9398/api/cloud/tenants/${TID}?format=Entity`, Name: "ABC Company", Type: "CloudTenant" }],
  Href: `https://localhost:9398/api/cloud/tenants/${TID}/subtenants/${SUB}`,
  Type: "CloudSubtenant",
};

function parse(text: string): unknown {
  return decodeBody(text).body;
}

describe("client codec: response bodies", () => {
  it("parses a CloudTenant query (XML) with one-item lists as lists", () => {
    const page = parseQueryResult(parse(TENANT_QUERY_XML), { singular: "CloudTenant", plural: "CloudTenants" });
    expect(page.entities).to.have.length(1);
    // The entity also names the backup server's id (its Up link); it has no throttling or task elements here.
    expect(parseCloudTenant(page.entities[0])).to.deep.equal({ ...EXPECTED_TENANT, backupServerId: "ca19249e-e638-421a-ab22-68cb89b9009a" });
    expect(page.paging).to.include({ pageNum: 1, pageSize: 100, pagesCount: 1 });
    expect(page.paging?.first).to.equal("https://localhost:9398/api/query?type=CloudTenant&format=Entities&pageSize=100&page=1");
    expect(page.paging?.next).to.equal(undefined);
  });

  it("parses the same CloudTenant from EM's JSON (wrapped, bare or single lists, nulls)", () => {
    const tenant = {
      Description: "Tenant account for AD user",
      Enabled: true,
      LeaseOptions: { Enabled: false },
      Resources: {
        CloudTenantResources: [
          { RepositoryQuota: { DisplayName: "Cloud repository 1", RepositoryUid: "urn:veeam:Repository:5236d23a-c8a9-4bbf-9e4a-26b4c63e339d", WanAcceleratorUid: "urn:veeam:WanAccelerator:3a2a5b97-6248-4b62-8310-e57239ecd44e", Quota: 10240, UsedQuota: 0 }, Id: "7c5a1a30-6478-4c99-9412-dae65f3b6a5f", Links: null, Href: "x", Type: "CloudTenantResource" },
        ],
      },
      ComputeResources: { CloudTenantComputeResources: null },
      TenantType: { StandaloneTenant: null, vCloudTenant: null, ADTenantType: { Account: "tech\\william.fox" } },
      Name: "tech\\william.fox",
      UID: `urn:veeam:CloudTenant:${T}`,
      Links: [{ Rel: "Up", Href: "https://localhost:9398/api/backupServers/ca", Name: "172.24.31.67", Type: "BackupServerReference" }],
      Href: `https://localhost:9398/api/cloud/tenants/${T}?format=Entity`,
      Type: "CloudTenant",
    };
    const shapes = [
      { Entities: { CloudTenants: { CloudTenants: [tenant] } }, PagingInfo: { PageNum: 1, PageSize: 100, PagesCount: 1, Links: [] } },
      { Entities: { CloudTenants: [tenant] }, PagingInfo: null },
      { Entities: { CloudTenants: { CloudTenants: tenant } } },
    ];
    for (const shape of shapes) {
      const page = parseQueryResult(parse(JSON.stringify(shape)), { singular: "CloudTenant", plural: "CloudTenants" });
      expect(page.entities.map(parseCloudTenant)).to.deep.equal([{ ...EXPECTED_TENANT, backupServerId: "ca" }]);
    }
    const standalone = parseCloudTenant({ ...tenant, TenantType: { StandaloneTenant: { TenantCredentials: { Username: "x", Password: null } }, vCloudTenant: null } } as Node);
    expect(standalone.type).to.equal("Standalone");
    expect(parseCloudTenant({ ...tenant, TenantType: { StandaloneTenant: null, vCloudTenant: { OrganizationName: "o" } } } as Node).type).to.equal("vCD");
    expect(parseCloudTenant({ ...tenant, Resources: { CloudTenantResources: null } } as Node).resources).to.deep.equal([]);
  });

  it("parses CloudSubtenant query results (Resources/CloudSubtenants) in XML and JSON, tenant from the Up link", () => {
    const xml = `<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Resources><CloudSubtenants>${SUBTENANT_XML}</CloudSubtenants></Resources>
      <PagingInfo PageNum="1" PageSize="1" PagesCount="3"><Links><Link Rel="First" Href="https://h/api/query?page=1" /><Link Rel="Next" Href="https://h/api/query?page=2" /><Link Rel="Last" Href="https://h/api/query?page=3" /></Links></PagingInfo></QueryResult>`;
    const page = parseQueryResult(parse(xml), { singular: "CloudSubtenant", plural: "CloudSubtenants" });
    expect(page.entities.map((n) => parseCloudSubtenant(n))).to.deep.equal([EXPECTED_SUBTENANT]);
    expect(page.paging).to.deep.include({ pageNum: 1, pagesCount: 3, next: "https://h/api/query?page=2" });
    for (const shape of [{ Resources: { CloudSubtenants: { CloudSubtenants: [subtenantJson] } } }, { Resources: { CloudSubtenants: [subtenantJson] } }]) {
      const p = parseQueryResult(parse(JSON.stringify(shape)), { singular: "CloudSubtenant", plural: "CloudSubtenants" });
      expect(p.entities.map((n) => parseCloudSubtenant(n))).to.deep.equal([EXPECTED_SUBTENANT]);
    }
    // No Up link: the tenant comes from the Href.
    const bare = parseCloudSubtenant({ ...subtenantJson, Links: null } as unknown as Node);
    expect(bare.tenantId).to.equal(TID);
    expect(bare.tenantName).to.equal("");
  });

  it("parses references (Refs/Ref) in XML and JSON", () => {
    const xml = `<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Refs><Ref Type="CloudTenantReference" Href="https://h/api/cloud/tenants/${T}" Name="ABC" UID="urn:veeam:CloudTenant:${T}"><Links><Link Rel="Alternate" Href="x" /></Links></Ref></Refs></QueryResult>`;
    const expected = [{ id: T, uid: `urn:veeam:CloudTenant:${T}`, name: "ABC", type: "CloudTenantReference", href: `https://h/api/cloud/tenants/${T}` }];
    expect(parseQueryResult(parse(xml)).refs).to.deep.equal(expected);
    const ref = { Links: [], UID: `urn:veeam:CloudTenant:${T}`, Name: "ABC", Href: `https://h/api/cloud/tenants/${T}`, Type: "CloudTenantReference" };
    expect(parseQueryResult(parse(JSON.stringify({ Refs: { Refs: [ref] } }))).refs).to.deep.equal(expected);
    expect(parseQueryResult(parse(JSON.stringify({ Refs: [ref] }))).refs).to.deep.equal(expected);
    expect(parseQueryResult(parse(JSON.stringify({ Refs: null }))).refs).to.deep.equal([]);
  });

  it("parses security bodies: account entity, roles of an account, scopes, role list", () => {
    const account = `<?xml version="1.0" encoding="utf-8"?>
<EnterpriseAccount xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Href="https://e:9398/api/security/accounts/d6701c3d-15f4-421d-b376-c0e2634bc1f4?format=Entity" Type="EnterpriseAccount" Name="TECH\\william.fox" UID="urn:veeam:EnterpriseAccount:d6701c3d-15f4-421d-b376-c0e2634bc1f4" xmlns="http://www.veeam.com/ent/v1.0">
  <Links><Link Href="https://e:9398/api/security/accounts/d6701c3d-15f4-421d-b376-c0e2634bc1f4" Rel="Delete" /></Links>
  <AccountType>User</AccountType>
  <AllowRestoreAllVms>true</AllowRestoreAllVms>
  <FlrSettings><FlrInplaceOnly>false</FlrInplaceOnly><FlrExtentionRestrictions /></FlrSettings>
  <SqlSettings><DenyInPlaceRestore>True</DenyInPlaceRestore></SqlSettings>
</EnterpriseAccount>`;
    expect(parseEnterpriseAccount(parse(account) as Node)).to.deep.equal({
      id: "d6701c3d-15f4-421d-b376-c0e2634bc1f4",
      uid: "urn:veeam:EnterpriseAccount:d6701c3d-15f4-421d-b376-c0e2634bc1f4",
      name: "TECH\\william.fox",
      accountType: "User",
      allowRestoreAllVms: true,
      flrSettings: { flrInplaceOnly: false },
      sqlSettings: { denyInPlaceRestore: true },
    });
    const roles = `<EnterpriseAccountInRoleList xmlns="http://www.veeam.com/ent/v1.0">
  <EnterpriseAccountInRole Href="https://e:9398/api/security/accounts/d6/roles/f84a8b62-49b8-4d0c-b25b-92321b52bab6">
    <Links><Link Href="https://e:9398/api/security/accounts/d6/roles/f84a8b62-49b8-4d0c-b25b-92321b52bab6" Rel="Delete" /></Links>
    <RoleName>File Restore Operator</RoleName>
  </EnterpriseAccountInRole></EnterpriseAccountInRoleList>`;
    expect(parseAccountRoles(parse(roles))).to.deep.equal([{ roleId: "f84a8b62-49b8-4d0c-b25b-92321b52bab6", roleName: "File Restore Operator" }]);
    expect(parseAccountRoles(parse(JSON.stringify({ EnterpriseAccountInRoles: [{ RoleName: "Portal User", Href: "https://e/api/security/accounts/d6/roles/d19a3d33" }] })))).to.deep.equal([{ roleId: "d19a3d33", roleName: "Portal User" }]);
    const scopes = `<EnterpriseAccountHierarchyScopes xmlns="http://www.veeam.com/ent/v1.0">
  <EnterpriseAccountHierarchyScope Href="https://e:9398/api/security/accounts/d6/scopes/db0fd3c6">
    <Links><Link Href="https://e:9398/api/security/accounts/d6/scopes/db0fd3c6" Rel="Delete" /></Links>
    <Name>172.24.145.152</Name><HierarchyRootName>24a1</HierarchyRootName><Platform>vCloud</Platform><HierarchyObjectType>VcdSystem</HierarchyObjectType><State>Processed</State>
  </EnterpriseAccountHierarchyScope></EnterpriseAccountHierarchyScopes>`;
    expect(parseAccountScopes(parse(scopes))).to.deep.equal([{ id: "db0fd3c6", name: "172.24.145.152", hierarchyRootName: "24a1", platform: "vCloud", hierarchyObjectType: "VcdSystem", state: "Processed" }]);
    const roleList = `<EntityReferences xmlns="http://www.veeam.com/ent/v1.0"><Ref UID="urn:veeam:EnterpriseRole:d19a3d33-cb77-4ffe-94e6-001432483a4e" Name="Portal User" Href="https://e/api/security/roles/d19a3d33-cb77-4ffe-94e6-001432483a4e" Type="EnterpriseRoleReference" /></EntityReferences>`;
    expect(parseRoles(parse(roleList))).to.deep.equal([{ id: "d19a3d33-cb77-4ffe-94e6-001432483a4e", uid: "urn:veeam:EnterpriseRole:d19a3d33-cb77-4ffe-94e6-001432483a4e", name: "Portal User" }]);
  });

  it("parses Tasks (running, finished with an empty Result, failed) and LogonSession", () => {
    const running = parseTask(parse(`<Task xmlns="http://www.veeam.com/ent/v1.0" Type="Task" Href="https://localhost:9398/api/tasks/task-1"><Links><Link Rel="Delete" Type="Task" Href="https://localhost:9398/api/tasks/task-1" /></Links><TaskId>task-1</TaskId><State>Running</State><Operation>AddCloudSubtenant</Operation></Task>`));
    expect(running).to.deep.equal({ taskId: "task-1", state: "Running", operation: "AddCloudSubtenant", href: "https://localhost:9398/api/tasks/task-1" });
    const empty = parseTask(parse(`<Task Href="h"><TaskId>task-29</TaskId><State>Finished</State><Operation>X</Operation><Result Success="true" /></Task>`));
    expect(empty.success).to.equal(true);
    expect(empty.message).to.equal(undefined);
    expect(parseTask(parse(JSON.stringify({ TaskId: "task-2", State: "Finished", Operation: "X", Result: { Message: "boom", Success: "False" }, Href: "h" })))).to.include({ success: false, message: "boom" });
    const logon = parseLogonSession(parse(`<LogonSession xmlns="http://www.veeam.com/ent/v1.0" Type="LogonSession" Href="https://localhost:9398/api/logonSessions/362da803"><Links><Link Rel="Up" Type="EnterpriseManager" Href="https://localhost:9398/api/" /><Link Rel="Delete" Type="LogonSession" Href="https://localhost:9398/api/logonSessions/362da803" /></Links><UserName>SRV36\\Administrator</UserName><SessionId>362da803</SessionId></LogonSession>`));
    expect(logon).to.deep.equal({ sessionId: "362da803", userName: "SRV36\\Administrator", href: "https://localhost:9398/api/logonSessions/362da803", deleteHref: "https://localhost:9398/api/logonSessions/362da803" });
  });

  it("parses Error bodies leniently", () => {
    expect(parseErrorBody(parse(`<Error xmlns="http://www.veeam.com/ent/v1.0" Message="Bad &amp; wrong" StatusCode="400" />`))).to.deep.equal({ message: "Bad & wrong", statusCode: 400 });
    expect(parseErrorBody(parse(`<Error><Message>m</Message><StatusCode>404</StatusCode></Error>`))).to.deep.equal({ message: "m", statusCode: 404 });
    expect(parseErrorBody(parse(`{"Message": "j", "StatusCode": 401}`))).to.deep.equal({ message: "j", statusCode: 401 });
    expect(parseErrorBody("plain text")).to.deep.equal({ message: "plain text" });
  });

  it("rejects bodies that are not XML or JSON with a short reason, never a parser crash", () => {
    expect(() => decodeBody("")).to.throw(/empty/);
    expect(() => decodeBody("<QueryResult><Refs>")).to.throw(/malformed XML/);
    expect(() => decodeBody('{"Refs": [')).to.throw(/malformed JSON/);
    expect(() => decodeBody("Service Unavailable")).to.throw(/neither XML nor JSON/);
    expect(() => parseTask(parse("<html><body>proxy</body></html>"))).to.throw(/missing Task TaskId/);
  });
});
