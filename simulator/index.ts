// Public entry of the embedded CloudStack simulator (`pulumi-cloudstack-kubernetes/simulator`):
// startSimulator() brings up a CloudStack-compatible API with simulated VMs, ISOs, faults and audit.
import { startSimulatorWith, type Simulator, type SimulatorOptions, type SimulatorParts } from "./api/assemble";
import { loadSeed } from "./api/seedKeys";
import { createCloud } from "./cloud";
import { buildIsoCatalog } from "./iso";
import { createNodeRuntime } from "./node";

const realParts: SimulatorParts = { loadSeed, createCloud, createNodeRuntime, buildIsoCatalog };

/**
 * Start a simulator: HTTP API on host:port (default 127.0.0.1, any free port), the default or given
 * seed world, ISOs, simulated nodes. `stop()` closes everything and saves `stateFile` if given.
 */
export function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulatorWith(realParts, options);
}

export type { Simulator, SimulatorOptions, IsoIndexEntry, KeyPair } from "./api/assemble";
export { loadSeed } from "./api/seedKeys";
export { computeSignature } from "./api/signature";
export { FaultController, parseFaultSpec, formatFaultSpec, FaultSpecError, KNOWN_FAULTS, type FaultSpec, type FaultRule } from "./faults";
export { AuditLog, type AuditFilter } from "./audit";
export { createClock } from "./clock";
export { SEED_IDS } from "./cloud";
export type { AuditRecord, SimClock, Cloud } from "./contracts";
