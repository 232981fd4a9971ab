// Client options: validated with zod, falling back to the CLOUDSTACK_* environment variables.
import { z } from "zod";

/** Where the client reports what it does. Lines never contain secrets. */
export interface CloudStackLogger {
  debug?(message: string): void;
  warn?(message: string): void;
}

export interface CloudStackClientOptions {
  /** API endpoint, e.g. https://cloud.example.com/client/api (env CLOUDSTACK_API_URL). */
  apiUrl?: string;
  /** env CLOUDSTACK_API_KEY */
  apiKey?: string;
  /** env CLOUDSTACK_SECRET_KEY */
  secretKey?: string;
  /** PEM bundle of CAs to trust instead of the system roots. */
  caBundle?: string;
  /** Skip TLS verification. Never the default; only when asked for explicitly. */
  insecure?: boolean;
  /** Per HTTP request (default 60 s). */
  timeoutMs?: number;
  /** Longest interval between two polls of an async job (default 5 s); the first poll waits min(asyncPollInitialMs, this). */
  asyncPollMs?: number;
  /** Wait before the first poll of an async job (default 250 ms), then ×1.5 per poll up to asyncPollMs. */
  asyncPollInitialMs?: number;
  /** At most one poll per this many ms of a job's life (default min(1 s, asyncPollMs)). */
  asyncPollBudgetMs?: number;
  /** How long to wait for an async job (default 30 min, like cmk). */
  asyncDeadlineMs?: number;
  /** Retries of a transient failure (default 4). */
  retries?: number;
  /** First retry delay (default 500 ms), doubled per retry. */
  retryBaseMs?: number;
  /** Longest retry delay (default 10 s). */
  retryMaxMs?: number;
  logger?: CloudStackLogger;
}

const positiveMs = z.number().int().positive();

const ResolvedSchema = z.object({
  apiUrl: z
    .string()
    .min(1)
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
      message: "must be an http:// or https:// URL",
    }),
  apiKey: z.string().min(1),
  secretKey: z.string().min(1),
  caBundle: z.string().includes("-----BEGIN CERTIFICATE-----", { message: "must be a PEM certificate bundle" }).optional(),
  insecure: z.boolean().default(false),
  timeoutMs: positiveMs.default(60_000),
  asyncPollMs: positiveMs.default(5_000),
  asyncPollInitialMs: positiveMs.default(250),
  asyncPollBudgetMs: positiveMs.optional(),
  asyncDeadlineMs: positiveMs.default(30 * 60_000),
  retries: z.number().int().min(0).max(20).default(4),
  retryBaseMs: positiveMs.default(500),
  retryMaxMs: positiveMs.default(10_000),
});

export type ResolvedOptions = z.infer<typeof ResolvedSchema> & { logger?: CloudStackLogger };

const REQUIRED: ReadonlyArray<{ option: "apiUrl" | "apiKey" | "secretKey"; env: string; what: string }> = [
  { option: "apiUrl", env: "CLOUDSTACK_API_URL", what: "API URL" },
  { option: "apiKey", env: "CLOUDSTACK_API_KEY", what: "API key" },
  { option: "secretKey", env: "CLOUDSTACK_SECRET_KEY", what: "secret key" },
];

/** Options with env fallbacks applied and defaults filled in; errors name the option and env var. */
export function resolveOptions(
  options: CloudStackClientOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedOptions {
  const merged: Record<string, unknown> = { ...options };
  delete merged.logger;
  // An empty bundle (e.g. an unset config value passed through) means "use the system roots".
  if (merged.caBundle === "") delete merged.caBundle;
  for (const { option, env: name, what } of REQUIRED) {
    // An empty option falls through to the environment, like an absent one.
    const value = options[option] || env[name];
    if (value === undefined || value === "") {
      throw new Error(`CloudStack ${what} is not set: pass the "${option}" option or set ${name}`);
    }
    merged[option] = value;
  }
  const parsed = ResolvedSchema.safeParse(merged);
  if (!parsed.success) {
    // Issue paths and messages only: zod's messages here never echo the (possibly secret) input.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`);
    throw new Error(`Invalid CloudStack client options: ${problems.join("; ")}`);
  }
  return { ...parsed.data, ...(options.logger ? { logger: options.logger } : {}) };
}
