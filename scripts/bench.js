#!/usr/bin/env node
// `npm run bench [-- --help]`: cluster create time vs node count, parallel vs sequential (DESIGN rule 4).
// The bench is TypeScript (scripts/bench/) run in place with ts-node, so it measures the sources as
// they are, without needing a fresh `npm run build`.
"use strict";
const path = require("path");

require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const { main } = require("./bench/main");

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
