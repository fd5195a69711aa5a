/**
 * Each example directory works copied out of the repository, as a stack of the user's own: it has its own
 * Pulumi.yaml, package.json and tsconfig.json (the README's), refers to nothing outside itself, compiles against the
 * installed package, and the data file's `$schema` resolves to the installed package's JSON Schema.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../tools/engine/harness";

const EXAMPLES = path.join(PACKAGE_ROOT, "examples");
const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(EXAMPLES, d.name, "index.ts")))
  .map((d) => d.name);

function readmeTsconfig(): unknown {
  const readme = readFileSync(path.join(PACKAGE_ROOT, "README.md"), "utf8");
  const install = readme.slice(readme.indexOf("\n## Install in your own stack\n"));
  return JSON.parse(/```json\n([\s\S]*?)```/.exec(install)![1]);
}

/** A copy of the example in a temporary directory, with node_modules as `npm install` would leave it. */
function copyOut(example: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `example-${example}-`));
  cpSync(path.join(EXAMPLES, example), dir, { recursive: true });
  const modules = path.join(dir, "node_modules");
  mkdirSync(modules);
  symlinkSync(PACKAGE_ROOT, path.join(modules, "pulumi-veeam-em"), "dir");
  for (const scope of ["@pulumi", "@types"]) symlinkSync(path.join(PACKAGE_ROOT, "node_modules", scope), path.join(modules, scope), "dir");
  return dir;
}

describe("examples: each directory works copied out of the repository", function () {
  this.timeout(120_000);

  it("there are examples to check", () => {
    expect(examples).to.include.members(["onboarding", "subtenant", "enterprise-account"]);
  });

  for (const example of examples) {
    describe(example, () => {
      const source = path.join(EXAMPLES, example);

      it("has its own Pulumi.yaml (main: index.ts), package.json (the package and @pulumi/pulumi) and the README's tsconfig.json", () => {
        const project = readFileSync(path.join(source, "Pulumi.yaml"), "utf8");
        expect(project).to.match(/^main: index\.ts$/m);
        expect(project).to.match(/^runtime:\n  name: nodejs/m);
        const manifest = JSON.parse(readFileSync(path.join(source, "package.json"), "utf8"));
        expect(manifest.dependencies).to.have.property("pulumi-veeam-em");
        expect(manifest.dependencies).to.have.property("@pulumi/pulumi");
        expect(manifest.devDependencies).to.have.property("typescript");
        expect(manifest, "no entry point: Pulumi.yaml's main names the program").to.not.have.property("main");
        expect(JSON.parse(readFileSync(path.join(source, "tsconfig.json"), "utf8"))).to.deep.equal(readmeTsconfig());
      });

      it("refers to nothing outside its directory", () => {
        for (const file of readdirSync(source).filter((f) => /\.(ts|json|ya?ml)$/.test(f))) {
          const text = readFileSync(path.join(source, file), "utf8");
          expect(text, file).to.not.match(/["'(]\.\.\//);
        }
      });

      it("compiles, copied out, against the installed package with its own tsconfig", () => {
        const dir = copyOut(example);
        try {
          let output = "";
          try {
            execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir, "--noEmit"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
          } catch (err) {
            output = `${(err as { stdout?: string }).stdout ?? ""}${(err as { stderr?: string }).stderr ?? ""}` || String(err);
          }
          expect(output, "tsc's errors").to.equal("");
          for (const file of readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "package.json" && f !== "tsconfig.json")) {
            const data = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
            if (data.$schema === undefined) continue;
            const schema = path.resolve(dir, data.$schema);
            expect(existsSync(schema), `${file}: $schema ${data.$schema}`).to.equal(true);
            expect(readFileSync(schema, "utf8")).to.equal(readFileSync(path.join(PACKAGE_ROOT, "provider/onboarding/onboarding.schema.json"), "utf8"));
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
});
