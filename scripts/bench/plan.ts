// The order of the measured runs. Modes alternate which goes first from one repeat to the next, so a
// machine that warms up or slows down during the run does not favour one mode.
import type { Mode } from "./summary";

export interface PlannedRun {
  repeat: number;
  workers: number;
  mode: Mode;
}

export function planRuns(workers: readonly number[], repeats: number, only: readonly Mode[] = ["sequential", "parallel"]): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (let repeat = 1; repeat <= repeats; repeat++) {
    const modes: Mode[] = (repeat % 2 === 1 ? (["sequential", "parallel"] as Mode[]) : (["parallel", "sequential"] as Mode[])).filter((m) => only.includes(m));
    for (const w of workers) for (const mode of modes) runs.push({ repeat, workers: w, mode });
  }
  return runs;
}
