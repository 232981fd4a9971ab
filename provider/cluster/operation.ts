// The one runner every cluster operation goes through (create, upgrade, offering change, stop, start,
// repair). An operation is a plain list of named phases; each phase probes live state and then does
// only what is missing (DESIGN rule 2), so running the same list again after any failure resumes.
// The runner prints one progress line per phase with the elapsed time and names the phase that failed.
import type { ClusterContext } from "./context";
import { PhaseError } from "./context";
import { describeCloudError } from "./cloudErrors";

export interface Phase {
  name: string;
  run(ctx: ClusterContext): Promise<void>;
}

/** Seconds since `startedAt`, for progress lines ("12.3s"). */
export function elapsed(startedAt: number): string {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
}

/**
 * Runs `phases` in order against `ctx`. Any failure becomes a PhaseError naming the phase (and the node
 * when the phase knew it); `ctx.state` keeps whatever the phases recorded before it, for the resume.
 */
export async function runPhases(ctx: ClusterContext, operation: string, phases: readonly Phase[]): Promise<void> {
  const started = Date.now();
  for (const phase of phases) {
    const phaseStarted = Date.now();
    ctx.progress.line(phase.name, "started");
    try {
      await phase.run(ctx);
    } catch (err) {
      if (err instanceof PhaseError) throw err;
      throw new PhaseError(phase.name, undefined, describeCloudError(err));
    }
    ctx.progress.line(phase.name, `done in ${elapsed(phaseStarted)}`);
  }
  ctx.progress.line(operation, `finished in ${elapsed(started)}`);
}
