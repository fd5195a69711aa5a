#!/usr/bin/env node
// Runs the build (tsc) only when a TypeScript source or the build's configuration is newer than the last build,
// and says so; `npm run demo` runs this first. Plain JavaScript: it must run before anything is compiled.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync, readFileSync, readdirSync, statSync, utimesSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const stamp = path.join(root, "dist", ".tsbuildinfo"); // tsconfig.json's tsBuildInfoFile
// tsconfig.json may hold comments, as TypeScript allows: read it with TypeScript's own parser.
const ts = require(require.resolve("typescript", { paths: [root] }));
const config = ts.parseConfigFileTextToJson("tsconfig.json", readFileSync(path.join(root, "tsconfig.json"), "utf8")).config;

function newestSource() {
  let newest = { file: "tsconfig.json", ms: statSync(path.join(root, "tsconfig.json")).mtimeMs };
  const consider = (file) => {
    const ms = statSync(file).mtimeMs;
    if (ms > newest.ms) newest = { file: path.relative(root, file), ms };
  };
  consider(path.join(root, "package.json"));
  for (const dir of config.include) {
    const full = path.join(root, dir);
    if (!existsSync(full)) continue;
    for (const entry of readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(ts|json)$/.test(entry.name)) consider(path.join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return newest;
}

const newest = newestSource();
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -Infinity;
if (newest.ms <= built) {
  process.stdout.write("build: up to date (no TypeScript source changed since the last build)\n");
} else {
  const why = built === -Infinity ? "no build yet, about 15 s" : `${newest.file} changed since the last build, a few seconds`;
  process.stdout.write(`build: compiling the TypeScript sources (${why}) ...\n`);
  const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.json")], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // tsc leaves its build info alone when the output would not change; the stamp must still be as new as the sources.
  // A millisecond's margin: file times are stored in nanoseconds and pass through floating-point seconds, so a stamp
  // set to exactly the source's time can read back a fraction earlier.
  const at = (Math.max(Date.now(), Math.ceil(newest.ms)) + 1) / 1000;
  utimesSync(stamp, at, at);
}
