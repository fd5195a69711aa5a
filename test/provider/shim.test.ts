import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../../provider/resources/shim";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => { handler(): Record<string, unknown> };

describe("the serialized provider shim", () => {
  const secretsInEnvironment = { VEEAM_EM_PASSWORD: "env-Secret-77", VEEAM_EM_USERNAME: "env-user", VEEAM_EM_URL: "https://em.invalid:9398/api/" };
  let saved: NodeJS.ProcessEnv;
  before(() => {
    saved = { ...process.env };
    Object.assign(process.env, secretsInEnvironment);
  });
  after(() => {
    process.env = saved;
  });

  it("says where the package is missing when the program's directory does not have it", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => providerShim("Subtenant"), { allowSecrets: true });
    const loaded = requireFromString(serialized.text).handler() as unknown as { configure(r: unknown): void };
    const cwd = process.cwd();
    process.chdir(require("node:os").tmpdir());
    try {
      expect(() => loaded.configure({ config: { get: () => undefined } })).to.throw(/pulumi-veeam-em is not installed where Pulumi runs this program .*install it there as its README says \(not on the npm registry yet: 'npm pack' in a clone, then 'npm install <that \.tgz>'\)/);
    } finally {
      process.chdir(cwd);
    }
  });

  for (const kind of ["Subtenant", "EnterpriseAccount"]) {
    it(`${kind}: serializes with the SDK's serializer to under 2 KB, without credentials or provider code`, async () => {
      const shim = providerShim(kind);
      const serialized = await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true });
      expect(serialized.text.length).to.be.lessThan(2048);
      expect(serialized.containsSecrets).to.equal(false);
      for (const value of Object.values(secretsInEnvironment)) expect(serialized.text).not.to.contain(value);
      expect(serialized.text).not.to.match(/EmClient|axios|sessionMngr/);
    });

    it(`${kind}: loads back from its text and takes on the provider's methods on configure`, async () => {
      const serialized = await pulumi.runtime.serializeFunction(() => providerShim(kind), { allowSecrets: true });
      const loaded = requireFromString(serialized.text).handler() as unknown as pulumi.dynamic.ResourceProvider & { configure(r: unknown): void };
      expect(loaded.check).to.equal(undefined);
      loaded.configure({ config: { get: () => undefined, require: () => "" } });
      for (const method of ["check", "diff", "create", "read", "update", "delete"]) expect(loaded).to.have.property(method).that.is.a("function");
      const checked = await loaded.check!({}, {});
      expect(checked.failures?.length).to.be.greaterThan(0);
    });
  }
});
