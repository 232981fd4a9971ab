// Turns the raw samples of one bench run into table rows: per worker count, the median create time
// of each mode, the speed-up, and the deploy overlap measured from the simulator's audit.
import { z } from "zod";
import { growth, median, overlapStats, simulatedSeconds, speedUp, type Interval } from "./stats";

const CallsSchema = z.record(z.string(), z.number().int().min(0));

/** What the create cost the cloud (scripts/bench/auditStats.ts). */
export const AuditStatsSchema = z.object({
  calls: CallsSchema,
  nonPollCalls: z.number().int().min(0),
  polls: z.object({ polls: z.number().int().min(0), jobs: z.number().int().min(0), maxPerJobPerSecond: z.number().min(0), aggregatePerJobSecond: z.number().min(0) }),
});

/** sequential = concurrency bound 1 (what CKS does); parallel = the provider's default bound. */
export const MODES = ["sequential", "parallel"] as const;
export type Mode = (typeof MODES)[number];

export const SampleSchema = z.object({
  workers: z.number().int().min(1),
  mode: z.enum(MODES),
  /** Wall-clock seconds of KubernetesCluster create(). */
  seconds: z.number().positive(),
  /** CPU seconds (user + system) the process spent during create(): provider and simulator together. */
  cpuSeconds: z.number().min(0).optional(),
  /** The deployVirtualMachine jobs of that create, wall-clock ms. */
  deploys: z.array(z.object({ start: z.number(), end: z.number() })),
  audit: AuditStatsSchema.optional(),
});
export type Sample = z.infer<typeof SampleSchema>;

export interface ModeSummary {
  /** Median wall seconds over the repeats. */
  seconds: number;
  runs: number;
  /** Medians over the repeats, in simulated (realistic) seconds. */
  deploySumSim: number;
  deploySpanSim: number;
  /** Median of sum / span. */
  overlap: number;
  /** Highest number of deploys seen running at once in any repeat. */
  peak: number;
  deployJobs: number;
}

export interface Row {
  workers: number;
  sequential: ModeSummary;
  parallel: ModeSummary;
  /** sequential / parallel median wall time. */
  speedUp: number;
}

export interface Summary {
  rows: Row[];
  /** Create time of the largest cluster over the smallest, per mode (1.0 = flat). */
  growth?: { sequential: number; parallel: number; fromWorkers: number; toWorkers: number };
}

function summariseMode(samples: readonly Sample[], timeScale: number): ModeSummary {
  const stats = samples.map((s) => overlapStats(s.deploys as Interval[]));
  return {
    seconds: median(samples.map((s) => s.seconds)),
    runs: samples.length,
    deploySumSim: median(stats.map((s) => simulatedSeconds(s.sumMs, timeScale))),
    deploySpanSim: median(stats.map((s) => simulatedSeconds(s.spanMs, timeScale))),
    overlap: median(stats.map((s) => s.overlap)),
    peak: Math.max(...stats.map((s) => s.peak)),
    deployJobs: median(stats.map((s) => s.jobs)),
  };
}

export function summarise(samples: readonly Sample[], timeScale: number): Summary {
  const workerCounts = [...new Set(samples.map((s) => s.workers))].sort((a, b) => a - b);
  const rows: Row[] = [];
  for (const workers of workerCounts) {
    const of = (mode: Mode): Sample[] => samples.filter((s) => s.workers === workers && s.mode === mode);
    const seq = of("sequential");
    const par = of("parallel");
    // A size with a mode missing (a failed run) cannot be compared; it is left out of the table.
    if (seq.length === 0 || par.length === 0) continue;
    const sequential = summariseMode(seq, timeScale);
    const parallel = summariseMode(par, timeScale);
    rows.push({ workers, sequential, parallel, speedUp: speedUp(sequential.seconds, parallel.seconds) });
  }
  if (rows.length < 2) return { rows };
  const by = (mode: Mode) => new Map(rows.map((r) => [r.workers, r[mode].seconds]));
  return {
    rows,
    growth: { sequential: growth(by("sequential")), parallel: growth(by("parallel")), fromWorkers: rows[0].workers, toWorkers: rows[rows.length - 1].workers },
  };
}
