/** The `connection` argument's rules (issue 12.3) and passwordPolicy's diff (issue 12.4), on the field tables. */
import { expect } from "chai";
import { ACCOUNT_FIELDS } from "../../provider/resources/account/fields";
import { connectionProblem, sameEm, settingsOfConnection } from "../../provider/resources/connection";
import { checkInputs, diffInputs, sameConnectionEm } from "../../provider/resources/fields";
import { SUBTENANT_FIELDS } from "../../provider/resources/subtenant/fields";
import { UNKNOWN } from "../../provider/resources/validation";

const PASSWORD = "Conn-P4ss-S3cret-2718";
const conn = (overrides: Record<string, unknown> = {}) => ({ url: "https://em2.example.com:9398/api/", username: "admin", password: PASSWORD, ...overrides });
const sub = (overrides: Record<string, unknown> = {}) => ({
  tenantId: "28ddf9b9-12fa-431a-a34c-a327f05c3920",
  name: "s",
  password: "p1",
  tenantResourceId: "11c59670-23df-448c-a4b3-74c42669633e",
  quotaMb: 2048,
  ...overrides,
});

describe("several EMs: the connection argument", () => {
  it("becomes the client's admin settings, times in milliseconds", () => {
    expect(settingsOfConnection({ ...conn(), requestTimeoutSeconds: 30, retryBudgetSeconds: 90, format: "json" })).to.deep.include({
      url: "https://em2.example.com:9398/api/",
      credentials: { kind: "admin", username: "admin", password: PASSWORD },
      requestTimeoutMs: 30_000,
      retry: { budgetMs: 90_000 },
      format: "json",
    });
  });

  it("is checked by the client's rules, the member named, the password never echoed", () => {
    expect(connectionProblem(conn())).to.equal(undefined);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ url: "em2" }, "url", /not an absolute URL/],
      [{ url: "https://u:pw@em2/api/" }, "url", /contains user credentials/],
      [{ taskTimeoutSeconds: 90_000 }, "taskTimeoutSeconds", /at most 86400/],
      [{ password: "" }, "password", /empty/],
      [{ insecureSkipTlsVerify: "yes" }, "insecureSkipTlsVerify", /true or false/],
    ];
    for (const [overrides, member, reason] of cases) {
      const problem = connectionProblem(conn(overrides) as never);
      expect(problem?.member, JSON.stringify(overrides)).to.equal(member);
      expect(problem!.reason).to.match(new RegExp(`^connection\\.${member}: `)).and.match(reason);
      expect(problem!.reason).to.not.include(PASSWORD);
    }
  });

  it("check reports each problem under connection.<member>, types first; unknown members wait for their values", () => {
    const failures = (connection: unknown) => checkInputs(SUBTENANT_FIELDS, sub({ connection })).failures;
    expect(failures(conn())).to.deep.equal([]);
    expect(failures({ ...conn(), url: UNKNOWN, password: UNKNOWN })).to.deep.equal([]);
    expect(failures(UNKNOWN)).to.deep.equal([]);
    expect(failures({ ...conn(), requestTimeoutSeconds: "30" }).map((f) => f.property)).to.deep.equal(["connection.requestTimeoutSeconds"]);
    expect(failures({ ...conn(), url: "ftp://x/" }).map((f) => f.property)).to.deep.equal(["connection.url"]);
    expect(failures({ ...conn(), usrname: "x" })[0].reason).to.match(/did you mean 'username'/);
    expect(checkInputs(ACCOUNT_FIELDS, { accountType: "User", accountName: "TECH\\a", roles: ["Portal User"], connection: conn({ format: "yaml" }) }).failures.map((f) => f.property)).to.deep.equal([
      "connection.format",
    ]);
  });

  it("a wrong type of the connection or of its password is reported without the value", () => {
    const asText = checkInputs(SUBTENANT_FIELDS, sub({ connection: JSON.stringify(conn()) })).failures;
    expect(asText.map((f) => f.property)).to.deep.equal(["connection"]);
    expect(asText[0].reason).to.match(/must be an object .* got string \(value not shown: it is secret\)/);
    const numeric = checkInputs(SUBTENANT_FIELDS, sub({ connection: conn({ password: 27182818 }) })).failures;
    expect(numeric.map((f) => f.property)).to.deep.equal(["connection.password"]);
    expect(numeric[0].reason).to.not.include("27182818");
    for (const f of [...asText, ...numeric]) expect(f.reason).to.not.include(PASSWORD);
  });

  it("the same EM is the same normalized url; another url is an update, never a replacement", () => {
    expect(sameEm("https://EM2.example.com:9398/api", "https://em2.example.com:9398/api/")).to.equal(true);
    expect(sameEm("https://em2.example.com:9398/api/", "https://em3.example.com:9398/api/")).to.equal(false);
    expect(sameConnectionEm(conn(), conn({ password: "other", requestTimeoutSeconds: 5, format: "json" }))).to.equal(true);
    expect(sameConnectionEm(undefined, conn())).to.equal(true);
    expect(sameConnectionEm(conn(), UNKNOWN)).to.equal(false);

    const olds = sub({ connection: conn() });
    expect(diffInputs(SUBTENANT_FIELDS, olds, sub({ connection: conn({ password: "rotated" }) }))).to.deep.include({ changes: false, replaces: [] });
    const moved = diffInputs(SUBTENANT_FIELDS, olds, sub({ connection: conn({ url: "https://em3.example.com:9398/api/" }) }));
    expect(moved).to.deep.include({ changes: true, replaces: [] });
    const account = (overrides: Record<string, unknown>) => ({ accountType: "User", accountName: "TECH\\a", roles: ["Portal User"], connection: conn(), ...overrides });
    expect(diffInputs(ACCOUNT_FIELDS, account({}), account({ connection: conn({ url: "https://em3.example.com:9398/api/" }) }))).to.deep.include({ changes: true, replaces: [] });
    // Accounts have a unique name in EM: a replacement for another field deletes first, whatever the url does.
    const both = diffInputs(ACCOUNT_FIELDS, account({}), account({ connection: conn({ url: "https://em3.example.com:9398/api/" }), accountType: "Group" }));
    expect(both).to.deep.include({ replaces: ["accountType"], deleteBeforeReplace: true });
  });
});

describe("passwordPolicy: the diff of the password", () => {
  it("always (default): a changed password is an update; initial: no change", () => {
    expect(diffInputs(SUBTENANT_FIELDS, sub(), sub({ password: "p2" })).changes).to.equal(true);
    expect(diffInputs(SUBTENANT_FIELDS, sub({ passwordPolicy: "always" }), sub({ passwordPolicy: "always", password: "p2" })).changes).to.equal(true);
    expect(diffInputs(SUBTENANT_FIELDS, sub({ passwordPolicy: "initial" }), sub({ passwordPolicy: "initial", password: "p2" })).changes).to.equal(false);
    expect(diffInputs(SUBTENANT_FIELDS, sub(), sub({ passwordPolicy: "initial" })).changes, "switching the policy changes nothing in EM").to.equal(false);
  });

  it("check fills the default and refuses other values", () => {
    expect(checkInputs(SUBTENANT_FIELDS, sub()).inputs.passwordPolicy).to.equal("always");
    expect(checkInputs(SUBTENANT_FIELDS, sub({ passwordPolicy: "never" })).failures).to.deep.equal([{ property: "passwordPolicy", reason: "passwordPolicy must be one of always, initial; got 'never'" }]);
  });
});
