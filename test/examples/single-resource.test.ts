import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator/server";
import { isSecretValue, loadProvider, runProgram, secretsIn, strings, unwrapSecrets } from "./harness";

const REPO = path.resolve(__dirname, "../../..");
const ABC_TENANT_ID = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
const ABC_RESOURCE_ID = "11c59670-23df-448c-a4b3-74c42669633e";
const ADMIN_PASSWORD = "Em-Adm1n-Pa55";

function connection(em: Emulator) {
  return { "veeam-em:url": em.url, "veeam-em:username": "admin", "veeam-em:password": ADMIN_PASSWORD };
}

/** name and main of a Pulumi.yaml, read without a YAML parser (they are plain top-level scalars). */
function project(file: string): { name: string; main: string } {
  const text = fs.readFileSync(file, "utf8");
  const scalar = (key: string) => new RegExp(`^${key}:\\s*(\\S.*?)\\s*$`, "m").exec(text)?.[1] ?? "";
  return { name: scalar("name"), main: scalar("main") };
}

describe("examples/subtenant and examples/enterprise-account", () => {
  let em: Emulator;
  beforeEach(async () => {
    em = await startEmulator({ port: 0, taskDurationMs: 20, adminPassword: ADMIN_PASSWORD });
  });
  afterEach(async () => {
    await em.stop();
  });

  describe("subtenant", () => {
    const PROJECT = "veeam-em-subtenant-example";
    const PASSWORD = "S@les-2026";
    const run = (forward = false) =>
      runProgram({
        project: PROJECT,
        program: path.resolve(__dirname, "../../examples/subtenant/index.js"),
        config: { ...connection(em), [`${PROJECT}:subtenantPassword`]: PASSWORD },
        secretKeys: ["veeam-em:password", `${PROJECT}:subtenantPassword`],
        forward,
      });

    it("declares one Subtenant with the tenant and quota resource looked up by name and the password as a secret", async () => {
      const result = await run();
      const dynamic = result.registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
      expect(dynamic.map((r) => [r.type, r.name])).to.deep.equal([["pulumi-nodejs:dynamic/veeam-em:Subtenant", "abc-sales"]]);
      const inputs = dynamic[0].inputs;
      expect(inputs).to.include({ tenantId: ABC_TENANT_ID, tenantResourceId: ABC_RESOURCE_ID, name: "abc-sales", quotaMb: 10240 });
      expect(isSecretValue(inputs.password)).to.equal(true);
      expect(unwrapSecrets(inputs.password)).to.equal(PASSWORD);
      expect(Object.keys(result.outputs).sort()).to.deep.equal(["quotaMb", "subtenantId"]);
      expect(secretsIn(result.stackOutputs)).to.deep.equal([]);
      expect(strings(result.outputs).filter((s) => s.value.includes(PASSWORD))).to.deep.equal([]);
      const provider = await loadProvider(inputs.__provider, connection(em), PROJECT);
      expect((await provider.check({}, unwrapSecrets(inputs))).failures ?? []).to.deep.equal([]);
    });

    it("creates the subtenant in the emulator's default seed", async () => {
      const result = await run(true);
      const [subtenant] = em.store.state.subtenants;
      expect(subtenant).to.include({ name: "abc-sales", tenantId: ABC_TENANT_ID, description: "Sales department" });
      expect(subtenant.quota).to.include({ quotaMb: 10240, unlimited: false });
      expect(result.outputs).to.deep.equal({ subtenantId: subtenant.id, quotaMb: 10240 });
    });
  });

  describe("enterprise-account", () => {
    const PROJECT = "veeam-em-enterprise-account-example";
    const run = (forward = false) =>
      runProgram({ project: PROJECT, program: path.resolve(__dirname, "../../examples/enterprise-account/index.js"), config: connection(em), secretKeys: ["veeam-em:password"], forward });

    it("declares one EnterpriseAccount", async () => {
      const result = await run();
      const dynamic = result.registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
      expect(dynamic.map((r) => [r.type, r.name])).to.deep.equal([["pulumi-nodejs:dynamic/veeam-em:EnterpriseAccount", "carol-portal"]]);
      expect(dynamic[0].inputs).to.deep.include({ accountType: "User", accountName: "TECH\\carol.portal", roles: ["Portal User"], allowRestoreAllVms: true });
      expect(Object.keys(result.outputs).sort()).to.deep.equal(["accountId", "roles"]);
    });

    it("creates the account in the emulator", async () => {
      const result = await run(true);
      const account = em.store.state.accounts.find((a) => a.name === "TECH\\carol.portal");
      expect(account).to.not.equal(undefined);
      expect(result.outputs).to.deep.equal({ accountId: account!.id, roles: ["Portal User"] });
    });
  });

  describe("Pulumi.yaml files", () => {
    // With a directory as main, Pulumi's Node.js host runs the entry point named by the nearest package.json
    // (this repository's "exports": the library) instead of the program.
    for (const [file, name, main] of [
      ["Pulumi.yaml", "veeam-em-onboarding", "examples/onboarding/index.ts"],
      ["examples/subtenant/Pulumi.yaml", "veeam-em-subtenant-example", "index.ts"],
      ["examples/enterprise-account/Pulumi.yaml", "veeam-em-enterprise-account-example", "index.ts"],
    ]) {
      it(`${file}: project ${name}, main is the program's file`, () => {
        const p = project(path.join(REPO, file));
        expect(p).to.deep.equal({ name, main });
        expect(fs.statSync(path.join(REPO, path.dirname(file), main)).isFile()).to.equal(true);
      });
    }
  });
});
