/** The shipped JSON Schema as a well-kept validator reads it: Ajv in strict mode, draft 2020-12. */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import Ajv2020 from "ajv/dist/2020";
import { SCHEMA_FILE } from "../../provider/onboarding/schema";

const EXAMPLE = path.resolve(__dirname, "../../../examples/onboarding/tenants.json");

/** Strict Ajv that knows the two keywords VS Code reads for messages (annotations: they never change a verdict). */
function strictAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const keyword of ["patternErrorMessage", "errorMessage"]) ajv.addKeyword({ keyword, schemaType: "string" });
  return ajv;
}

describe("the onboarding data file's JSON Schema under Ajv (strict mode)", () => {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));

  it("compiles with no strict-mode complaint, and accepts the example's data file", () => {
    const validate = strictAjv().compile(schema);
    const example = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
    expect(validate(example), JSON.stringify(validate.errors)).to.equal(true);
  });

  it("refuses a padded or invisible name, and says so in words an editor shows rather than the raw pattern", () => {
    const validate = strictAjv().compile(schema);
    for (const name of [" ABC Company", "ABC Company ", "", "\u200b"]) {
      expect(validate({ tenants: [{ name }] }), JSON.stringify(name)).to.equal(false);
    }
    const name = schema.$defs.tenant.properties.name;
    expect(name.patternErrorMessage).to.match(/start or end with a space/);
    expect(name.errorMessage).to.match(/something visible/);
    expect(name.patternErrorMessage + name.errorMessage).to.not.include("\\S");
  });

  it("refuses the editor keywords as unknown without their declaration: strict mode is on", () => {
    expect(() => new Ajv2020({ strict: true }).compile(schema)).to.throw(/strict mode: unknown keyword: "(patternErrorMessage|errorMessage)"/);
  });
});
