// Shared setup of the real-client cross-checks: a simulator in its DEFAULT mode (not strict: real
// clients send parameters CloudStack ignores, and CloudStack ignores them), whose user may expunge,
// and the connection plus seed ids every scenario reads as JSON on stdin.
import { spawn } from "node:child_process";
import { startSimulator, SEED_IDS, type Simulator } from "../../../simulator";
import { defaultSeed } from "../../../simulator/cloud";
import { generateRsaKeyPair } from "../../../simulator/cloud/sshkeys";

export async function startClientSim(): Promise<Simulator> {
  const seed = defaultSeed();
  seed.settings["allow.user.expunge.recover.vm"] = "true";
  return startSimulator({ timeScale: 0.002, seed, randomSeed: Math.floor(Math.random() * 1e9) });
}

export function scenarioInput(sim: Simulator): string {
  const iso = sim.isos[0];
  return JSON.stringify({
    apiUrl: sim.apiUrl,
    apiKey: sim.apiKey,
    secretKey: sim.secretKey,
    publicKey: generateRsaKeyPair("client@test").publicKey,
    isoUrl: iso.url,
    isoChecksum: `{SHA-256}${iso.sha256}`,
    ids: {
      zone: SEED_IDS.zone,
      template: SEED_IDS.templates.debianCks,
      small: SEED_IDS.offerings.small,
      large: SEED_IDS.offerings.large,
      networkOffering: SEED_IDS.networkOfferings.isolated,
    },
  });
}

export interface ScenarioRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client program with the scenario input on stdin (async, so the in-process simulator keeps serving). */
export function runScenario(argv: string[], input: string, env: NodeJS.ProcessEnv = process.env): Promise<ScenarioRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The API commands the simulator answered with something other than 200, for the failure message. */
export function refusedCalls(sim: Simulator): string[] {
  return sim.audit
    .records({ kind: "api" })
    .filter((r) => r.status !== 200)
    .map((r) => `${r.command} → ${String(r.status)}`);
}
