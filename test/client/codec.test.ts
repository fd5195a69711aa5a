import { expect } from "chai";
import {
  cloudSubtenantCreateSpec,
  cloudSubtenantEditSpec,
  decodeBody,
  decodeCloudSubtenantCreateSpec,
  decodeCloudSubtenantEditSpec,
  decodeEnterpriseAccountCreateSpec,
  decodeEnterpriseAccountInRoleCreateSpec,
  decodeHierarchyScopeCreateSpec,
  decodeLoginSpec,
  encodeBody,
  enterpriseAccountCreateSpec,
  enterpriseAccountInRoleCreateSpec,
  hierarchyScopeCreateSpec,
  loginSpec,
  type Node,
  type CloudSubtenantCreateSpec,
  type CloudSubtenantEditSpec,
  type EnterpriseAccountCreateSpec,
} from "../../provider/client/codec";
import type { WireFormat } from "../../provider/client/settings";

/** Whitespace between tags dropped, "<X />" and "<X/>" the same. */
export function squash(xml: string): string {
  return xml.replace(/>\s+</g, "><").replace(/\s+\/>/g, "/>").trim();
}

function body(text: string): Node {
  return decodeBody(text).body as Node;
}

// ---- verbatim request bodies from EM's reference pages (the seed pages) ----

const SEED_003_XML = `<?xml version="1.0" encoding="utf-8"?>
<CloudSubtenantCreateSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <Name>ABC Company User 02</Name>
 <Description>ABC Company Laptop User</Description>
 <Password>12345678</Password>
 <Enabled>true</Enabled>
 <TenantResourceId>11c59670-23df-448c-a4b3-74c42669633e</TenantResourceId>
 <QuotaName>User1Quota</QuotaName>
 <QuotaMb>10240</QuotaMb>
 <UnlimitedQuota>true</UnlimitedQuota>
</CloudSubtenantCreateSpec>`;

const SEED_003_JSON = `{
 "Name": "ABC Company User 02",
 "Description": "ABC Company Laptop User",
 "Password": "12345678",
 "Enabled": true,
 "TenantResourceId": "11c59670-23df-448c-a4b3-74c42669633e",
 "QuotaName": "User1Quota",
 "QuotaMb": 10240,
 "UnlimitedQuota": true
}`;

const SEED_003_SPEC: CloudSubtenantCreateSpec = {
  name: "ABC Company User 02",
  description: "ABC Company Laptop User",
  password: "12345678",
  enabled: true,
  tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e",
  quotaName: "User1Quota",
  quotaMb: 10240,
  unlimitedQuota: true,
};

const SEED_004_XML_REPRESENTATION = `<?xml version="1.0" encoding="utf-8"?>
<EnterpriseAccountCreateSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <AccountType>User</AccountType>
 <AccountName>TECH\\william.fox</AccountName>
 <Roles>
   <EnterpriseRole>
     <EnterpriseRoleUid>urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6</EnterpriseRoleUid>
   </EnterpriseRole>
 </Roles>
 <AllowRestoreAllVms>false</AllowRestoreAllVms>
 <HierarchyScopeObjects>
   <HierarchyScopeItem>
     <HierarchyObjRef/>
     <ObjectName/>
   </HierarchyScopeItem>
 </HierarchyScopeObjects>
</EnterpriseAccountCreateSpec>`;

const SEED_004_JSON_REPRESENTATION = `{
 "AccountType": "User",
 "AccountName": "TECH\\\\william.fox",
 "Roles": {
   "EnterpriseRoles": [
     {
       "EnterpriseRoleUid": "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6"
     }
   ]
 },
 "AllowRestoreAllVms": false,
 "HierarchyScopeObjects": {
   "HierarchyScopeItems": [
     {
       "HierarchyObjRef": "",
       "ObjectName": ""
     }
   ]
 }
}`;

const SEED_004_SPEC: EnterpriseAccountCreateSpec = {
  accountType: "User",
  accountName: "TECH\\william.fox",
  roles: ["urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6"],
  allowRestoreAllVms: false,
  hierarchyScopeObjects: [{ hierarchyObjRef: "", objectName: "" }],
};

