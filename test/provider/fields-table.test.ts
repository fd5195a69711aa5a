/**
 * The field tables against everything else that states the same facts: the resource classes' TypeScript types
 * (at compile time and at run time), the README's argument tables, and the outputs the providers store.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Resource } from "@pulumi/pulumi";
import type { EnterpriseAccount, EnterpriseAccountArgs, Subtenant, SubtenantArgs } from "../../provider";
import { ACCOUNT_FIELDS } from "../../provider/resources/account/fields";
import type { EnterpriseAccountInputs, EnterpriseAccountOutputs } from "../../provider/resources/account/inputs";
import { EnterpriseAccountProvider } from "../../provider/resources/account/provider";
import { argumentNames, DECLARED_KEY, outputNames, secretNames, seededOutputs, type ArgumentName, type OutputName } from "../../provider/resources/fields";
import { SUBTENANT_FIELDS } from "../../provider/resources/subtenant/fields";
import type { SubtenantInputs, SubtenantOutputs } from "../../provider/resources/subtenant/inputs";
import { SubtenantProvider } from "../../provider/resources/subtenant/provider";
import { README, withTables } from "../../scripts/docs-tables";
import { ABC_RESOURCE, emulatorFor } from "./support";

/** True only when A and B are the same type; a mismatch fails the build. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type DeclaredOutputs<R> = Exclude<keyof R, keyof Resource | keyof import("@pulumi/pulumi").CustomResource>;

// Compile-time: the arguments users type are the table's arguments, the outputs they read are the table's outputs.
const subtenantArgsMatch: Equal<keyof SubtenantArgs, ArgumentName<typeof SUBTENANT_FIELDS>> = true;
const accountArgsMatch: Equal<keyof EnterpriseAccountArgs, ArgumentName<typeof ACCOUNT_FIELDS>> = true;
const subtenantOutputsMatch: Equal<DeclaredOutputs<Subtenant>, OutputName<typeof SUBTENANT_FIELDS>> = true;
const accountOutputsMatch: Equal<DeclaredOutputs<EnterpriseAccount>, OutputName<typeof ACCOUNT_FIELDS>> = true;
const subtenantInputsMatch: Equal<keyof SubtenantInputs, ArgumentName<typeof SUBTENANT_FIELDS>> = true;
const accountInputsMatch: Equal<keyof EnterpriseAccountInputs, ArgumentName<typeof ACCOUNT_FIELDS>> = true;

describe("fields: the tables and the resources' types, docs and outputs", () => {
  it("compile-time checks hold (a mismatch between a TS type and its table fails the build)", () => {
    expect([subtenantArgsMatch, accountArgsMatch, subtenantOutputsMatch, accountOutputsMatch, subtenantInputsMatch, accountInputsMatch]).to.deep.equal([true, true, true, true, true, true]);
  });

  it("the published type declarations list exactly the table's arguments and outputs (run time)", () => {
    // What users compile against: the .d.ts files next to the built classes.
    const declarations = (kind: string) => readFileSync(path.join(__dirname, "..", "..", "provider", "resources", kind, "resource.d.ts"), "utf8");
    const interfaceKeys = (text: string, name: string) => [...(text.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`))?.[1] ?? "").matchAll(/^\s{4}(\w+)\??:/gm)].map((m) => m[1]);
    const outputKeys = (text: string) => [...text.matchAll(/^\s{4}readonly (\w+): pulumi\.Output</gm)].map((m) => m[1]);
    const subtenant = declarations("subtenant");
    expect(interfaceKeys(subtenant, "SubtenantArgs").sort()).to.deep.equal(argumentNames(SUBTENANT_FIELDS).sort());
    expect(outputKeys(subtenant).sort()).to.deep.equal(outputNames(SUBTENANT_FIELDS).sort());
    const account = declarations("account");
    expect(interfaceKeys(account, "EnterpriseAccountArgs").sort()).to.deep.equal(argumentNames(ACCOUNT_FIELDS).sort());
    expect(outputKeys(account).sort()).to.deep.equal(outputNames(ACCOUNT_FIELDS).sort());
  });

  it("seeds every output and marks the password and the connection secret", () => {
    expect(Object.keys(seededOutputs(SUBTENANT_FIELDS))).to.include.members(["subtenantId", "description", "enabled", "usedQuotaMb", "quotaId"]).and.not.include("adopt");
    expect(outputNames(ACCOUNT_FIELDS)).to.include.members(["accountId", "accountUid", "roleUids", "roleNames", "allowRestoreAllVms"]);
    expect(secretNames(SUBTENANT_FIELDS)).to.deep.equal(["password", "connection"]);
    expect(secretNames(ACCOUNT_FIELDS)).to.deep.equal(["connection"]);
  });

  it("the README's argument tables are the ones the field tables produce (run `npm run docs:tables` when this fails)", () => {
    const readme = readFileSync(README, "utf8");
    expect(withTables(readme) === readme, "README.md is stale: run npm run docs:tables").to.equal(true);
    // The test would notice a stale table: change one fact and the README no longer matches.
    const stale = readme.replace("| `quotaMb` | integer | update |", "| `quotaMb` | integer | **replace** |");
    expect(stale).to.not.equal(readme);
    expect(withTables(stale)).to.equal(readme);
  });

  describe("outputs against the emulator", () => {
    it("Subtenant: no visible declaredArgs output; refresh still returns only what was declared, also from 0.1 state", async () => {
      const { em, env, pool } = await emulatorFor("xml");
      try {
        const provider = new SubtenantProvider({ env, pool });
        const declared = { tenantName: "ABC Company", name: "laptop-01", password: "Subtenant-Pass-1", tenantResourceId: ABC_RESOURCE, quotaMb: 2048 };
        const inputs = (await provider.check({} as SubtenantInputs, declared as SubtenantInputs)).inputs as SubtenantInputs;
        const created = await provider.create(inputs);
        const outs = created.outs as SubtenantOutputs & Record<string, unknown>;
        expect(outs).to.not.have.property("declaredArgs");
        expect(outs[DECLARED_KEY]).to.have.members(Object.keys(inputs));
        // Only the table's outputs (optional arguments the stack left out are absent), and every one EM reports.
        expect(outputNames(SUBTENANT_FIELDS)).to.include.members(Object.keys(outs).filter((k) => !k.startsWith("__")));
        expect(outs).to.include.keys("subtenantId", "tenantId", "tenantName", "quotaName", "usedQuotaMb", "quotaId", "description", "enabled");

        // State written by 0.1: the declared arguments in a visible output, no internal key.
        const legacy: Record<string, unknown> = { ...outs, declaredArgs: outs[DECLARED_KEY] };
        delete legacy[DECLARED_KEY];
        const read = await provider.read(created.id, legacy as unknown as SubtenantOutputs);
        expect(Object.keys(read.inputs ?? {}).sort()).to.deep.equal(Object.keys(inputs).sort());
        expect(read.props).to.not.have.property("declaredArgs");
        expect((read.props as unknown as Record<string, unknown>)[DECLARED_KEY]).to.deep.equal(outs[DECLARED_KEY]);
      } finally {
        await em.stop();
      }
    });

    it("EnterpriseAccount: no visible declaredArgs output; a 0.1 state's declaredArgs is read and dropped", async () => {
      const { em, env, pool } = await emulatorFor("json");
      try {
        const provider = new EnterpriseAccountProvider({ env, pool });
        const inputs = (await provider.check({} as EnterpriseAccountInputs, { accountType: "User", accountName: "TECH\\alice", roles: ["Portal User"] } as unknown as EnterpriseAccountInputs)).inputs as EnterpriseAccountInputs;
        const created = await provider.create(inputs);
        const outs = created.outs as EnterpriseAccountOutputs & Record<string, unknown>;
        expect(outs).to.not.have.property("declaredArgs");
        expect(outputNames(ACCOUNT_FIELDS)).to.include.members(Object.keys(outs).filter((k) => !k.startsWith("__")));
        expect(outs).to.include.keys("accountId", "accountUid", "roleUids", "roleNames", "allowRestoreAllVms");
        const legacy: Record<string, unknown> = { ...outs, declaredArgs: ["accountType", "accountName", "roles"] };
        delete legacy[DECLARED_KEY];
        const read = await provider.read(created.id, legacy as unknown as EnterpriseAccountOutputs);
        expect(Object.keys(read.inputs ?? {}).sort()).to.deep.equal(["accountName", "accountType", "roles"]);
        expect(read.props).to.not.have.property("declaredArgs");
      } finally {
        await em.stop();
      }
    });
  });
});
