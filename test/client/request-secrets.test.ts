/**
 * Credentials stay out of clear text and out of errors: a plain http:// URL counts as loopback only when no proxy
 * carries the request, and a password a request carried is masked wherever EM echoes it.
 */
import { expect } from "chai";
import type { Emulator } from "../../emulator/server";
import { EmClient, EmSettingsError } from "../../provider/client";
import { nodeSupportsProxyEnv } from "../../provider/client/http-exchange";
import { proxyFor } from "../../provider/client/proxy-env";
import { resolveSettings } from "../../provider/client/settings";
import { proxyTo } from "../provider/support";
import { ABC_RESOURCE_ID, ABC_TENANT_ID, clockOf, emulator } from "./helpers";

const admin = { kind: "admin" as const, username: "admin", password: "em-admin-Secret-41" };

describe("client: credentials and a proxy", () => {
  const url = (u: string) => new URL(u);

  it("finds the proxy Node would use for a URL, honouring NO_PROXY hosts, domains, ports and *", () => {
    const env = { HTTP_PROXY: "http://proxy.corp:3128", HTTPS_PROXY: "http://tls-proxy.corp:3128" };
    expect(proxyFor(url("http://localhost:9399/api/"), env)).to.equal("http://proxy.corp:3128");
    expect(proxyFor(url("https://em.corp:9398/api/"), env)).to.equal("http://tls-proxy.corp:3128");
    expect(proxyFor(url("http://localhost:9399/api/"), { ...env, NO_PROXY: "example.com, localhost" })).to.equal(undefined);
    expect(proxyFor(url("http://127.0.0.1:9399/api/"), { ...env, NO_PROXY: "localhost" })).to.equal("http://proxy.corp:3128", "127.0.0.1 is not localhost to NO_PROXY");
    expect(proxyFor(url("https://em.corp:9398/api/"), { ...env, no_proxy: ".corp" })).to.equal(undefined);
    expect(proxyFor(url("https://em.corp:9398/api/"), { ...env, NO_PROXY: "em.corp:443" })).to.equal("http://tls-proxy.corp:3128", "another port");
    expect(proxyFor(url("https://em.corp:9398/api/"), { ...env, NO_PROXY: "*" })).to.equal(undefined);
    expect(proxyFor(url("http://[::1]:9399/api/"), { ...env, NO_PROXY: "::1" })).to.equal(undefined);
    expect(proxyFor(url("http://localhost:9399/api/"), { http_proxy: "http://lower:1", HTTP_PROXY: "http://upper:1" })).to.equal("http://lower:1");
    expect(proxyFor(url("http://localhost:9399/api/"), {})).to.equal(undefined);
  });

  it("refuses plain http:// to loopback when a proxy would carry the credentials, and says how to fix it", () => {
    const settings = { url: "http://localhost:9399/api/", credentials: admin };
    const env = { HTTP_PROXY: "http://user:proxy-pass@proxy.corp:3128" };
    if (nodeSupportsProxyEnv()) {
      const err = (() => {
        try {
          resolveSettings(settings, env);
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(err).to.be.instanceOf(EmSettingsError);
      expect(err?.message).to.match(/would go through the proxy that HTTP_PROXY names .* unencrypted.*Add localhost to NO_PROXY/);
      expect(err?.message).not.to.include("proxy-pass");
      expect(resolveSettings(settings, { ...env, NO_PROXY: "localhost" }).baseUrl).to.equal("http://localhost:9399/api/");
      expect(resolveSettings({ ...settings, allowInsecureHttp: true }, env).baseUrl).to.equal("http://localhost:9399/api/");
    } else {
      // This Node connects directly whatever the environment says (http-exchange.ts warns): loopback stays loopback.
      expect(resolveSettings(settings, env).baseUrl).to.equal("http://localhost:9399/api/");
    }
    expect(resolveSettings(settings, {}).baseUrl).to.equal("http://localhost:9399/api/");
  });
});

describe("client: a password the request carried, echoed by EM", () => {
  let em: Emulator;
  let proxy: Awaited<ReturnType<typeof proxyTo>>;
  before(async () => {
    em = await emulator({ taskDurationMs: 10, adminPassword: admin.password });
    proxy = await proxyTo(em.url);
  });
  after(async () => {
    await proxy.stop();
    await em.stop();
  });

  for (const password of ["ab", "Subtenant-Pass-1"]) {
    it(`is masked in EM's error message (${password.length} characters)`, async () => {
      proxy.set((req) =>
        req.method === "POST" && /\/subtenants$/.test(req.url ?? "")
          ? { status: 400, type: "application/xml", body: `<Error xmlns="http://www.veeam.com/ent/v1.0" Message="The password '${password}' does not meet the complexity rules (about length)" StatusCode="400" />` }
          : undefined,
      );
      const client = new EmClient({ url: proxy.url, credentials: admin }, { clock: clockOf(em) });
      const err = await client.addSubtenant(ABC_TENANT_ID, { name: "echoed", password, tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true }).catch((e: Error) => e);
      proxy.set(undefined);
      await client.close();
      expect(err).to.be.instanceOf(Error);
      const text = `${(err as Error).message} ${JSON.stringify(err)}`;
      expect(text).to.match(/The password '\*\*\*' does not meet/);
      expect(text).to.include("about length", "ordinary words stay readable");
      expect(text).not.to.match(new RegExp(`'${password}'`));
    });
  }

  it("is masked in a failed task's message", async () => {
    const password = "Pw-Echo-77";
    proxy.set(undefined);
    // EM's task fails and quotes the password it was given.
    const startTask = em.store.startTask.bind(em.store);
    em.store.startTask = (operation, sessionId) => startTask(operation, sessionId, () => ({ success: false, message: `Cannot set password ${password} for subtenant` }));
    const client = new EmClient({ url: em.url, credentials: admin }, { clock: clockOf(em), pollTiming: { initialDelayMs: 5 } });
    try {
      const err = await client.addSubtenant(ABC_TENANT_ID, { name: "echoed-task", password, tenantResourceId: ABC_RESOURCE_ID, unlimitedQuota: true }).catch((e: Error) => e);
      expect((err as Error).message).to.match(/Cannot set password \*\*\* for subtenant/);
      expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.to.include(password);
    } finally {
      em.store.startTask = startTask;
      await client.close();
    }
  });
});