const SEED_004_EXAMPLE_XML = `<?xml version="1.0" encoding="utf-8"?>
<EnterpriseAccountCreateSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <AccountType>User</AccountType>
 <AccountName>VEEAM\\User</AccountName>
 <Roles>
   <EnterpriseRole>
     <EnterpriseRoleUid>urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6</EnterpriseRoleUid>
   </EnterpriseRole>
  </Roles>
 <AllowRestoreAllVms>true</AllowRestoreAllVms>
</EnterpriseAccountCreateSpec>`;

/** PUT /cloud/tenants/{id}/subtenants/{id} example (docs/em-api-cloud.md §1.4). */
const DOC_PUT_XML = `<?xml version="1.0" encoding="utf-8"?>
<CloudSubtenant Href="https://localhost:9398/api/cloud/tenants/28ddf9b9-12fa-431a-a34c-a327f05c3920/subtenants/0eb0c130-d91a-4e05-9403-ac2ded0fc1ea" Type="CloudSubtenant" Id="0eb0c130-d91a-4e05-9403-ac2ded0fc1ea" xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Name>ABC Company User 01</Name>
  <Description>ABC Company PC User</Description>
  <Password/>
  <Enabled>true</Enabled>
  <RepositoryQuota Unlimited="false">
    <DisplayName>Cloud Vol User 01</DisplayName>
    <TenantResourceId>11c59670-23df-448c-a4b3-74c42669633e</TenantResourceId>
    <QuotaMb>20480</QuotaMb>
    <UsedQuotaMb>0</UsedQuotaMb>
  </RepositoryQuota>
</CloudSubtenant>`;

const DOC_PUT_JSON = `{
  "Name": "ABC Company User 01",
  "Description": "ABC Company PC User",
  "Password": "",
  "Enabled": true,
  "RepositoryQuota": {
    "DisplayName": "Cloud Vol User 01",
    "TenantResourceId": "11c59670-23df-448c-a4b3-74c42669633e",
    "QuotaMb": 10240,
    "UsedQuotaMb": 0,
    "Unlimited": true
  },
  "Id": "0eb0c130-d91a-4e05-9403-ac2ded0fc1ea",
  "Href": "https://localhost:9398/api/cloud/tenants/28ddf9b9-12fa-431a-a34c-a327f05c3920/subtenants/0eb0c130-d91a-4e05-9403-ac2ded0fc1ea",
  "Type": "CloudSubtenant"
}`;

