// The scale table (issue 14 §5): per worker count, the parallel create against the critical path and
// against one worker, the API calls it made (job polls apart) against the 20 + 6·N budget, and how
// often it polled each job. Pure numbers from the samples, unit-tested.
import { median } from "./stats";
import type { Sample } from "./summary";

/** Issue 14 targets. */
export const TARGETS = { growth: 1.3, overPath: 1.1, pollsPerJobSecond: 1 } as const;

/** Non-poll API calls a create may make for N nodes. */
export function callBudget(nodes: number): number {
  return 20 + 6 * nodes;
}

export interface ScaleRow {
  workers: number;
  nodes: number;
  runs: number;
  /** Median wall seconds, and the same in simulated seconds. */
  seconds: number;
  simSeconds: number;
  /** simSeconds / the critical path. */
  overPath: number;
  /** seconds / seconds of the smallest size measured. */
  vsSmallest: number;
  /** Median CPU seconds of the process during create (provider + simulator). */
  cpuSeconds: number;
  nonPollCalls: number;
  budget: number;
  /** Median calls per command. */
  calls: Record<string, number>;
  maxPollsPerJobSecond: number;
  aggregatePollsPerJobSecond: number;
}

export function scaleRows(samples: readonly Sample[], timeScale: number, criticalPathSeconds: number, controlNodes: number): ScaleRow[] {
  const parallel = samples.filter((s) => s.mode === "parallel" && s.audit !== undefined);
  const sizes = [...new Set(parallel.map((s) => s.workers))].sort((a, b) => a - b);
  const rows: ScaleRow[] = [];
  for (const workers of sizes) {
    const of = parallel.filter((s) => s.workers === workers);
    const seconds = median(of.map((s) => s.seconds));
    const simSeconds = seconds / timeScale;
    const commands = [...new Set(of.flatMap((s) => Object.keys(s.audit?.calls ?? {})))].sort();
    const calls: Record<string, number> = {};
    for (const c of commands) calls[c] = median(of.map((s) => s.audit?.calls[c] ?? 0));
    const nodes = workers + controlNodes;
    rows.push({
      workers,
      nodes,
      runs: of.length,
      seconds,
      simSeconds,
      overPath: simSeconds / criticalPathSeconds,
      vsSmallest: 0,
      cpuSeconds: median(of.map((s) => s.cpuSeconds ?? 0)),
      nonPollCalls: median(of.map((s) => s.audit?.nonPollCalls ?? 0)),
      budget: callBudget(nodes),
      calls,
      maxPollsPerJobSecond: Math.max(...of.map((s) => s.audit?.polls.maxPerJobPerSecond ?? 0)),
      aggregatePollsPerJobSecond: median(of.map((s) => s.audit?.polls.aggregatePerJobSecond ?? 0)),
    });
  }
  const base = rows[0]?.seconds;
  for (const r of rows) r.vsSmallest = base ? r.seconds / base : 0;
  return rows;
}

const mark = (ok: boolean): string => (ok ? "" : " ✗");

export function scaleTable(rows: readonly ScaleRow[], criticalPathSeconds: number): string {
  const lines = [
    `| workers | nodes | create (s) | create (sim s) | ÷ critical path (${criticalPathSeconds.toFixed(0)} sim s) | ÷ create(${rows[0]?.workers ?? 1}) | CPU s | API calls (no polls) | budget 20+6·N | polls per job per s (max / all) |`,
    "|--------:|------:|-----------:|---------------:|----------------:|----------:|------:|------------:|-------:|-----------:|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.workers} | ${r.nodes} | ${r.seconds.toFixed(2)} | ${r.simSeconds.toFixed(0)} | ${r.overPath.toFixed(2)}${mark(r.overPath <= TARGETS.overPath)} | ${r.vsSmallest.toFixed(2)}${mark(r.vsSmallest <= TARGETS.growth)} | ${r.cpuSeconds.toFixed(1)} | ${r.nonPollCalls}${mark(r.nonPollCalls <= r.budget)} | ${r.budget} | ${r.maxPollsPerJobSecond.toFixed(2)}${mark(r.maxPollsPerJobSecond <= TARGETS.pollsPerJobSecond)} / ${r.aggregatePollsPerJobSecond.toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}

/** API calls by command (rows) against the worker count (columns), with the per-node slope. */
export function callsTable(rows: readonly ScaleRow[]): string {
  const commands = [...new Set(rows.flatMap((r) => Object.keys(r.calls)))].sort();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const slope = (c: string): string => {
    if (!first || !last || last.nodes === first.nodes) return "–";
    return ((( last.calls[c] ?? 0) - (first.calls[c] ?? 0)) / (last.nodes - first.nodes)).toFixed(2);
  };
  const lines = [
    `| command | ${rows.map((r) => `N=${r.nodes}`).join(" | ")} | per extra node |`,
    `|---------|${rows.map(() => "----:").join("|")}|----:|`,
  ];
  for (const c of commands) lines.push(`| ${c} | ${rows.map((r) => String(r.calls[c] ?? 0)).join(" | ")} | ${slope(c)} |`);
  lines.push(`| **total** | ${rows.map((r) => `**${r.nonPollCalls}**`).join(" | ")} | ${first && last && last.nodes !== first.nodes ? ((last.nonPollCalls - first.nonPollCalls) / (last.nodes - first.nodes)).toFixed(2) : "–"} |`);
  return lines.join("\n");
}
