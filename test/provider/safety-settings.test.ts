/**
 * Issue 9 defects 7 and 8 and issue 10.1 (provider side): bad connection settings are refused with a message that
 * names the setting, the problem and what is allowed; tenant and vCD logons are refused before any request.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import type { EnterpriseAccountInputs } from "../../provider/resources/account/inputs";
import { getCloudTenant, getRole } from "../../provider/lookups";
import { connectionSettings } from "../../provider/resources/connection";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import type { SubtenantInputs } from "../../provider/resources/subtenant/inputs";
import { ABC_RESOURCE, emulatorFor, poolOn } from "./support";
import { clockOf, VirtualClock } from "../support/virtual-clock";

const BASE = { VEEAM_EM_URL: "https://em.example.com:9398/api/", VEEAM_EM_USERNAME: "admin", VEEAM_EM_PASSWORD: "Env-Secret-55" };
const SUBTENANT = { tenantName: "ABC Company", name: "s1", password: "Subtenant-Pass-1", description: "", enabled: true, tenantResourceId: ABC_RESOURCE, quotaMb: 2048, unlimitedQuota: false } as SubtenantInputs;

/** [what, environment changes, setting named, problem, what is allowed] */
const BAD: Array<[string, Record<string, string | undefined>, string, RegExp, RegExp]> = [
  ["a request timeout Node's timers cannot hold", { VEEAM_EM_REQUEST_TIMEOUT_SECONDS: "2147484" }, "requestTimeoutSeconds", /got '2147484'/, /greater than 0 and at most 3600/],
  ["a request timeout that is not a number", { VEEAM_EM_REQUEST_TIMEOUT_SECONDS: "soon" }, "requestTimeoutSeconds", /got 'soon'/, /number of seconds/],
  ["a task timeout of 0", { VEEAM_EM_TASK_TIMEOUT_SECONDS: "0" }, "taskTimeoutSeconds", /got '0'/, /greater than 0 and at most 86400/],
  ["a task timeout beyond a day", { VEEAM_EM_TASK_TIMEOUT_SECONDS: "100000" }, "taskTimeoutSeconds", /got '100000'/, /at most 86400/],
  ["a negative retry budget", { VEEAM_EM_RETRY_BUDGET_SECONDS: "-1" }, "retryBudgetSeconds", /got '-1'/, /greater than 0/],
  ["allowInsecureHttp that is not a boolean", { VEEAM_EM_ALLOW_INSECURE_HTTP: "maybe" }, "allowInsecureHttp", /got 'maybe'/, /true or false/],
  ["insecureSkipTlsVerify that is not a boolean", { VEEAM_EM_INSECURE_SKIP_TLS_VERIFY: "sometimes" }, "insecureSkipTlsVerify", /got 'sometimes'/, /true or false/],
  ["an unknown format", { VEEAM_EM_FORMAT: "yaml" }, "format", /got 'yaml'/, /xml or json/],
  ["no URL", { VEEAM_EM_URL: undefined }, "url", /is not set/, /pulumi config set veeam-em:url/],
  ["no password", { VEEAM_EM_PASSWORD: undefined }, "password", /is not set/, /pulumi config set --secret veeam-em:password/],
  ["both tenantName and vcdOrganization", { VEEAM_EM_TENANT_NAME: "ABC Company", VEEAM_EM_VCD_ORGANIZATION: "Org1" }, "tenantName and vcdOrganization", /both set/, /unset one of them/],
  ["plain http to a remote host", { VEEAM_EM_URL: "http://em.example.com:9399/api/" }, "url", /plain http:\/\/ to 'em\.example\.com' would send the EM credentials unencrypted/, /set allowInsecureHttp: true/],
  ["a malformed URL holding a password", { VEEAM_EM_URL: "https://admin:Url-Secret-31@em host/api/" }, "url", /is not an absolute URL/, /https:\/\/em\.example\.com:9398\/api\//],
  ["an unusable API version", { VEEAM_EM_API_VERSION: "seven" }, "apiVersion", /got "seven"/, /"latest" or a version such as "v1_7"/],
  ["a CA file that cannot be read", { VEEAM_EM_CA_CERT: "/nonexistent/em-ca.pem" }, "caCertPath", /cannot read/, /readable PEM file/],
];

describe("safety: bad connection settings are refused by the resources, before any request", () => {
  for (const [what, change, setting, problem, allowed] of BAD) {
    it(`refuses ${what}`, async () => {
      const env = { ...BASE, ...change } as NodeJS.ProcessEnv;
      for (const [k, v] of Object.entries(change)) if (v === undefined) delete env[k];
      const provider = new SubtenantProvider({ env, pool: poolOn(new VirtualClock()) });
      const err = await provider.create(SUBTENANT).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err, "rejected").to.be.instanceOf(Error);
      const message = (err as Error).message;
      expect(message).to.contain(setting);
      expect(message).to.match(problem);
      expect(message).to.match(allowed);
      expect(message).not.to.match(/Env-Secret-55|Url-Secret-31/);
    });
  }

  it("holds at least 12 cases", () => expect(BAD.length).to.be.at.least(12));
});

describe("safety: tenant and vCD organization logons are refused by the resources (issue 10.1)", () => {
  let em: Emulator;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    ({ em, env } = await emulatorFor("xml"));
  });
  afterEach(() => em.stop());

  for (const [kind, extra] of [
    ["a tenant", { VEEAM_EM_TENANT_NAME: "ABC Company" }],
    ["a vCD organization", { VEEAM_EM_VCD_ORGANIZATION: "Org1" }],
  ] as const) {
    it(`with ${kind} logon, both resources and the look-ups refuse before any request and say what is needed`, async () => {
      const pool = poolOn(clockOf(em));
      const settings = { ...env, ...extra };
      const asTenant = connectionSettings(undefined, settings);
      const attempts = [
        getCloudTenant({ name: "ABC Company" }, { connection: asTenant }),
        getRole({ name: "Portal User" }, { connection: asTenant }),
        new SubtenantProvider({ env: settings, pool }).create(SUBTENANT),
        new EnterpriseAccountProvider({ env: settings, pool }).create({ accountType: "User", accountName: "TECH\\x", roles: ["Portal User"], allowRestoreAllVms: true } as EnterpriseAccountInputs),
        new SubtenantProvider({ env: settings, pool }).delete("0a6bd3f3-0c54-4c8c-8a55-7c4e3e1b0b11", { ...SUBTENANT, tenantId: "28ddf9b9-12fa-431a-a34c-a327f05c3920" } as never),
      ];
      for (const attempt of attempts) {
        const err = await attempt.then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.message).to.match(/EM lets tenant sessions only start and undo cloud failover plans/);
        expect(err?.message).to.match(/EM administrator account.*Portal Administrator role, via HTTP Basic/);
        expect(err?.message).to.match(/veeam-em:username and veeam-em:password/);
      }
      expect(em.requests).to.deep.equal([], "no request reached EM");
    });
  }

  it("refuses a tenantId that is not a GUID (a '..' would address /cloud/) before any request to the tenant", async () => {
    const provider = new SubtenantProvider({ env, pool: poolOn(clockOf(em)) });
    for (const tenantId of ["..", "abc/../x", "28ddf9b9"]) {
      const err = await provider.create({ ...SUBTENANT, tenantName: undefined, tenantId }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.match(/tenantId '.*' is not a GUID: give the tenant's id as EM shows it/);
    }
    expect(em.requests.filter((r) => /\/cloud\//.test(r.url))).to.deep.equal([]);
  });
});
