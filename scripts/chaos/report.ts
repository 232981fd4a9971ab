// The docs/chaos.md table: totals over the runs, per operation and over all, plus every run that
// leaked or could not be resumed, named by seed so it can be replayed.
import type { RunReport } from "./runOne";

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function row(label: string, runs: RunReport[]): string {
  const faults = runs.reduce((n, r) => n + r.faults.length, 0);
  const firstTry = runs.filter((r) => r.firstTry).length;
  const resumes = runs.reduce((n, r) => n + Math.max(0, r.attempts - 1) + Math.max(0, r.destroyAttempts - 1), 0);
  const unresumable = runs.filter((r) => r.unresumable).length;
  const leaks = runs.reduce((n, r) => n + r.leaks.length, 0);
  const kills = runs.reduce((n, r) => n + r.killed, 0);
  return `| ${label} | ${runs.length} | ${faults} | ${kills} | ${firstTry} | ${resumes} | ${unresumable} | ${leaks} | ${median(runs.map((r) => r.seconds)).toFixed(1)} |`;
}

export function resultsMarkdown(runs: RunReport[], info: { seeds: string; timeScale: number; date: string; totalSeconds: number; maxAttempts: number }, block = "results"): string {
  const ops = [...new Set(runs.map((r) => r.operation))].sort();
  const lines = [
    `<!-- chaos:${block}:start -->`,
    `Measured ${info.date}: ${runs.length} runs, seeds ${info.seeds}, simulator time scale ${info.timeScale}, at most ${info.maxAttempts} attempts per operation and per destroy, ${(info.totalSeconds / 60).toFixed(1)} minutes of runs in all.`,
    "",
    "| operation | runs | faults drawn | provider kills | first-try successes | resumes needed | failures to resume | leaks | median run, s |",
    "|---|---|---|---|---|---|---|---|---|",
    ...ops.map((op) => row(op, runs.filter((r) => r.operation === op))),
    row("**all**", runs),
    "",
  ];
  const byFault = new Map<string, number>();
  for (const r of runs) for (const f of r.faults) byFault.set(f.replace(/[@:=].*$/, ""), (byFault.get(f.replace(/[@:=].*$/, "")) ?? 0) + 1);
  lines.push(`Faults drawn, by kind: ${[...byFault.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ")}.`, "");
  const bad = runs.filter((r) => r.unresumable || r.leaks.length > 0);
  if (bad.length > 0) {
    lines.push("Runs that leaked or could not be resumed (replay with `npm run chaos -- --seed <seed> --runs 1 --verbose`):", "");
    for (const r of bad) {
      const leaks = r.leaks.map((l) => `${l.how} ${l.kind} ${l.what}`).join("; ");
      lines.push(`- seed ${r.seed} (${r.operation} ${r.shape}, ${r.faults.join(", ")}): ${r.unresumable ? `not resumed: ${r.errors.slice(-1)[0] ?? ""}` : ""}${leaks ? ` leaks: ${leaks}` : ""}`);
    }
    lines.push("");
  }
  lines.push(`<!-- chaos:${block}:end -->`);
  return lines.join("\n");
}
