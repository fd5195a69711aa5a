/**
 * Every TypeScript snippet (a ```ts block) of README.md and docs/*.md compiles as a program of the user's own,
 * with the tsconfig the README gives in "Install in your own stack", resolving `pulumi-veeam-em` by name. Each
 * snippet is a file of its own, named after its document and line, so a failure says which one to mend.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../tools/engine/harness";

interface Snippet {
  /** File name for the compiler: document and line, e.g. README.md-L183.ts. */
  file: string;
  code: string;
}

/** The ```ts blocks of a Markdown text, with the line each starts on. */
export function tsBlocks(markdown: string, document: string): Snippet[] {
  const snippets: Snippet[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    const line = markdown.slice(0, m.index).split("\n").length + 1;
    snippets.push({ file: `${document.replace(/[\\/]/g, "_")}-L${line}.ts`, code: m[1] });
  }
  return snippets;
}

const documents = () => ["README.md", ...readdirSync(path.join(PACKAGE_ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The README's tsconfig.json for a user's stack. */
function readmeTsconfig(): { compilerOptions: Record<string, unknown> } {
  const readme = readFileSync(path.join(PACKAGE_ROOT, "README.md"), "utf8");
  const install = readme.slice(readme.indexOf("\n## Install in your own stack\n"));
  const json = /```json\n([\s\S]*?)```/.exec(install);
  expect(json, "the README's tsconfig block").to.not.equal(null);
  return JSON.parse(json![1]);
}

/** tsc's report on `snippets` compiled with `options`, inside the package root so that the package resolves by name. */
function compile(snippets: Snippet[], options: Record<string, unknown>): string {
  const dir = path.join(PACKAGE_ROOT, "dist", "doc-snippets-check");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    for (const s of snippets) writeFileSync(path.join(dir, s.file), s.code);
    // Each snippet is a module of its own (two snippets may both declare `config`); nothing else is changed.
    const compilerOptions = { ...options, noEmit: true, moduleDetection: "force" };
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: snippets.map((s) => s.file) }));
    try {
      execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      return "";
    } catch (err) {
      return `${(err as { stdout?: string }).stdout ?? ""}${(err as { stderr?: string }).stderr ?? ""}` || String(err);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("README and docs: every TypeScript snippet compiles with the README's tsconfig", function () {
  this.timeout(120_000);

  it("finds the snippets of every document, numbered by line", () => {
    const found = tsBlocks("text\n```ts\nconst a = 1;\n```\nmore\n```sh\nls\n```\n```ts\nconst b = 2;\n```\n", "docs/x.md");
    expect(found).to.deep.equal([
      { file: "docs_x.md-L3.ts", code: "const a = 1;\n" },
      { file: "docs_x.md-L10.ts", code: "const b = 2;\n" },
    ]);
  });

  it("compiles them all, and would report one that does not (a top-level await in a CommonJS program: TS1309)", () => {
    const snippets = documents().flatMap((doc) => tsBlocks(readFileSync(path.join(PACKAGE_ROOT, doc), "utf8"), doc));
    expect(snippets.length, "snippets found").to.be.greaterThan(5);
    const options = readmeTsconfig().compilerOptions;
    const broken: Snippet = { file: "broken-L1.ts", code: 'import { getRole } from "pulumi-veeam-em";\nconst role = await getRole({ name: "Portal User" });\nexport const id = role.id;\n' };
    expect(compile([...snippets, broken], options)).to.include("broken-L1.ts").and.include("TS1309").and.not.include(".md-L");
  });
});
