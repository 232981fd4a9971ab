// Command-line flags of `cloudstack-sim`, parsed and validated (zod) into SimulatorOptions.
import { z } from "zod";
import type { SimulatorOptions } from "./assemble";

export const USAGE = `usage: cloudstack-sim [--host 127.0.0.1] [--port 0] [--time-scale 1] [--seed FILE]
                      [--faults SPEC] [--state-file FILE] [--audit-file FILE] [--random-seed N] [--strict]

Starts the embedded CloudStack simulator and prints one JSON line on stdout when ready
({apiUrl, apiKey, secretKey, adminApiKey, adminSecretKey, isoBaseUrl, isos}). Logs go to stderr.
Stops cleanly on SIGINT/SIGTERM (saving --state-file if given).`;

export class UsageError extends Error {}

const VALUE_FLAGS = {
  "--host": "host",
  "--port": "port",
  "--time-scale": "timeScale",
  "--seed": "seed",
  "--faults": "faults",
  "--state-file": "stateFile",
  "--audit-file": "auditFile",
  "--random-seed": "randomSeed",
} as const;

const optionsSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  timeScale: z.coerce.number().min(0).optional(),
  seed: z.string().min(1).optional(),
  faults: z.string().optional(),
  stateFile: z.string().min(1).optional(),
  auditFile: z.string().min(1).optional(),
  randomSeed: z.string().min(1).optional(),
  strict: z.boolean().optional(),
});

export type CliOptions = { help: true } | { help: false; options: SimulatorOptions };

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { help: true };
    // --strict refuses undeclared parameters (431); the default ignores them as CloudStack does.
    // --no-strict is kept as an alias of the default for scripts written when strict was the default.
    if (arg === "--strict" || arg === "--no-strict") {
      raw.strict = arg === "--strict";
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in VALUE_FLAGS)) throw new UsageError(`unknown flag: ${flag}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    raw[VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS]] = value;
  }
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = Object.entries(VALUE_FLAGS).find(([, key]) => key === issue.path[0])?.[0] ?? String(issue.path[0]);
    throw new UsageError(`${flag}: ${issue.message}`);
  }
  const o = parsed.data;
  const randomSeed = o.randomSeed !== undefined && /^-?\d+$/.test(o.randomSeed) ? Number(o.randomSeed) : o.randomSeed;
  return { help: false, options: { ...o, randomSeed } };
}
