/**
 * The README's "Install in your own stack" works as written: its program compiles with its tsconfig under the
 * TypeScript this repository uses (6.x), its `pulumi config set` lines set every key the program requires, and no
 * place tells users to install the package from the registry, where it is not.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../tools/engine/harness";

const readme = readFileSync(path.join(PACKAGE_ROOT, "README.md"), "utf8");

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section '${title}'`).to.be.greaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

function codeBlock(text: string, language: string): string {
  const m = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(text);
  expect(m, `a ${language} block`).to.not.equal(null);
  return m![1];
}

describe("README: Install in your own stack", function () {
  this.timeout(60_000);
  const install = section("Install in your own stack");

  it("its program compiles with its tsconfig under TypeScript 6, resolving the package by name", () => {
    // Inside the package root, so that `pulumi-veeam-em` resolves to this package (its "exports"), as it would
    // from node_modules in a user's stack.
    const dir = path.join(PACKAGE_ROOT, "dist", "readme-install-check");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(path.join(dir, "index.ts"), codeBlock(install, "ts"));
      const tsconfig = JSON.parse(codeBlock(install, "json")) as { compilerOptions: Record<string, unknown> };
      expect(tsconfig.compilerOptions.moduleResolution).to.not.match(/^node(10)?$/i);
      writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, noEmit: true } }));
      const tsc = require.resolve("typescript/bin/tsc");
      expect(execFileSync(process.execPath, [tsc, "-v"], { encoding: "utf8" })).to.match(/^Version 6\./);
      let output = "";
      try {
        execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      } catch (err) {
        output = `${(err as { stdout?: string }).stdout ?? ""}${(err as { stderr?: string }).stderr ?? ""}` || String(err);
      }
      expect(output, "tsc's errors").to.equal("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sets, with pulumi config set, every config key that its program requires", () => {
    const program = codeBlock(install, "ts");
    const required = [...program.matchAll(/config\.require(?:Secret)?\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.length).to.be.greaterThan(0);
    const commands = codeBlock(install, "sh");
    for (const key of required) expect(commands, `a 'pulumi config set' line for ${key}`).to.match(new RegExp(`pulumi config set (--secret )?${key}\\b`));
    for (const key of ["veeam-em:url", "veeam-em:username"]) expect(commands).to.match(new RegExp(`pulumi config set ${key} `));
    expect(commands).to.match(/pulumi config set --secret veeam-em:password\b/);
  });

  it("nowhere tells users to install the package from the npm registry, where it is not", () => {
    const tracked = ["README.md", "CHANGELOG.md", ...["examples", "provider", "docs"].flatMap((dir) => readdirSync(path.join(PACKAGE_ROOT, dir), { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)))].filter((f) => /\.(ts|md|json|ya?ml)$/.test(f));
    expect(tracked.length).to.be.greaterThan(10);
    const offenders = tracked.filter((f) => /npm (install|i) pulumi-veeam-em\b/.test(readFileSync(path.join(PACKAGE_ROOT, f), "utf8")));
    expect(offenders).to.deep.equal([]);
    expect(install).to.include("npm pack");
  });
});
