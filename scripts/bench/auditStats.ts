// What one create cost the cloud, from the simulator's audit: API calls by command (job polls apart)
// and how often each async job was polled. Pure functions over audit records, unit-tested.
import type { AuditRecord } from "../../simulator";

/** The command that only asks after a job: counted as polling, not as work. */
export const POLL_COMMAND = "queryAsyncJobResult";

export interface PollStats {
  /** queryAsyncJobResult calls. */
  polls: number;
  /** Async jobs the create submitted. */
  jobs: number;
  /** The most polls any one job got per simulated second of its life (submit to last poll). */
  maxPerJobPerSecond: number;
  /** All polls over the sum of the jobs' simulated lives. */
  aggregatePerJobSecond: number;
}

export interface AuditStats {
  /** Non-poll API calls by command. */
  calls: Record<string, number>;
  /** Sum of `calls`. */
  nonPollCalls: number;
  polls: PollStats;
}

export function auditStats(records: readonly AuditRecord[], timeScale: number): AuditStats {
  if (!(timeScale > 0)) throw new Error(`time scale must be positive, got ${timeScale}`);
  const calls: Record<string, number> = {};
  const pollsByJob = new Map<string, { count: number; lastEnd: number }>();
  const submitted = new Map<string, number>();
  let polls = 0;
  for (const r of records) {
    if (r.kind !== "api") continue;
    if (r.command === POLL_COMMAND) {
      polls++;
      const jobid = r.params?.jobid;
      if (jobid) {
        const seen = pollsByJob.get(jobid) ?? { count: 0, lastEnd: r.end };
        seen.count++;
        seen.lastEnd = Math.max(seen.lastEnd, r.end);
        pollsByJob.set(jobid, seen);
      }
      continue;
    }
    calls[r.command] = (calls[r.command] ?? 0) + 1;
    if (typeof r.jobid === "string") submitted.set(r.jobid, r.start);
  }
  let maxRate = 0;
  let lifeSeconds = 0;
  let polledOfOurs = 0;
  for (const [jobid, start] of submitted) {
    const seen = pollsByJob.get(jobid);
    if (!seen) continue;
    // Simulated seconds: the bench scales the provider's polling with the time scale, so these are
    // the seconds a real cloud would see.
    const life = Math.max(seen.lastEnd - start, 1) / timeScale / 1000;
    lifeSeconds += life;
    polledOfOurs += seen.count;
    maxRate = Math.max(maxRate, seen.count / Math.max(life, 1));
  }
  const nonPollCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  return {
    calls,
    nonPollCalls,
    polls: { polls, jobs: submitted.size, maxPerJobPerSecond: maxRate, aggregatePerJobSecond: lifeSeconds > 0 ? polledOfOurs / lifeSeconds : 0 },
  };
}
