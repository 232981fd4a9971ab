#!/usr/bin/env node
// `npm run chaos [-- --help]`: randomised fault-injection runs against the simulator (issue 14).
// The chaos driver is TypeScript (scripts/chaos/) run in place with ts-node, so it exercises the sources
// as they are, without needing a fresh `npm run build`. With `--compiled` it first compiles the sources
// (provider, simulator, the driver) into .chaos-build/ and runs that: every run starts the provider in
// several fresh processes, and on a busy machine ts-node's per-process compile dominated the run time.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.join(__dirname, "..");

function compiledMain() {
  const out = path.join(root, ".chaos-build");
  const config = path.join(root, ".chaos-build.tsconfig.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      extends: "./tsconfig.build.json",
      compilerOptions: { outDir: out, incremental: true, tsBuildInfoFile: path.join(out, ".tsbuildinfo") },
      include: ["provider/**/*.ts", "simulator/**/*.ts", "scripts/chaos/**/*.ts", "scripts/bench/scaledCloud.ts"],
    }),
  );
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", config], { cwd: root, stdio: "inherit" });
  } finally {
    fs.rmSync(config, { force: true });
  }
  // The non-TypeScript files the runtime reads (as scripts/copy-assets.js does for dist/).
  for (const asset of ["simulator/api/commands.json", "provider/kubernetes/scripts"]) {
    fs.cpSync(path.join(root, asset), path.join(out, asset), { recursive: true });
  }
  return require(path.join(out, "scripts", "chaos", "main")).main;
}

const argv = process.argv.slice(2);
let main;
if (argv.includes("--compiled")) {
  main = compiledMain();
} else {
  require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  main = require("./chaos/main").main;
}

main(argv.filter((a) => a !== "--compiled")).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
