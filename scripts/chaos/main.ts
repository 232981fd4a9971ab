// `npm run chaos [-- --runs N --seed S --time-scale X --write --verbose]`: randomised fault-injection
// runs against the embedded simulator (issue 14). Each run's seed is `seed + i`; every result line
// goes to stderr as it comes and, as JSON lines, to --jsonl; the table to stdout and (--write) to
// docs/chaos.md between its result markers.
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { drawPlan } from "./plan";
import { OPERATIONS, type OperationName } from "./operations";
import { resultsMarkdown } from "./report";
import { runOne, type RunReport } from "./runOne";
import { startSession } from "./session";

// docs/ of the repository, also when running compiled from .chaos-build/scripts/chaos.
const ROOT = path.basename(path.resolve(__dirname, "..", "..")) === ".chaos-build" ? path.resolve(__dirname, "..", "..", "..") : path.resolve(__dirname, "..", "..");

export const USAGE = `npm run chaos -- [options]
  --runs N          runs to make (default 20)
  --seed S          seed of the first run; run i uses S+i (default 1)
  --time-scale X    simulator time scale (default 0.002)
  --attempts N      attempts per operation and per destroy before a run counts as unresumable (default 6)
  --timeout D       the clusters' timeouts input (default 90s)
  --operations LIST draw the operation from these (comma-separated; default all: create, scale,
                    delete, upgrade, offering)
  --jsonl FILE      append one JSON line per run to FILE
  --write           write the table into docs/chaos.md
  --block NAME      the table's block there, between <!-- chaos:NAME:start/end --> (default results;
                    the day-2 table is in block day2)
  --from FILES      no runs: build the table from JSON-lines files of earlier runs (comma-separated),
                    e.g. shards run side by side, each with its own simulator
  --verbose         print the provider's progress lines
  --compiled        compile the sources into .chaos-build/ first and run that (faster on a busy machine)`;

interface Options {
  runs: number;
  seed: number;
  timeScale: number;
  attempts: number;
  timeout: string;
  jsonl?: string;
  from?: string[];
  operations?: OperationName[];
  write: boolean;
  block: string;
  verbose: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { runs: 20, seed: 1, timeScale: 0.002, attempts: 6, timeout: "90s", write: false, block: "results", verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} needs a positive number`);
      return n;
    };
    if (a === "--runs") o.runs = Math.floor(num());
    else if (a === "--seed") o.seed = Math.floor(num());
    else if (a === "--time-scale") o.timeScale = num();
    else if (a === "--attempts") o.attempts = Math.floor(num());
    else if (a === "--timeout") o.timeout = value();
    else if (a === "--jsonl") o.jsonl = value();
    else if (a === "--write") o.write = true;
    else if (a === "--block") {
      o.block = value();
      if (!/^[a-z0-9-]+$/.test(o.block)) throw new Error(`--block: ${o.block} is not a block name (lower-case letters, digits and dashes)`);
    }
    else if (a === "--from") o.from = value().split(",");
    else if (a === "--operations") {
      const names = value().split(",").map((x) => x.trim());
      const unknown = names.filter((x) => !(x in OPERATIONS));
      if (unknown.length > 0) throw new Error(`--operations: unknown ${unknown.join(", ")}; choose from ${Object.keys(OPERATIONS).join(", ")}`);
      o.operations = names as OperationName[];
    }
    else if (a === "--verbose") o.verbose = true;
    else if (a === "--help" || a === "-h") o.help = true;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return o;
}

function note(line: string): void {
  process.stderr.write(`[chaos] ${line}\n`);
}

export function replaceResults(existing: string | undefined, block: string, name = "results"): string {
  const re = new RegExp(`<!-- chaos:${name}:start -->[\\s\\S]*<!-- chaos:${name}:end -->`);
  if (existing && re.test(existing)) return existing.replace(re, block);
  return `${existing ?? "# Chaos runs\n"}\n${block}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (opts.from) return writeReport(opts, opts.from.flatMap((f) => fs.readFileSync(f, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as RunReport)), undefined);
  const t0 = performance.now();
  const session = await startSession({ timeScale: opts.timeScale, seed: opts.seed, createTimeout: opts.timeout });
  const reports: RunReport[] = [];
  try {
    for (let i = 0; i < opts.runs; i++) {
      const plan = drawPlan(opts.seed + i, opts.operations);
      const report = await runOne(
        { sim: session.sim, timeScale: opts.timeScale, baseInputs: session.baseInputs, versions: session.versions, maxAttempts: opts.attempts, callTimeoutMs: 300_000, log: opts.verbose ? (l) => process.stderr.write(`    ${l}\n`) : undefined },
        plan,
      );
      reports.push(report);
      if (opts.jsonl) fs.appendFileSync(opts.jsonl, `${JSON.stringify(report)}\n`);
      const verdict = report.unresumable ? "NOT RESUMED" : report.leaks.length > 0 ? "LEAKED" : report.firstTry ? "ok" : `ok after ${report.attempts} attempts`;
      note(`${i + 1}/${opts.runs} seed ${report.seed} ${report.operation} ${report.shape} [${report.faults.join(", ")}]: ${verdict} in ${report.seconds.toFixed(1)} s${report.leaks.length ? ` (${report.leaks.map((l) => `${l.how} ${l.kind} ${l.what}`).join("; ")})` : ""}`);
      if (report.unresumable) note(`  last error: ${report.errors.slice(-1)[0] ?? "?"}`);
    }
  } finally {
    await session.sim.stop();
  }
  return writeReport(opts, reports, (performance.now() - t0) / 1000);
}

function seedRanges(seeds: number[]): string {
  const s = [...seeds].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(i === j ? `${s[i]}` : `${s[i]}..${s[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

function writeReport(opts: Options, reports: RunReport[], totalSeconds: number | undefined): number {
  const block = resultsMarkdown(reports, {
    seeds: seedRanges(reports.map((r) => r.seed)),
    timeScale: opts.timeScale,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    totalSeconds: totalSeconds ?? reports.reduce((n, r) => n + r.seconds, 0),
    maxAttempts: opts.attempts,
  }, opts.block);
  process.stdout.write(`${block}\n`);
  if (opts.write) {
    const file = path.join(ROOT, "docs", "chaos.md");
    fs.writeFileSync(file, replaceResults(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined, block, opts.block));
    note(`wrote ${path.relative(ROOT, file)}`);
  }
  return reports.some((r) => r.unresumable || r.leaks.length > 0) ? 1 : 0;
}
