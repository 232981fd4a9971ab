// Markdown for the bench results: the headline table (the one the task and docs/bench.md show), the
// audit detail table, and the machine line. Pure string building, unit-tested.
import type { Summary } from "./summary";
import type { PathTerm } from "./criticalPath";
import { callsTable, scaleTable, type ScaleRow } from "./scale";
import type { ManySample } from "./runCluster";

/** The scale part of the results (parallel mode): rows, the critical path and the warnings seen. */
export interface ScaleResults {
  rows: ScaleRow[];
  path: PathTerm[];
  pathSeconds: number;
  /** MaxListenersExceededWarning lines Node printed during the bench. */
  maxListenersWarnings: number;
  /** Several clusters created at once by one provider (`--clusters`), the first being one alone. */
  many?: ManySample[];
}

export function manyTable(many: readonly ManySample[]): string {
  const alone = many.find((m) => m.clusters === 1);
  const lines = ["| clusters at once | create all (s) | ÷ one cluster | API calls (no polls) | per cluster | job polls |", "|---:|---:|---:|---:|---:|---:|"];
  for (const m of many) {
    lines.push(`| ${m.clusters} | ${m.seconds.toFixed(2)} | ${alone ? (m.seconds / alone.seconds).toFixed(2) : "–"} | ${m.nonPollCalls} | ${(m.nonPollCalls / m.clusters).toFixed(1)} | ${m.polls} |`);
  }
  return lines.join("\n");
}

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** 1-minute load average at the start and the end of the bench: other work on the machine skews times. */
  load: { start: number; end: number };
}

export interface RunInfo {
  machine: Machine;
  timeScale: number;
  repeats: number;
  /** The provider's own bound, or undefined when the provider default was used. */
  parallelConcurrency?: number;
  /** The scaled async-job poll interval in ms, or undefined for the provider's real-time schedule. */
  pollMs?: number;
  controlNodes: number;
  date: string;
  totalSeconds: number;
}

const fixed = (n: number, digits: number): string => n.toFixed(digits);
const times = (n: number): string => `${n.toFixed(1)}×`;

export function headlineTable(summary: Summary): string {
  const lines = [
    "| workers | sequential (s) | parallel (s) | speed-up | deploy overlap (seq → par) |",
    "|--------:|---------------:|-------------:|---------:|:--------------------------:|",
  ];
  for (const r of summary.rows) {
    lines.push(`| ${r.workers} | ${fixed(r.sequential.seconds, 2)} | ${fixed(r.parallel.seconds, 2)} | ${times(r.speedUp)} | ${times(r.sequential.overlap)} → ${times(r.parallel.overlap)} |`);
  }
  return lines.join("\n");
}

export function auditTable(summary: Summary): string {
  const lines = [
    "| workers | mode | VMs deployed | deploy work (sim s) | deploy span (sim s) | overlap | peak concurrent deploys |",
    "|--------:|------|-------------:|--------------------:|--------------------:|--------:|------------------------:|",
  ];
  for (const r of summary.rows) {
    for (const mode of ["sequential", "parallel"] as const) {
      const m = r[mode];
      lines.push(`| ${r.workers} | ${mode} | ${m.deployJobs} | ${fixed(m.deploySumSim, 1)} | ${fixed(m.deploySpanSim, 1)} | ${times(m.overlap)} | ${m.peak} |`);
    }
  }
  return lines.join("\n");
}

export function growthLine(summary: Summary): string {
  const g = summary.growth;
  if (!g) return "Growth: needs at least two cluster sizes.";
  return (
    `Growth from ${g.fromWorkers} to ${g.toWorkers} workers: sequential ${times(g.sequential)}, parallel ${times(g.parallel)} ` +
    `(1.0× = create time independent of node count).`
  );
}

export function machineLine(info: RunInfo): string {
  const m = info.machine;
  const bound = info.parallelConcurrency === undefined ? "provider default" : String(info.parallelConcurrency);
  return (
    `Machine: ${m.cores} cores (${m.cpuModel}), Node ${m.node}, ${m.platform}, load average ${fixed(m.load.start, 1)} → ${fixed(m.load.end, 1)}. ` +
    `Time scale ${info.timeScale} (1 simulated second = ${fixed(info.timeScale * 1000, 0)} ms), ` +
    `async-job polling ${info.pollMs === undefined ? "on the provider's real-time schedule (250 ms to 5 s)" : `scaled with the time scale (first poll and longest interval, at most ${info.pollMs} ms)`}. ` +
    `${info.controlNodes} control node, median of ${info.repeats} run(s) per cell; parallel = concurrency ${bound}, sequential = concurrency 1. ` +
    `Measured ${info.date}, whole bench ${fixed(info.totalSeconds, 0)} s.`
  );
}

/** The generated part of docs/bench.md and of the bench's stdout. */
export function resultsMarkdown(summary: Summary, info: RunInfo, scale?: ScaleResults): string {
  const parts = [machineLine(info)];
  if (summary.rows.length > 0) {
    parts.push("", headlineTable(summary), "", growthLine(summary), "", "Deploy jobs from the simulator's audit, in simulated seconds (medians):", "", auditTable(summary));
  }
  if (scale && scale.rows.length > 0) parts.push("", ...scaleMarkdown(scale));
  if (scale?.many && scale.many.length > 0) parts.push("", "Clusters of 1 control + 1 worker created at once by one provider (one Pulumi host), one simulator:", "", manyTable(scale.many));
  return parts.join("\n");
}

export function pathLine(scale: Pick<ScaleResults, "path" | "pathSeconds">): string {
  return `Critical path ${scale.pathSeconds.toFixed(0)} simulated s, from the simulator's latencies: ${scale.path.map((t) => `${t.what} ${(t.ms / 1000).toFixed(0)}`).join(" + ")}.`;
}

function scaleMarkdown(scale: ScaleResults): string[] {
  return [
    "Scale (parallel mode; ✗ = misses its target: ÷ critical path ≤ 1.10, ÷ create(smallest) ≤ 1.3, calls ≤ 20+6·N, ≤ 1 poll per job per simulated second):",
    "",
    scaleTable(scale.rows, scale.pathSeconds),
    "",
    pathLine(scale),
    "",
    `MaxListenersExceededWarning printed during the bench: ${scale.maxListenersWarnings}.`,
    "",
    "API calls per create by command (simulator audit, job polls apart; medians), against the node count N:",
    "",
    callsTable(scale.rows),
  ];
}