const DOC_PUT_SPEC: CloudSubtenantEditSpec = {
  href: "https://localhost:9398/api/cloud/tenants/28ddf9b9-12fa-431a-a34c-a327f05c3920/subtenants/0eb0c130-d91a-4e05-9403-ac2ded0fc1ea",
  id: "0eb0c130-d91a-4e05-9403-ac2ded0fc1ea",
  name: "ABC Company User 01",
  description: "ABC Company PC User",
  password: "",
  enabled: true,
  repositoryQuota: { unlimited: false, displayName: "Cloud Vol User 01", tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e", quotaMb: 20480, usedQuotaMb: 0 },
};

const SEED_000_TENANT_LOGIN = `<?xml version="1.0" encoding="utf-8"?>
<LoginSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <TenantCredentials>
   <Username>ABC Company</Username>
   <Password>P@ssw0rd</Password>
 </TenantCredentials>
</LoginSpec>`;

const SEED_000_VCD_LOGIN = `<LoginSpec xmlns="http://www.veeam.com/ent/v1.0">
   <VCloudOrganizationCredentials>
       <OrganizationName>vCDOrg1</OrganizationName>
       <Login>user01</Login>
       <Password>Qwe123</Password>
   </VCloudOrganizationCredentials>
</LoginSpec>`;

const DOC_SCOPES_XML = `<?xml version="1.0" encoding="utf-8"?>
<HierarchyScopeCreateSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <HierarchyScopeItem>
    <HierarchyObjRef>urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-15309</HierarchyObjRef>
    <ObjectName>SQLSRV</ObjectName>
  </HierarchyScopeItem>
  <HierarchyScopeItem>
    <HierarchyObjRef>urn:NasBackup:FileServer:541178f4-5335-46cb-b7bc-8fbb4a944307.541178f4-5335-46cb-b7bc-8fbb4a944307</HierarchyObjRef>
    <ObjectName>\\\\enterprise05.tech.local\\SMB Share</ObjectName>
  </HierarchyScopeItem>
</HierarchyScopeCreateSpec>`;

const DOC_ROLE_XML = `<?xml version="1.0" encoding="utf-8"?>
<EnterpriseAccountInRoleCreateSpec xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <EnterpriseRoleUid>urn:veeam:EnterpriseRole:c11c0c38-ba8b-49c7-bf70-fc2058fff1e2</EnterpriseRoleUid>
</EnterpriseAccountInRoleCreateSpec>`;

describe("client codec: request bodies", () => {
  describe("reproduce EM's reference examples element for element", () => {
    it("seed 003 CloudSubtenantCreateSpec (XML and JSON)", () => {
      expect(squash(encodeBody(cloudSubtenantCreateSpec(SEED_003_SPEC), "xml"))).to.equal(squash(SEED_003_XML));
      expect(JSON.parse(encodeBody(cloudSubtenantCreateSpec(SEED_003_SPEC), "json"))).to.deep.equal(JSON.parse(SEED_003_JSON));
      expect(encodeBody(cloudSubtenantCreateSpec(SEED_003_SPEC), "json")).to.equal(JSON.stringify(JSON.parse(SEED_003_JSON)), "key order too");
    });

    it("seed 004 EnterpriseAccountCreateSpec representation (XML and JSON, empty scope elements kept)", () => {
      expect(squash(encodeBody(enterpriseAccountCreateSpec(SEED_004_SPEC), "xml"))).to.equal(squash(SEED_004_XML_REPRESENTATION));
      expect(encodeBody(enterpriseAccountCreateSpec(SEED_004_SPEC), "json")).to.equal(JSON.stringify(JSON.parse(SEED_004_JSON_REPRESENTATION)));
    });

    it("seed 004 example request (VEEAM\\User, all VMs)", () => {
      const spec: EnterpriseAccountCreateSpec = { accountType: "User", accountName: "VEEAM\\User", roles: ["urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6"], allowRestoreAllVms: true };
      expect(squash(encodeBody(enterpriseAccountCreateSpec(spec), "xml"))).to.equal(squash(SEED_004_EXAMPLE_XML));
    });

    it("seed 004 FlrSettings and SqlSettings fragments, in EM's order after HierarchyScopeObjects", () => {
      const xml = encodeBody(
        enterpriseAccountCreateSpec({
          accountType: "Group",
          accountName: "TECH\\restore ops",
          roles: ["urn:veeam:EnterpriseRole:c11c0c38-ba8b-49c7-bf70-fc2058fff1e2", "urn:veeam:EnterpriseRole:f84a8b62-49b8-4d0c-b25b-92321b52bab6"],
          allowRestoreAllVms: false,
          hierarchyScopeObjects: [{ hierarchyObjRef: "urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-7870", objectName: "VM01" }],
          flrSettings: { flrInplaceOnly: true, flrExtentionRestrictions: "doc,pptx" },
          sqlSettings: { denyInPlaceRestore: true },
        }),
        "xml",
      );
      const s = squash(xml);
      expect(s).to.contain(
        squash(`<HierarchyScopeObjects>
   <HierarchyScopeItem>
     <HierarchyObjRef>urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-7870</HierarchyObjRef>
     <ObjectName>VM01</ObjectName>
   </HierarchyScopeItem>
 </HierarchyScopeObjects><FlrSettings>
     <FlrInplaceOnly>true</FlrInplaceOnly>
     <FlrExtentionRestrictions>doc,pptx</FlrExtentionRestrictions>
 </FlrSettings><SqlSettings>
     <DenyInPlaceRestore>true</DenyInPlaceRestore>
 </SqlSettings></EnterpriseAccountCreateSpec>`),
      );
      expect(s.indexOf("<AccountType>")).to.be.lessThan(s.indexOf("<AccountName>"));
      expect(s.indexOf("<AccountName>")).to.be.lessThan(s.indexOf("<Roles>"));
      expect(s.indexOf("</Roles>")).to.be.lessThan(s.indexOf("<AllowRestoreAllVms>"));
      expect(s.match(/<EnterpriseRole>/g)).to.have.length(2);
    });

    it("PUT subtenant body is the CloudSubtenant entity with EM's element order (XML and JSON)", () => {
      expect(decodeCloudSubtenantEditSpec(body(DOC_PUT_XML))).to.deep.equal(DOC_PUT_SPEC);
      const mine = squash(encodeBody(cloudSubtenantEditSpec(DOC_PUT_SPEC), "xml"));
      const elementsOf = (x: string) => squash(x).replace(/^<\?xml[^>]*\?>/, "").replace(/<CloudSubtenant [^>]*>/, "<CloudSubtenant>");
      expect(elementsOf(mine)).to.equal(elementsOf(DOC_PUT_XML));
      expect(mine).to.match(/<CloudSubtenant xmlns="http:\/\/www.veeam.com\/ent\/v1.0"[^>]* Href="[^"]+" Type="CloudSubtenant" Id="0eb0c130-d91a-4e05-9403-ac2ded0fc1ea">/);
      const jsonSpec = { ...DOC_PUT_SPEC, repositoryQuota: { ...DOC_PUT_SPEC.repositoryQuota!, unlimited: true, quotaMb: 10240 } };
      expect(encodeBody(cloudSubtenantEditSpec(jsonSpec), "json")).to.equal(JSON.stringify(JSON.parse(DOC_PUT_JSON)));
    });

    it("PUT body without identifying attributes and with only a quota change", () => {
      const xml = encodeBody(cloudSubtenantEditSpec({ repositoryQuota: { unlimited: true, quotaMb: 2048 } }), "xml");
      expect(squash(xml)).to.contain(`<CloudSubtenant xmlns="http://www.veeam.com/ent/v1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><RepositoryQuota Unlimited="true"><QuotaMb>2048</QuotaMb></RepositoryQuota></CloudSubtenant>`);
      expect(JSON.parse(encodeBody(cloudSubtenantEditSpec({ repositoryQuota: { unlimited: true, quotaMb: 2048 } }), "json"))).to.deep.equal({ RepositoryQuota: { QuotaMb: 2048, Unlimited: true } });
    });

    it("seed 000 LoginSpec for standalone and vCD tenants", () => {
      expect(squash(encodeBody(loginSpec({ kind: "tenant", username: "ABC Company", password: "P@ssw0rd" }), "xml"))).to.equal(squash(SEED_000_TENANT_LOGIN));
      const vcd = encodeBody(loginSpec({ kind: "vcd", organizationName: "vCDOrg1", login: "user01", password: "Qwe123" }), "xml");
      expect(squash(vcd).replace(/^<\?xml[^>]*\?>/, "").replace(/ xmlns:xs[di]="[^"]*"/g, "")).to.equal(squash(SEED_000_VCD_LOGIN));
    });

    it("scope and role specs (docs examples)", () => {
      const scopes = hierarchyScopeCreateSpec({
        items: [
          { hierarchyObjRef: "urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-15309", objectName: "SQLSRV" },
          { hierarchyObjRef: "urn:NasBackup:FileServer:541178f4-5335-46cb-b7bc-8fbb4a944307.541178f4-5335-46cb-b7bc-8fbb4a944307", objectName: "\\\\enterprise05.tech.local\\SMB Share" },
        ],
      });
      expect(squash(encodeBody(scopes, "xml"))).to.equal(squash(DOC_SCOPES_XML));
      expect(JSON.parse(encodeBody(scopes, "json"))).to.deep.equal({
        HierarchyScopeItems: [
          { HierarchyObjRef: "urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-15309", ObjectName: "SQLSRV" },
          { HierarchyObjRef: "urn:NasBackup:FileServer:541178f4-5335-46cb-b7bc-8fbb4a944307.541178f4-5335-46cb-b7bc-8fbb4a944307", ObjectName: "\\\\enterprise05.tech.local\\SMB Share" },
        ],
      });
      const role = enterpriseAccountInRoleCreateSpec({ enterpriseRoleUid: "urn:veeam:EnterpriseRole:c11c0c38-ba8b-49c7-bf70-fc2058fff1e2" });
      expect(squash(encodeBody(role, "xml"))).to.equal(squash(DOC_ROLE_XML));
      expect(encodeBody(role, "json")).to.equal(`{"EnterpriseRoleUid":"urn:veeam:EnterpriseRole:c11c0c38-ba8b-49c7-bf70-fc2058fff1e2"}`);
    });
  });

  describe("round trips through XML and JSON", () => {
    const tricky = `A & B <"quoted"> 'x' \\ TECH\\william.fox ü`;
    for (const format of ["xml", "json"] as WireFormat[]) {
      it(`every spec survives ${format}`, () => {
        const create: CloudSubtenantCreateSpec = { name: tricky, password: "p&<>\"'", tenantResourceId: "r1", unlimitedQuota: false, quotaMb: 1024 };
        expect(decodeCloudSubtenantCreateSpec(body(encodeBody(cloudSubtenantCreateSpec(create), format)))).to.deep.equal(create);
        expect(decodeCloudSubtenantCreateSpec(body(encodeBody(cloudSubtenantCreateSpec(SEED_003_SPEC), format)))).to.deep.equal(SEED_003_SPEC);

        for (const edit of [DOC_PUT_SPEC, { description: tricky, password: "", enabled: false }, { repositoryQuota: { unlimited: true, quotaMb: 1024 } }] as CloudSubtenantEditSpec[]) {
          expect(decodeCloudSubtenantEditSpec(body(encodeBody(cloudSubtenantEditSpec(edit), format)))).to.deep.equal(edit);
        }

        const account: EnterpriseAccountCreateSpec = {
          accountType: "ExternalGroup",
          accountName: tricky,
          roles: ["urn:veeam:EnterpriseRole:a", "urn:veeam:EnterpriseRole:b"],
          allowRestoreAllVms: false,
          hierarchyScopeObjects: [{ hierarchyObjRef: "urn:VMware:Vm:x.vm-1", objectName: "VM <1>" }, { objectName: "only a name" }],
          flrSettings: { flrInplaceOnly: true, flrExtentionRestrictions: "doc,pdf" },
          sqlSettings: { denyInPlaceRestore: false },
        };
        for (const a of [account, SEED_004_SPEC, { accountType: "User", accountName: "X\\y", roles: ["urn:veeam:EnterpriseRole:a"], allowRestoreAllVms: true, flrSettings: { flrInplaceOnly: false } }] as EnterpriseAccountCreateSpec[]) {
          expect(decodeEnterpriseAccountCreateSpec(body(encodeBody(enterpriseAccountCreateSpec(a), format)))).to.deep.equal(a);
        }

        expect(decodeEnterpriseAccountInRoleCreateSpec(body(encodeBody(enterpriseAccountInRoleCreateSpec({ enterpriseRoleUid: "urn:veeam:EnterpriseRole:z" }), format)))).to.deep.equal({ enterpriseRoleUid: "urn:veeam:EnterpriseRole:z" });
        const scopes = { items: [{ hierarchyObjRef: "urn:a", objectName: tricky }] };
        expect(decodeHierarchyScopeCreateSpec(body(encodeBody(hierarchyScopeCreateSpec(scopes), format)))).to.deep.equal(scopes);
        for (const l of [{ kind: "tenant", username: tricky, password: "pw&<" }, { kind: "vcd", organizationName: "vCDOrg1", login: "user01", password: "Qwe123" }] as const) {
          expect(decodeLoginSpec(body(encodeBody(loginSpec(l), format)))).to.deep.equal(l);
        }
      });
    }

    it("escapes &, < and > in XML text", () => {
      const xml = encodeBody(cloudSubtenantCreateSpec({ name: "a&b<c>d", password: "x", tenantResourceId: "r", unlimitedQuota: true }), "xml");
      expect(xml).to.contain("<Name>a&amp;b&lt;c&gt;d</Name>");
      expect(xml).not.to.contain("a&b");
    });
  });
});
