import { expect } from "chai";
import { connectionSettings } from "../../provider/resources/connection";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("connection settings from stack config and environment", () => {
  it("reads the veeam-em namespace, preferring stack config over the environment", () => {
    const settings = connectionSettings(config({ "veeam-em:url": "https://em:9398/api/", "veeam-em:username": "admin", "veeam-em:password": "cfg", "veeam-em:format": "json", "veeam-em:taskTimeoutSeconds": "90" }), { VEEAM_EM_PASSWORD: "env", VEEAM_EM_CA_CERT: "/etc/ca.pem" });
    expect(settings).to.deep.include({ url: "https://em:9398/api/", format: "json", taskTimeoutMs: 90000, caCertPath: "/etc/ca.pem" });
    expect(connectionSettings(undefined, { VEEAM_EM_URL: "u", VEEAM_EM_USERNAME: "a", VEEAM_EM_PASSWORD: "p", VEEAM_EM_REQUEST_TIMEOUT_SECONDS: "2.5" }).requestTimeoutMs).to.equal(2500);
    expect(() => connectionSettings(undefined, { VEEAM_EM_URL: "u", VEEAM_EM_USERNAME: "a", VEEAM_EM_PASSWORD: "p", VEEAM_EM_REQUEST_TIMEOUT_SECONDS: "soon" })).to.throw(/requestTimeoutSeconds must be a number of seconds greater than 0 and at most 3600, got 'soon'/);
    expect(settings.credentials).to.deep.equal({ kind: "admin", username: "admin", password: "cfg" });
  });

  it("falls back to VEEAM_EM_* variables", () => {
    const settings = connectionSettings(undefined, { VEEAM_EM_URL: "https://em/api/", VEEAM_EM_USERNAME: "u", VEEAM_EM_PASSWORD: "p", VEEAM_EM_INSECURE_SKIP_TLS_VERIFY: "true" });
    expect(settings.insecureSkipTlsVerify).to.equal(true);
    expect(settings.credentials).to.deep.equal({ kind: "admin", username: "u", password: "p" });
  });

  it("logs on as a tenant or a vCD organization user when those are configured", () => {
    expect(connectionSettings(config({ "veeam-em:url": "u", "veeam-em:tenantName": "ABC Company", "veeam-em:password": "p" }), {}).credentials).to.deep.equal({ kind: "tenant", tenantName: "ABC Company", password: "p" });
    expect(connectionSettings(config({ "veeam-em:url": "u", "veeam-em:vcdOrganization": "vCDOrg1", "veeam-em:username": "user01", "veeam-em:password": "p" }), {}).credentials).to.deep.equal({
      kind: "vcd",
      organization: "vCDOrg1",
      login: "user01",
      password: "p",
    });
  });

  it("says which setting is missing and how to set it, without echoing values", () => {
    expect(() => connectionSettings(undefined, {})).to.throw(/url is not set .*pulumi config set veeam-em:url.*VEEAM_EM_URL/);
    expect(() => connectionSettings(config({ "veeam-em:url": "u" }), {})).to.throw(/password is not set .*pulumi config set --secret veeam-em:password/);
    expect(() => connectionSettings(config({ "veeam-em:url": "u", "veeam-em:username": "a", "veeam-em:password": "hunter2", "veeam-em:format": "yaml" }), {})).to.throw(/format must be xml or json, got 'yaml'/);
    try {
      connectionSettings(config({ "veeam-em:url": "u", "veeam-em:password": "hunter2" }), {});
      expect.fail("a missing user name must be an error");
    } catch (err) {
      expect((err as Error).message).to.contain("username is not set");
      expect((err as Error).message).not.to.contain("hunter2");
    }
  });
});
