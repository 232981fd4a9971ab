// Pure numbers behind the bench table: medians of repeated runs, speed-ups, and how much the VM
// deploy jobs overlapped in time. No I/O here, so the unit test can pin every formula.

/** A job's life in wall-clock milliseconds, as the simulator's audit records it. */
export interface Interval {
  start: number;
  end: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  if (values.some((v) => !Number.isFinite(v))) throw new Error("median of a list with a non-finite value");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How many times faster `fast` is than `slow` (slow / fast). */
export function speedUp(slowSeconds: number, fastSeconds: number): number {
  if (!(fastSeconds > 0) || !(slowSeconds >= 0)) throw new Error(`speed-up needs positive times, got ${slowSeconds} / ${fastSeconds}`);
  return slowSeconds / fastSeconds;
}

/**
 * Deploy-job totals. `sumMs` is the work (the sum of every job's duration), `spanMs` the elapsed time
 * from the first start to the last end; `overlap = sumMs / spanMs` is ~1 when jobs run one after the
 * other (CKS) and approaches the job count when they all run at once. `peak` is the most jobs that
 * were running at the same instant.
 */
export interface OverlapStats {
  jobs: number;
  sumMs: number;
  spanMs: number;
  overlap: number;
  peak: number;
}

export function overlapStats(intervals: readonly Interval[]): OverlapStats {
  for (const i of intervals) {
    if (!Number.isFinite(i.start) || !Number.isFinite(i.end) || i.end < i.start) throw new Error(`invalid interval ${i.start}..${i.end}`);
  }
  if (intervals.length === 0) return { jobs: 0, sumMs: 0, spanMs: 0, overlap: 0, peak: 0 };
  const sumMs = intervals.reduce((acc, i) => acc + (i.end - i.start), 0);
  const spanMs = Math.max(...intervals.map((i) => i.end)) - Math.min(...intervals.map((i) => i.start));
  // Zero-length jobs (possible at tiny time scales) count as one job's worth, not a division by zero.
  const overlap = spanMs > 0 ? sumMs / spanMs : 1;
  return { jobs: intervals.length, sumMs, spanMs, overlap, peak: peakConcurrency(intervals) };
}

/** The most intervals open at one instant; an interval ending exactly when another starts does not overlap it. */
export function peakConcurrency(intervals: readonly Interval[]): number {
  // Ends sort before starts at the same timestamp, so back-to-back jobs count as sequential.
  const events = intervals.flatMap((i) => [
    { at: i.start, delta: 1 },
    { at: i.end, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let peak = 0;
  for (const e of events) {
    open += e.delta;
    peak = Math.max(peak, open);
  }
  return peak;
}

/** Simulated (realistic) seconds for wall-clock milliseconds measured under a time scale. */
export function simulatedSeconds(wallMs: number, timeScale: number): number {
  if (!(timeScale > 0)) throw new Error(`time scale must be positive, got ${timeScale}`);
  return wallMs / timeScale / 1000;
}

/** How create time grows from the smallest to the largest cluster (largest / smallest). */
export function growth(secondsBySize: ReadonlyMap<number, number>): number {
  const sizes = [...secondsBySize.keys()].sort((a, b) => a - b);
  if (sizes.length < 2) throw new Error("growth needs at least two cluster sizes");
  const smallest = secondsBySize.get(sizes[0]) as number;
  const largest = secondsBySize.get(sizes[sizes.length - 1]) as number;
  if (!(smallest > 0)) throw new Error(`growth needs a positive time for the smallest cluster, got ${smallest}`);
  return largest / smallest;
}
