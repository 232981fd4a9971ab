// Running the example programs offline in tests: the runner (scripts/runner) plus a simulator and the
// stack config an example needs from it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, type Simulator } from "../../simulator";
import { runProgram, readProject, readState, type RunProgramOptions, type RunResult } from "../../scripts/runner";
import { simulatorStackConfig, type StackConfig } from "../../scripts/runner/simConfig";

export { runProgram, readProject, readState, simulatorStackConfig };
export type { RunResult, StackConfig };

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const exampleDir = (name: string): string => path.join(REPO_ROOT, "examples", name);

export async function startProgramSim(timeScale = 0.005): Promise<Simulator> {
  return startSimulator({ timeScale, randomSeed: Math.floor(Math.random() * 1e9), strict: true });
}

/**
 * Config for `projectDir` against `sim`, with the admin keys: the user account may not expunge
 * VMs (allow.user.expunge.recover.vm=false), so its networks would outlive a destroy by expunge.delay.
 */
export async function configFor(sim: Simulator, projectDir: string, extra: Record<string, string> = {}): Promise<StackConfig> {
  const endpoint = { apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey, isos: sim.isos };
  return simulatorStackConfig(endpoint, readProject(projectDir).name, { extra });
}

/** A stack: one state file in a fresh temp dir, and `up` / `destroy` / `refresh` with given config. */
export function stack(projectDir: string, base: StackConfig, hostEnv: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cks-stack-"));
  const stateFile = path.join(dir, "state.json");
  const log: string[] = [];
  const run = (operation: NonNullable<RunProgramOptions["operation"]>, extra: Record<string, string> = {}): Promise<RunResult> => {
    const project = readProject(projectDir).name;
    const config = { ...base.config };
    for (const [k, v] of Object.entries(extra)) config[k.includes(":") ? k : `${project}:${k}`] = v;
    return runProgram({ projectDir, stateFile, operation, config, secretConfigKeys: base.secretConfigKeys, hostEnv, onLine: (l) => log.push(l) });
  };
  return {
    stateFile,
    log,
    up: (extra?: Record<string, string>) => run("up", extra),
    preview: (extra?: Record<string, string>) => run("preview", extra),
    destroy: () => run("destroy"),
    refresh: () => run("refresh"),
    state: () => readState({ projectDir, stateFile }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Step kinds by resource name, in order: e.g. [["k8s-version","create"],["quickstart","create"]]. */
export function stepSummary(result: RunResult): [string, string][] {
  return result.steps.map((s) => [s.urn.split("::").pop() ?? s.urn, s.kind]);
}

/** Fails with the run's errors and its last lines, so a broken deployment explains itself. */
export function expectOk(result: RunResult, log: string[]): void {
  if (!result.ok) throw new Error(`the ${result.operation} failed: ${result.errors.join(" | ")}\n${log.slice(-30).join("\n")}`);
}
