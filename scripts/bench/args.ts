// Command line of `npm run bench [-- options]`, validated with zod so a typo fails before any work.
import { z } from "zod";
import { MODES } from "./summary";

/** The largest cluster the bench builds (issue 14: up to 50 workers). */
export const MAX_WORKERS = 50;

export const USAGE = `Usage: npm run bench [-- options]
  --time-scale N     simulator time scale (default 0.02: one simulated minute = 1.2 s)
  --repeat N         runs per cell, the table shows the median (default 2)
  --workers LIST     worker counts, comma-separated, 1..50 (default 1,3,6); above 9 the bench
                     raises maxClusterSize to fit
  --modes LIST       parallel,sequential (default both); a 50-worker sequential create is long
  --sim-vms N        instead: load one simulator with N VMs (10 per network) and report its memory
                     and API latency (issue 14 §7); writes its own block of the markdown file
  --upgrade          instead: the rolling-upgrade table (1.32 → 1.33 of 3, 6 and 12 workers at
                     maxUnavailable 1 and 3, beside one worker alone); writes its own block
  --clusters N       also create N clusters (1 worker each) at once with one provider, against
                     one cluster created alone (default 0: skip)
  --concurrency N    bound for the parallel mode (default: the provider's own default)
  --out FILE         markdown file to update (default docs/bench.md)
  --no-write         print the table only, leave the markdown file alone
  --real-poll        poll async jobs on the provider's real-time schedule (default: scaled
                     with the time scale, see docs/bench.md)
  --no-warmup        skip the untimed warm-up cluster
  --verbose          forward the provider's progress lines to stderr
  --help             this text`;

export const BenchOptionsSchema = z.object({
  timeScale: z.number().positive().max(1),
  repeat: z.number().int().min(1).max(10),
  workers: z.array(z.number().int().min(1).max(MAX_WORKERS)).min(1),
  modes: z.array(z.enum(MODES)).min(1),
  clusters: z.number().int().min(0).max(50),
  simVms: z.number().int().min(0).max(5000),
  upgrade: z.boolean(),
  concurrency: z.number().int().min(2).max(64).optional(),
  out: z.string().min(1),
  write: z.boolean(),
  warmup: z.boolean(),
  scaledPolling: z.boolean(),
  verbose: z.boolean(),
  help: z.boolean(),
});
export type BenchOptions = z.infer<typeof BenchOptionsSchema>;

export const DEFAULT_OPTIONS: BenchOptions = {
  timeScale: 0.02,
  repeat: 2,
  workers: [1, 3, 6],
  modes: [...MODES],
  clusters: 0,
  simVms: 0,
  upgrade: false,
  out: "docs/bench.md",
  write: true,
  warmup: true,
  scaledPolling: true,
  verbose: false,
  help: false,
};

const VALUE_FLAGS = new Set(["--time-scale", "--repeat", "--workers", "--concurrency", "--out", "--modes", "--clusters", "--sim-vms"]);

function toNumber(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new Error(`${flag} expects a number, got '${text}'`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const raw: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (VALUE_FLAGS.has(flag) && value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    }
    switch (flag) {
      case "--time-scale":
        raw.timeScale = toNumber(flag, value as string);
        break;
      case "--repeat":
        raw.repeat = toNumber(flag, value as string);
        break;
      case "--workers":
        raw.workers = [...new Set((value as string).split(",").map((w) => toNumber(flag, w)))].sort((a, b) => a - b);
        break;
      case "--modes":
        raw.modes = [...new Set((value as string).split(",").map((m) => m.trim()))];
        break;
      case "--sim-vms":
        raw.simVms = toNumber(flag, value as string);
        break;
      case "--clusters":
        raw.clusters = toNumber(flag, value as string);
        break;
      case "--concurrency":
        raw.concurrency = toNumber(flag, value as string);
        break;
      case "--out":
        raw.out = value;
        break;
      case "--upgrade":
        raw.upgrade = true;
        break;
      case "--no-write":
        raw.write = false;
        break;
      case "--real-poll":
        raw.scaledPolling = false;
        break;
      case "--no-warmup":
        raw.warmup = false;
        break;
      case "--verbose":
        raw.verbose = true;
        break;
      case "--help":
      case "-h":
        raw.help = true;
        break;
      default:
        throw new Error(`unknown option '${arg}'\n${USAGE}`);
    }
  }
  const parsed = BenchOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ");
    throw new Error(`invalid bench options: ${issues}\n${USAGE}`);
  }
  return parsed.data;
}
