// One chaos run: world snapshot, the cluster the operation starts from (no faults), the operation
// under faults with the first attempt killed where the plan says, repeated until it succeeds (bounded),
// then destroy (repeated, bounded), then the leak audit against the snapshot.
// Between attempts only what the engine would have recorded survives: the id and outputs of the last
// create/update that returned (or failed with a partial state, ErrorResourceInitFailed). A killed
// create records nothing, so the next attempt is a create again, as after a crashed `pulumi up`.
import { performance } from "node:perf_hooks";
import type { Simulator } from "../../simulator";
import { compareWorlds, snapshotWorld, type Leak } from "./audit";
import { callProvider, type KillTrigger } from "./driver";
import { OPERATIONS, type Patch } from "./operations";
import type { SessionVersions } from "./session";
import { faultSpec, type RunPlan } from "./plan";
import type { ChildRequest } from "./protocol";

type Props = Record<string, unknown>;

export interface RunContext {
  sim: Simulator;
  timeScale: number;
  /** The cluster inputs without shape (connection, zone, version, offering, template, timeouts). */
  baseInputs: Props;
  /** The session's two versions (upgrades go from the first to the next). */
  versions: SessionVersions;
  /** Attempts per operation (the first included) before the run counts as unresumable. */
  maxAttempts: number;
  /** A wall-clock bound per provider call (the provider's own deadline comes from `timeouts`). */
  callTimeoutMs: number;
  log?: (line: string) => void;
}

export interface RunReport {
  seed: number;
  operation: string;
  shape: string;
  faults: string[];
  /** Attempts the operation under test took (1 = first try), 0 when setup failed. */
  attempts: number;
  firstTry: boolean;
  /** The operation (or its destroy) did not succeed within the bound. */
  unresumable: boolean;
  destroyAttempts: number;
  killed: number;
  leaks: Leak[];
  seconds: number;
  errors: string[];
}

interface Recorded {
  id?: string;
  outs?: Props;
}

class Engine {
  recorded: Recorded = {};
  killed = 0;
  errors: string[] = [];
  constructor(private readonly ctx: RunContext, private readonly name: string) {}

  private async call(req: ChildRequest, kill?: KillTrigger): Promise<boolean> {
    const out = await callProvider(req, { kill, timeoutMs: this.ctx.callTimeoutMs, onLine: this.ctx.log });
    if (out.killed) {
      this.killed++;
      this.ctx.log?.(`  ${this.name}: ${req.call} killed in phase ${out.lastPhase ?? "(none)"} after ${out.ms} ms`);
      return false;
    }
    const r = out.result;
    if (!r) {
      this.errors.push(`${req.call}: the provider process died without a result: ${out.stderr.trim().split("\n").slice(-3).join(" | ")}`);
      return false;
    }
    if (r.ok) {
      this.recorded = req.call === "delete" ? {} : { id: r.id, outs: r.outs };
      return true;
    }
    this.errors.push(`${req.call}: ${r.error ?? "failed"}`);
    this.ctx.log?.(`  ${this.name}: ${req.call} failed: ${r.error ?? ""}`);
    if (r.initError && r.id && r.outs) this.recorded = { id: r.id, outs: r.outs };
    return false;
  }

  /** `pulumi up` with these inputs: create when nothing is recorded, else update (which resumes). */
  up(news: Props, kill?: KillTrigger): Promise<boolean> {
    const base = { timeScale: this.ctx.timeScale, news };
    if (!this.recorded.id) return this.call({ ...base, call: "create" }, kill);
    return this.call({ ...base, call: "update", id: this.recorded.id, olds: this.recorded.outs }, kill);
  }

  /** `pulumi destroy`: nothing recorded = nothing to do (a leak then shows in the audit). */
  async destroy(kill?: KillTrigger): Promise<boolean> {
    if (!this.recorded.id) return true;
    return this.call({ call: "delete", timeScale: this.ctx.timeScale, id: this.recorded.id, olds: this.recorded.outs }, kill);
  }
}

async function repeat(max: number, attempt: (n: number) => Promise<boolean>): Promise<number | undefined> {
  for (let n = 1; n <= max; n++) if (await attempt(n)) return n;
  return undefined;
}

export async function runOne(ctx: RunContext, plan: RunPlan): Promise<RunReport> {
  const started = performance.now();
  const { sim } = ctx;
  const op = OPERATIONS[plan.operation];
  const name = `chaos-${plan.seed}`;
  const inputs = (patch: Patch): Props => ({ ...ctx.baseInputs, name, ...patch });
  const engine = new Engine(ctx, name);
  const keys = { apiUrl: sim.apiUrl, adminApiKey: sim.adminApiKey, adminSecretKey: sim.adminSecretKey };
  sim.faults.clear();
  const before = await snapshotWorld(keys);
  let attempts = 0;
  let unresumable = false;
  const setup = "before" in op ? op.before(plan.shape, ctx.versions) : undefined;
  const setupOk = setup === undefined || (await repeat(ctx.maxAttempts, () => engine.up(inputs(setup)))) !== undefined;
  if (!setupOk) {
    unresumable = true;
    engine.errors.push("setup (no faults) did not converge");
  } else {
    sim.faults.set(faultSpec(plan));
    const target = op.target(plan.shape, ctx.versions);
    const done = await repeat(ctx.maxAttempts, (n) => {
      attempts = n;
      const kill = n === 1 ? plan.kill : undefined;
      return target === "destroy" ? engine.destroy(kill) : engine.up(inputs(target), kill);
    });
    if (done === undefined) unresumable = true;
  }
  // Destroy under the same faults (no kill), bounded; what it cannot remove shows up as leaks.
  let destroyAttempts = 0;
  const destroyed = await repeat(ctx.maxAttempts, async (n) => {
    destroyAttempts = n;
    return engine.destroy();
  });
  if (destroyed === undefined) unresumable = true;
  sim.faults.clear();
  await sim.jobsIdle();
  const leaks = compareWorlds(before, await snapshotWorld(keys));
  return {
    seed: plan.seed,
    operation: plan.operation,
    shape: `${plan.shape.controlNodes}+${plan.shape.size}`,
    faults: plan.faults.map((f) => f.name),
    attempts,
    firstTry: attempts === 1 && !unresumable,
    unresumable,
    destroyAttempts,
    killed: engine.killed,
    leaks,
    seconds: (performance.now() - started) / 1000,
    errors: engine.errors,
  };
}
