#!/usr/bin/env node
// `npm run chaos [-- --help]`: randomised fault-injection runs against the simulator (issue 14).
// The chaos driver is TypeScript (scripts/chaos/) run in place with ts-node, so it exercises the sources as
// they are, without needing a fresh `npm run build`.
"use strict";
const path = require("path");

require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const { main } = require("./chaos/main");

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
