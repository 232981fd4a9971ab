#!/usr/bin/env node
// Launcher for the embedded CloudStack simulator; the implementation is compiled to dist/ by `npm run build`.
require("../dist/simulator/cli.js");
