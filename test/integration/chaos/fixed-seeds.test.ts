// The CI subset of `npm run chaos` (issue 14): six fixed seeds that together cover every operation,
// every fault kind the driver draws, kills at phase boundaries and at random moments, and HA shapes
// (a greedy cover of seeds 1..200), and two day-2 seeds. Seed 52 passes alone but failed twice under
// a loaded CI (once a delete ran out of attempts on 530s, fixed by deleteRetryable; once SSH to
// control-1 was lost 22 times in a row during a scale): replay it with `npm run chaos -- --seed 52`. The 200-run table in docs/chaos.md is the breadth; this is the guard. Each
// run must end with its operation done within the attempt bound, the destroy done, and the admin
// audit showing the world exactly as before the run.
import { drawPlan } from "../../../scripts/chaos/plan";
import { runOne } from "../../../scripts/chaos/runOne";
import { startSession, type Session } from "../../../scripts/chaos/session";

const TIME_SCALE = 0.002;
export const CI_SEEDS = [1, 8, 38, 69, 110, 167];
/** The first seeds were chosen among create, size change and delete; these among upgrade and offering change. */
const FIRST_OPERATIONS = ["create", "scale", "delete"] as const;
const DAY2_OPERATIONS = ["upgrade", "offering"] as const;
export const DAY2_SEEDS = [1, 2];

let session: Session;
beforeAll(async () => {
  session = await startSession({ timeScale: TIME_SCALE, seed: 1, createTimeout: "90s" });
}, 120_000);
afterAll(async () => {
  await session?.sim.stop();
});

it("covers every operation, kills at a phase and at random, and job, API, node and throttle faults", () => {
  const plans = CI_SEEDS.map((s) => drawPlan(s, FIRST_OPERATIONS));
  expect(new Set(plans.map((p) => p.operation))).toEqual(new Set(["create", "scale", "delete"]));
  expect(new Set(plans.flatMap((p) => (p.kill ? [p.kill.kind] : [])))).toEqual(new Set(["phase", "after"]));
  const kinds = new Set(plans.flatMap((p) => p.faults.map((f) => f.name.replace(/[@:=].*$/, ""))));
  expect(plans.some((p) => p.shape.controlNodes > 1)).toBe(true);
  for (const k of ["job", "api-431", "api-500", "api-503", "api-530", "throttle", "boot-hang", "ssh-drop", "kubelet-fail", "cloudinit-hang", "node-never-ready", "deploy-capacity", "kill"]) expect(kinds).toContain(k);
});

it("draws both day-2 operations, with a kill", () => {
  const plans = DAY2_SEEDS.map((s) => drawPlan(s, DAY2_OPERATIONS));
  expect(new Set(plans.map((p) => p.operation))).toEqual(new Set(DAY2_OPERATIONS));
  expect(plans.some((p) => p.kill)).toBe(true);
});

const CASES = [...CI_SEEDS.map((seed) => ({ seed, ops: FIRST_OPERATIONS as readonly string[] })), ...DAY2_SEEDS.map((seed) => ({ seed, ops: DAY2_OPERATIONS as readonly string[] }))];

it.each(CASES)("seed $seed of $ops: resumed within the bound, destroyed, nothing leaked", async ({ seed, ops }) => {
  const plan = drawPlan(seed, ops as Parameters<typeof drawPlan>[1]);
  const report = await runOne({ sim: session.sim, timeScale: TIME_SCALE, baseInputs: session.baseInputs, versions: session.versions, maxAttempts: 6, callTimeoutMs: 240_000 }, plan);
  // The errors are in the message so a failure says what the provider answered.
  expect({ unresumable: report.unresumable, leaks: report.leaks, lastError: report.unresumable ? report.errors.slice(-1)[0] : undefined }).toEqual({ unresumable: false, leaks: [], lastError: undefined });
  expect(report.destroyAttempts).toBeGreaterThanOrEqual(1);
}, 900_000);
