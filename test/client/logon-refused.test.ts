/** A refused logon says whose it was and where its credentials were set; the administrator's password is never masked into EM's words. */
import { expect } from "chai";
import { emHttp, EmError, type Emulator } from "../../emulator/server";
import { EmApiError, EmClient, type ConnectionSettings } from "../../provider/client";
import { connectionSettings, settingsOfConnection } from "../../provider/resources/connection";
import { clockOf, emulator } from "./helpers";

/** The logon `settings` make, against `em` and on its clock. */
async function logonError(em: Emulator, settings: ConnectionSettings): Promise<EmApiError> {
  const client = new EmClient(settings, { clock: clockOf(em) });
  try {
    await client.logon();
  } catch (err) {
    expect(err).to.be.instanceOf(EmApiError);
    return err as EmApiError;
  } finally {
    await client.close();
  }
  throw new Error("the logon was not refused");
}

describe("client: a refused logon, and what the Redactor masks of the EM password", () => {
  let em: Emulator;
  beforeEach(async () => {
    // "tenant": an administrator password that is also a word of EM's messages ("Cloud tenant '…' was not found").
    em = await emulator({ taskDurationMs: 10, adminPassword: "tenant" });
  });
  afterEach(async () => {
    await em.stop();
  });

  it("names the user and the settings the credentials came from (stack config or environment), never the password", async () => {
    const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });
    const fromConfig = await logonError(em, connectionSettings(config({ "veeam-em:url": em.url, "veeam-em:username": "CORP\\svc-pulumi", "veeam-em:password": "Wr0ng-Passw0rd" }), {}));
    expect(fromConfig.kind).to.equal("auth");
    expect(fromConfig.message).to.include("EM refused the logon of user 'CORP\\svc-pulumi': check the user name and password (set in veeam-em:username and veeam-em:password)");
    expect(fromConfig.message).to.include("Portal Administrator");
    expect(fromConfig.message).to.not.include("Wr0ng-Passw0rd");

    const fromEnv = await logonError(em, connectionSettings(config({ "veeam-em:url": em.url, "veeam-em:username": "admin" }), { VEEAM_EM_PASSWORD: "Wr0ng-Passw0rd" }));
    expect(fromEnv.message).to.include("EM refused the logon of user 'admin': check the user name and password (set in veeam-em:username and VEEAM_EM_PASSWORD)");

    const declared = await logonError(em, settingsOfConnection({ url: em.url, username: "admin", password: "Wr0ng-Passw0rd" }));
    expect(declared.message).to.include("(set in the connection's username and password)");

    const tenant = await logonError(em, { url: em.url, credentials: { kind: "tenant", tenantName: "ABC Company", password: "Wr0ng-Passw0rd" } });
    expect(tenant.message).to.include("EM refused the logon of tenant 'ABC Company': check the user name and password;");
  });

  it("leaves EM's message whole when the administrator's password is one of its words: EM never sees it outside the Basic header", async () => {
    const client = new EmClient({ url: em.url, credentials: { kind: "admin", username: "admin", password: "tenant" } }, { clock: clockOf(em) });
    try {
      const err = await client.request({ method: "GET", path: "/cloud/tenants/00000000-0000-0000-0000-000000000000", expect: [200] }).then(
        () => undefined,
        (e: unknown) => e as EmApiError,
      );
      expect(err?.status).to.equal(404);
      expect(err?.emMessage).to.equal("Cloud tenant '00000000-0000-0000-0000-000000000000' was not found");
    } finally {
      await client.close();
    }
  });

  it("masks the Basic header's value wherever an answer quotes it (a proxy echoing the request, say)", async () => {
    const echo = await emulator({
      adminPassword: "tenant",
      handlers: [emHttp.post("/sessionMngr/", (ctx) => { throw new EmError(401, `refused ${String(ctx.headers.authorization)}`); }, { access: "anonymous" })],
    });
    try {
      const err = await logonError(echo, { url: echo.url, credentials: { kind: "admin", username: "admin", password: "tenant" } });
      expect(err.emMessage).to.equal("refused Basic ***");
      expect(err.message).to.not.include(Buffer.from("admin:tenant").toString("base64"));
    } finally {
      await echo.stop();
    }
  });
});
