import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { CONNECTION_FIELD, isArgument, isOutput, type Field } from "../../provider/resources/fields";
import { buildSchema, NOT_IN_SCHEMA, RESOURCE_TABLES, schemaText, token } from "../../provider/plugin/schema";
import { FUNCTIONS } from "../../provider/plugin/functions";

const ROOT = path.resolve(__dirname, "..", "..", "..");
type Json = Record<string, any>;

describe("plugin schema.json", () => {
  const schema = buildSchema() as Json;

  it("the committed schema.json is what the field tables give (run 'npm run schema' when this fails)", () => {
    const committed = readFileSync(path.join(ROOT, "schema.json"), "utf8");
    expect(committed === schemaText(), "schema.json is stale: run 'npm run schema'").to.equal(true);
  });

  for (const table of RESOURCE_TABLES) {
    describe(token(table.resource), () => {
      const spec = () => schema.resources[token(table.resource)] as Json;

      it("has every argument of the table as an input, except the per-resource connection (the provider instance is the connection)", () => {
        const args = table.fields.filter(isArgument).map((f) => f.name);
        const expected = args.filter((n) => !(NOT_IN_SCHEMA as readonly string[]).includes(n));
        expect(Object.keys(spec().inputProperties)).to.have.members(expected);
      });

      it("has every output of the table as a property", () => {
        const outs = table.fields.filter((f) => isOutput(f) && f.name !== "connection").map((f) => f.name);
        expect(Object.keys(spec().properties)).to.have.members(outs);
      });

      it("carries required, default, secret and replace-on-change from the table", () => {
        for (const field of table.fields.filter((f) => isArgument(f) && f.name !== "connection") as Field[]) {
          const p = spec().inputProperties[field.name];
          expect(spec().requiredInputs.includes(field.name), `${field.name} required`).to.equal(field.required === true);
          expect(p.default, `${field.name} default`).to.deep.equal(field.default);
          expect(p.secret === true, `${field.name} secret`).to.equal(field.secret === true);
          expect(p.replaceOnChanges === true, `${field.name} replaceOnChanges`).to.equal(field.onChange === "replace");
        }
      });
    });
  }

  it("the password is secret in inputs and outputs of every resource that has one", () => {
    for (const tok of [token("Subtenant"), token("CloudTenant")]) {
      expect(schema.resources[tok].inputProperties.password.secret).to.equal(true);
      expect(schema.resources[tok].properties.password.secret).to.equal(true);
    }
  });

  it("the provider configuration is the connection's members (password secret) plus maxConnections", () => {
    const members = CONNECTION_FIELD.type.fields.map((f) => f.name);
    expect(Object.keys(schema.config.variables)).to.have.members([...members, "maxConnections"]);
    expect(schema.config.variables.password.secret).to.equal(true);
    expect(schema.provider.inputProperties.password.secret).to.equal(true);
  });

  it("every type a property refers to is defined", () => {
    const refs = JSON.stringify(schema).match(/#\/types\/[^"]+/g) ?? [];
    expect(refs.length).to.be.greaterThan(0);
    for (const ref of refs) expect(schema.types, ref).to.have.property(ref.slice("#/types/".length));
  });

  it("the look-ups are functions; TenantOnboarding is the one component, with the arguments Construct takes", () => {
    expect(Object.keys(schema.functions)).to.have.members(FUNCTIONS.map((f) => token(f.name)));
    const components = Object.entries(schema.resources).filter(([, r]: [string, any]) => r.isComponent);
    expect(components.map(([tok]) => tok)).to.deep.equal([token("TenantOnboarding")]);
    const [, component] = components[0] as [string, any];
    expect(Object.keys(component.inputProperties)).to.have.members(["data", "path", "source"]);
    expect(component.required).to.have.members(["tenants", "accounts"]);
  });
});
