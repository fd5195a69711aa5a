/** A catalogue of bad client settings: each rejected with a message naming the setting, the problem and what is allowed. */
import { expect } from "chai";
import { type ConnectionSettings, EmClient, EmSettingsError, resolveSettings } from "../../provider/client";

const GOOD: ConnectionSettings = { url: "https://em.example.com:9398/api/", credentials: { kind: "admin", username: "admin", password: "pw-Secret-19" } };

interface Bad {
  why: string;
  settings: Record<string, unknown>;
  /** The setting named, the problem, what is allowed. */
  says: [string, RegExp, RegExp];
}

const BAD: Bad[] = [
  { why: "no URL", settings: { url: undefined }, says: ["url", /it is missing/, /non-empty string/] },
  { why: "a URL that is not absolute", settings: { url: "em.example.com/api/" }, says: ["url", /is not an absolute URL/, /https:\/\/em\.example\.com:9398\/api\//] },
  { why: "a malformed URL with a password in it", settings: { url: "https://admin:pw-Secret-19@em host:9398/api/" }, says: ["url", /not an absolute URL/, /Use e\.g\./] },
  { why: "an ftp URL", settings: { url: "ftp://em.example.com/api/" }, says: ["url", /scheme 'ftp' is not supported/, /https:\/\//] },
  { why: "credentials in the URL", settings: { url: "https://admin:pw-Secret-19@em.example.com:9398/api/" }, says: ["url", /contains user credentials/, /in 'credentials'/] },
  { why: "plain http to another host", settings: { url: "http://em.example.com:9399/api/" }, says: ["url", /plain http:\/\/ to 'em\.example\.com' would send the EM credentials unencrypted/, /allowInsecureHttp: true/] },
  { why: "allowInsecureHttp that is not a boolean", settings: { allowInsecureHttp: "yes" }, says: ["allowInsecureHttp", /got "yes"/, /true or false/] },
  { why: "a request timeout beyond Node's timers", settings: { requestTimeoutMs: 2_147_484_000 }, says: ["requestTimeoutMs", /got 2147484000/, /from 1 to 3600000/] },
  { why: "a request timeout of 0", settings: { requestTimeoutMs: 0 }, says: ["requestTimeoutMs", /got 0/, /from 1 to/] },
  { why: "a task timeout that is not whole", settings: { taskTimeoutMs: 1.5 }, says: ["taskTimeoutMs", /got 1\.5/, /whole number of milliseconds/] },
  { why: "a retry budget beyond a day", settings: { retry: { budgetMs: 90_000_000 } }, says: ["retry.budgetMs", /got 90000000/, /to 86400000/] },
  { why: "too many retries", settings: { retry: { retries: 50 } }, says: ["retry.retries", /got 50/, /from 0 to 20/] },
  { why: "a largest backoff below the first", settings: { retry: { minDelayMs: 500, maxDelayMs: 100 } }, says: ["retry.maxDelayMs", /less than retry\.minDelayMs/, /at least minDelayMs/] },
  { why: "an unknown wire format", settings: { format: "yaml" }, says: ["format", /got "yaml"/, /"xml", "json"/] },
  { why: "an unknown credentials kind", settings: { credentials: { kind: "root", password: "x" } }, says: ["credentials.kind", /got "root"/, /"admin", "tenant", "vcd"/] },
  { why: "an admin without a password", settings: { credentials: { kind: "admin", username: "admin" } }, says: ["credentials.password", /it is missing/, /non-empty string/] },
  { why: "an API version EM has no form for", settings: { apiVersion: "1.7" }, says: ["apiVersion", /got "1\.7"/, /"latest" or a version such as "v1_7"/] },
  { why: "a CA file that does not exist", settings: { caCertPath: "/nonexistent/ca.pem" }, says: ["caCertPath", /cannot read '\/nonexistent\/ca\.pem'/, /readable PEM file/] },
];

describe("client: a catalogue of bad settings", () => {
  for (const bad of BAD) {
    it(`rejects ${bad.why}, naming the setting, the problem and what is allowed`, () => {
      const settings = { ...GOOD, ...bad.settings } as ConnectionSettings;
      let err: unknown;
      try {
        resolveSettings(settings);
      } catch (e) {
        err = e;
      }
      expect(err, "rejected").to.be.instanceOf(EmSettingsError);
      const message = (err as Error).message;
      const [field, problem, allowed] = bad.says;
      expect(message).to.contain(`'${field}'`);
      expect(message).to.match(problem);
      expect(message).to.match(allowed);
      expect(message).not.to.contain("pw-Secret-19");
      expect(() => new EmClient(settings), "the client refuses it too").to.throw(EmSettingsError);
    });
  }

  it("holds at least 12 cases", () => expect(BAD.length).to.be.at.least(12));

  it("allows plain http to loopback, and elsewhere only with allowInsecureHttp, with a warning", () => {
    expect(resolveSettings({ ...GOOD, url: "http://127.0.0.1:9399" }).baseUrl).to.equal("http://127.0.0.1:9399/api/");
    expect(resolveSettings({ ...GOOD, url: "http://localhost:9399/api" }).baseUrl).to.equal("http://localhost:9399/api/");
    const warnings: string[] = [];
    new EmClient({ ...GOOD, url: "http://em.example.com:9399/api/", allowInsecureHttp: true }, { onWarning: (w) => warnings.push(w) });
    expect(warnings.join("\n")).to.match(/plain http:\/\/ to em\.example\.com:9399 \(allowInsecureHttp\): the EM credentials and session travel unencrypted/);
  });

  it("defaults the retry budget to twice the request timeout", () => {
    expect(resolveSettings({ ...GOOD, requestTimeoutMs: 5000 }).retry.budgetMs).to.equal(10_000);
  });
});
