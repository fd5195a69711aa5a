/**
 * What `npm pack` puts in the package a user installs: the licence, the built provider and emulator, maps that
 * carry their sources, nothing of the tests or tools, and no file that needs a package the user does not get.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../tools/engine/harness";

interface Manifest {
  license: string;
  bin: Record<string, string>;
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
  engines: { node: string };
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as Manifest;

/** The files `npm pack` would put in the tarball (no lifecycle scripts: the suite has just built dist/). */
function packedFiles(): string[] {
  // Under `npm test`, npm tells its own CLI's path; run that one, with this Node.
  const npmCli = process.env.npm_execpath;
  const args = ["pack", "--dry-run", "--json", "--ignore-scripts"];
  const out = npmCli && /\.[cm]?js$/.test(npmCli)
    ? execFileSync(process.execPath, [npmCli, ...args], { cwd: PACKAGE_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
    : execFileSync("npm", args, { cwd: PACKAGE_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], shell: process.platform === "win32" });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
}

/** `>=A.B[.C] <D` (the form package.json uses) as a test on a Node version. */
function enginesAllow(range: string, version: string): boolean {
  const m = /^>=(\d+)\.(\d+)(?:\.(\d+))? <(\d+)$/.exec(range);
  if (!m) throw new Error(`engines.node '${range}' is not of the form '>=A.B <C' that this test reads`);
  const [major, minor, patch] = version.split(".").map(Number);
  const floor = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const atLeast = major !== floor[0] ? major > floor[0] : minor !== floor[1] ? minor > floor[1] : patch >= floor[2];
  return atLeast && major < Number(m[4]);
}

describe("the npm package (npm pack)", function () {
  this.timeout(30_000);
  let files: string[];
  before(() => (files = packedFiles()));

  it("holds the Apache-2.0 licence, the changelog, the README, the seed and the built provider and emulator", () => {
    expect(manifest.license).to.equal("Apache-2.0");
    expect(files).to.include.members(["LICENSE", "CHANGELOG.md", "README.md", "package.json", "emulator/seed.json"]);
    const licence = readFileSync(path.join(PACKAGE_ROOT, "LICENSE"), "utf8");
    expect(licence).to.match(/Apache License\s+Version 2\.0, January 2004/).and.to.include("END OF TERMS AND CONDITIONS");
    const entryPoints = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
    for (const target of Object.values(manifest.exports)) entryPoints.push(...(typeof target === "string" ? [target] : [target.types, target.default]));
    for (const entry of entryPoints) expect(files, `entry point ${entry}`).to.include(entry.replace(/^\.\//, ""));
    for (const bin of Object.values(manifest.bin)) expect(readFileSync(path.join(PACKAGE_ROOT, bin), "utf8")).to.match(/^#!\/usr\/bin\/env node\n/);
  });

  it("holds no tests, tools, scripts, benchmarks, examples, TypeScript sources, reference docs or schemas but the data file's", () => {
    // The onboarding data file's JSON Schema is published: data files reference it with $schema.
    const published = "provider/onboarding/onboarding.schema.json";
    expect(files).to.include(published);
    const unwanted = files.filter(
      (f) =>
        f !== published &&
        (/^dist\/(test|tools|scripts|bench|examples)\//.test(f) ||
          /\.test\.|\.tsbuildinfo$/.test(f) ||
          (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) ||
          /^(docs|test|tools|scripts|bench|examples|provider)\//.test(f) ||
          /\.(xsd|wsdl)$|schema\.json$/i.test(f)),
    );
    expect(unwanted).to.deep.equal([]);
    expect(files.every((f) => f === published || /^(dist\/(provider|emulator)\/|emulator\/seed\.json$|LICENSE$|CHANGELOG\.md$|README\.md$|package\.json$)/.test(f)), files.join("\n")).to.equal(true);
  });

  it("ships every source map with the sources it points to", () => {
    const maps = files.filter((f) => f.endsWith(".map"));
    expect(maps.length).to.be.greaterThan(10);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, file), "utf8")) as { sources: string[]; sourcesContent?: Array<string | null> };
      expect(map.sourcesContent?.length, `${file}: sourcesContent`).to.equal(map.sources.length);
      expect(map.sourcesContent!.every((s) => typeof s === "string" && s.length > 0), `${file}: every source inlined`).to.equal(true);
    }
  });

  it("needs nothing at run time beyond its dependencies, its peer @pulumi/pulumi and Node's own modules", () => {
    const allowed = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".js"))) {
      const code = readFileSync(path.join(PACKAGE_ROOT, file), "utf8");
      for (const [, spec] of code.matchAll(/\brequire\("([^"]+)"\)/g)) {
        if (spec.startsWith(".")) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
          if (![`${target}.js`, `${target}/index.js`, target].some((t) => files.includes(t))) problems.push(`${file}: ${spec} is not in the package`);
          continue;
        }
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        if (!allowed.has(name) && !spec.startsWith("node:") && !builtinModules.includes(name)) problems.push(`${file}: ${spec} is not a dependency`);
      }
    }
    expect(problems).to.deep.equal([]);
    expect(manifest.dependencies).to.not.have.property("selfsigned");
  });

  it("declares the Node lines that CI tests, and the @pulumi/pulumi floor that CI tests", () => {
    const ci = readFileSync(path.join(PACKAGE_ROOT, ".ci", "run"), "utf8");
    const lines = /SUPPORTED_NODE_LINES=\(([\d ]+)\)/.exec(ci)![1].trim().split(/\s+/).map(Number);
    for (const line of lines) expect(enginesAllow(manifest.engines.node, `${line}.99.0`), `Node ${line}`).to.equal(true);
    const oldest = Math.min(...lines);
    const newest = Math.max(...lines);
    expect(enginesAllow(manifest.engines.node, `${oldest - 2}.99.0`), "the line before the oldest tested one").to.equal(false);
    expect(enginesAllow(manifest.engines.node, `${newest + 1}.0.0`), "a line newer than the newest tested one").to.equal(false);
    expect(enginesAllow(manifest.engines.node, process.versions.node), `this Node ${process.versions.node}`).to.equal(lines.includes(Number(process.versions.node.split(".")[0])));
    // The floor is ReadResult.inputs (refresh drift); CI reads it from the peer range and runs the suite with it.
    expect(manifest.peerDependencies["@pulumi/pulumi"]).to.equal(">=3.216.0 <4");
    expect(ci).to.include('peerDependencies["@pulumi/pulumi"]');
  });
});
