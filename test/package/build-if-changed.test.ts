import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../tools/engine/harness";

describe("scripts/build-if-changed.js (npm run demo's build step)", function () {
  this.timeout(60_000);
  let root: string;

  before(() => {
    // A tiny project laid out like this one: the script, a tsconfig with tsBuildInfoFile in dist, one source.
    root = mkdtempSync(path.join(os.tmpdir(), "build-if-changed-"));
    mkdirSync(path.join(root, "scripts"));
    mkdirSync(path.join(root, "src"));
    copyFileSync(path.join(PACKAGE_ROOT, "scripts", "build-if-changed.js"), path.join(root, "scripts", "build-if-changed.js"));
    symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
    writeFileSync(path.join(root, "package.json"), "{}");
    // With a comment, as TypeScript allows in a tsconfig (and this repository's has).
    const tsconfig = { compilerOptions: { module: "node20", outDir: "dist", rootDir: ".", types: [], incremental: true, tsBuildInfoFile: "dist/.tsbuildinfo" }, include: ["src", "scripts"] };
    writeFileSync(path.join(root, "tsconfig.json"), `// the build's settings\n${JSON.stringify(tsconfig, null, 2)}\n`);
    writeFileSync(path.join(root, "src", "a.ts"), "export const a: number = 1;\n");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const run = () => execFileSync(process.execPath, [path.join(root, "scripts", "build-if-changed.js")], { encoding: "utf8" });

  it("builds when there is no build, skips when nothing changed, and rebuilds after a source changes, saying which", () => {
    expect(run()).to.match(/^build: compiling the TypeScript sources \(no build yet/);
    expect(existsSync(path.join(root, "dist", "src", "a.js"))).to.equal(true);
    expect(run()).to.equal("build: up to date (no TypeScript source changed since the last build)\n");
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(root, "src", "a.ts"), later, later);
    expect(run()).to.match(/^build: compiling the TypeScript sources \(src\/a\.ts changed since the last build/);
    expect(run()).to.match(/^build: up to date/);
  });
});
