// Small helpers of `npm run demo`: argument parsing, PATH lookup, phase lines with elapsed time.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawn } = require("child_process");

/** Runs a command with the demo's stdout/stderr; resolves with its exit code (killed after timeoutMs). */
function runInherited(command, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", () => resolve(-1));
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve(code === null ? -1 : code);
    });
  });
}

/**
 * --once, --time-scale N (default 0.02: a realistic cluster build in well under a minute), --runner
 * (use the built-in runner even when the Pulumi CLI is installed).
 */
function parseDemoArgs(argv) {
  const args = { once: false, timeScale: 0.02, runner: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--once") args.once = true;
    else if (a === "--runner") args.runner = true;
    else if (a === "--time-scale" || a.startsWith("--time-scale=")) {
      const raw = a.includes("=") ? a.split("=")[1] : argv[++i];
      const n = Number(raw);
      if (!(n > 0 && n <= 1)) throw new Error(`--time-scale must be a number in (0, 1], got ${raw}`);
      args.timeScale = n;
    } else if (a === "--help" || a === "-h") {
      console.log("usage: npm run demo [-- --once] [-- --time-scale 0.02] [-- --runner]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return args;
}

function onPath(command) {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** `phase("...")` prints "[demo +12.3s] ..." so progress is visible the whole time. */
function phaseLogger(write = (line) => console.log(line)) {
  const started = Date.now();
  return (message) => write(`[demo +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

module.exports = { parseDemoArgs, onPath, phaseLogger, runInherited };
