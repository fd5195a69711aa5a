import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient, EmSettingsError, normalizeBaseUrl } from "../../provider/client";
import { clientFor, emulator } from "./helpers";

describe("client: security accounts, roles and scopes (emulator)", () => {
  let em: Emulator;
  beforeEach(async () => {
    em = await emulator();
  });
  afterEach(async () => {
    await em.stop();
  });

  for (const format of ["xml", "json"] as const) {
    it(`creates an account, changes its roles, scope and restore-all flag, and deletes it (${format})`, async () => {
      const client = clientFor(em, { format });
      const roles = await client.listRoles();
      const byName = (n: string) => roles.find((r) => r.name === n)!;
      expect(byName("Portal User").uid).to.equal(`urn:veeam:EnterpriseRole:${byName("Portal User").id}`);
      const fileRestore = roles.find((r) => r.id === "f84a8b62-49b8-4d0c-b25b-92321b52bab6")!;
      const vmRestore = byName("VM Restore Operator");

      await client.createAccount({
        accountType: "User",
        accountName: "TECH\\mary.smith",
        roles: [fileRestore.uid],
        allowRestoreAllVms: false,
        hierarchyScopeObjects: [{ hierarchyObjRef: "urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-7870", objectName: "VM01" }],
        flrSettings: { flrInplaceOnly: true, flrExtentionRestrictions: "doc,pptx" },
        sqlSettings: { denyInPlaceRestore: true },
      });
      const account = await client.findAccountByName("tech\\MARY.smith");
      expect(account).to.deep.include({ name: "TECH\\mary.smith", accountType: "User", allowRestoreAllVms: false });
      expect(account?.flrSettings).to.deep.equal({ flrInplaceOnly: true, flrExtentionRestrictions: "doc,pptx" });
      expect(account?.sqlSettings).to.deep.equal({ denyInPlaceRestore: true });
      const id = account!.id;
      expect(await client.getAccount(id)).to.deep.equal(account);
      expect((await client.listAccounts()).map((a) => a.name)).to.include("TECH\\mary.smith");

      expect(await client.listAccountRoles(id)).to.deep.equal([{ roleId: fileRestore.id, roleName: fileRestore.name }]);
      await client.addAccountRole(id, vmRestore.uid);
      expect((await client.listAccountRoles(id)).map((r) => r.roleId).sort()).to.deep.equal([fileRestore.id, vmRestore.id].sort());
      await client.removeAccountRole(id, fileRestore.id);
      expect((await client.listAccountRoles(id)).map((r) => r.roleName)).to.deep.equal([vmRestore.name]);

      const scopes = await client.listAccountScopes(id);
      expect(scopes.map((s) => s.name)).to.deep.equal(["VM01"]);
      await client.addAccountScopes(id, [{ hierarchyObjRef: "urn:VMware:Vm:a2b0c55d-829a-4efe-bd95-125ee77ba9dd.vm-15309", objectName: "SQLSRV" }]);
      const two = await client.listAccountScopes(id);
      expect(two.map((s) => s.name).sort()).to.deep.equal(["SQLSRV", "VM01"]);
      await client.removeAccountScope(id, two.find((s) => s.name === "VM01")!.id);
      expect((await client.listAccountScopes(id)).map((s) => s.name)).to.deep.equal(["SQLSRV"]);

      await client.toggleAllowRestoreAllVms(id);
      expect((await client.getAccount(id))?.allowRestoreAllVms).to.equal(true);

      await client.deleteAccount(id);
      expect(await client.getAccount(id)).to.equal(undefined);
      expect(await client.findAccountByName("TECH\\mary.smith")).to.equal(undefined);
      await client.deleteAccount(id); // already gone
      await client.close();
    });
  }
});

describe("client: settings", () => {
  const admin = { kind: "admin" as const, username: "u", password: "secret-pw" };

  it("normalizes the base URL to end in /api/", () => {
    expect(normalizeBaseUrl("https://em:9398/api/")).to.equal("https://em:9398/api/");
    expect(normalizeBaseUrl("https://em:9398/api")).to.equal("https://em:9398/api/");
    expect(normalizeBaseUrl("https://em:9398")).to.equal("https://em:9398/api/");
    expect(normalizeBaseUrl("https://em:9398/")).to.equal("https://em:9398/api/");
    expect(normalizeBaseUrl("https://proxy/em/")).to.equal("https://proxy/em/api/");
  });

  it("names the field, the problem and what is allowed", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ url: "em:9398", credentials: admin }, /'url'.*scheme|'url'.*absolute/],
      [{ url: "ftp://em/", credentials: admin }, /'url': the scheme 'ftp' is not supported/],
      [{ url: "https://u:p@em/api/", credentials: admin }, /'url': it contains user credentials/],
      [{ url: "https://em/api/", credentials: { kind: "root" } }, /'credentials.kind': got "root". Allowed: "admin", "tenant", "vcd"/],
      [{ url: "https://em/api/", credentials: { kind: "tenant", tenantName: "", password: "x" } }, /'credentials.tenantName'/],
      [{ url: "https://em/api/", credentials: { kind: "vcd", organization: "o", login: "l" } }, /'credentials.password': it is missing/],
      [{ url: "https://em/api/", credentials: admin, format: "yaml" }, /'format': got "yaml". Allowed: "xml", "json"/],
      [{ url: "https://em/api/", credentials: admin, apiVersion: "2" }, /'apiVersion'/],
      [{ url: "https://em/api/", credentials: admin, requestTimeoutMs: -1 }, /'requestTimeoutMs'/],
      [{ url: "https://em/api/", credentials: admin, caCertPath: "/no/such/ca.pem" }, /'caCertPath': cannot read '\/no\/such\/ca.pem'/],
      [{ url: "https://em/api/", credentials: admin, retry: { retries: 100 } }, /'retry.retries'/],
    ];
    for (const [settings, message] of bad) {
      let err: unknown;
      try {
        new EmClient(settings as never);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(settings)).to.be.instanceOf(EmSettingsError);
      expect((err as Error).message).to.match(message);
      expect((err as Error).message).not.to.contain("secret-pw");
    }
  });
});
