// What one chaos run draws from its seed: a cluster shape, a fault plan (simulator fault grammar,
// simulator/faults/spec.ts), an operation, and where the provider process gets killed.
import { Rng } from "./random";
import type { KillTrigger } from "./driver";
import { OPERATIONS, type OperationName } from "./operations";

export interface Shape {
  controlNodes: number;
  size: number;
}

export interface DrawnFault {
  /** Short name for the table ("api-530", "job:createPortForwardingRule", "kill@rules", ...). */
  name: string;
  /** Fault grammar entry; absent for the kill, which the driver does itself. */
  spec?: string;
}

export interface RunPlan {
  seed: number;
  shape: Shape;
  operation: OperationName;
  faults: DrawnFault[];
  /** Where the first attempt of the operation under test is killed (undefined = not killed). */
  kill?: KillTrigger;
}

/** Phases a create announces, in order (provider/cluster/createPipeline.ts): kill points at their boundaries. */
export const CREATE_PHASES = ["network", "keys", "public-ip", "plan", "vms", "iso", "rules", "cloud-init", "install", "kubeadm-init", "join", "cni", "dashboard", "ready", "kubeconfig", "detach-iso"] as const;

/** Async jobs of a destroy. */
const DELETE_JOBS = ["destroyVirtualMachine", "deleteFirewallRule", "deletePortForwardingRule", "deleteLoadBalancerRule", "disassociateIpAddress", "deleteNetwork"] as const;

/** Async jobs whose failure the provider must survive (each fails once). */
const JOB_COMMANDS = [
  "associateIpAddress",
  "deployVirtualMachine",
  "attachIso",
  "detachIso",
  "createFirewallRule",
  "createPortForwardingRule",
  "createLoadBalancerRule",
  "assignToLoadBalancerRule",
  "createTags",
  "destroyVirtualMachine",
  "deleteFirewallRule",
  "deletePortForwardingRule",
  "deleteLoadBalancerRule",
  "disassociateIpAddress",
  "deleteNetwork",
] as const;

function nodeMatch(rng: Rng, shape: Shape): string {
  if (rng.chance(0.3)) return `control-${rng.int(1, shape.controlNodes)}`;
  return `worker-${rng.int(1, shape.size)}`;
}

/** Faults a destroy can meet: API errors, its own failed jobs, throttling (node faults cannot fire). */
function drawDeleteFault(rng: Rng): DrawnFault {
  const kind = rng.int(0, 3);
  if (kind === 0) {
    const code = rng.pick([530, 500, 503] as const);
    const rate = rng.pick([0.02, 0.05] as const);
    return { name: `api-${code}@${rate}`, spec: `cmd=*:rate=${rate}:code=${code}` };
  }
  if (kind === 1) return { name: "api-431:*", spec: "cmd=*:rate=0.1:code=431:count=1" };
  if (kind === 2) return { name: "throttle=15", spec: "throttle=15" };
  const command = rng.pick(DELETE_JOBS);
  return { name: `job:${command}`, spec: `job=${command}:rate=1:code=530:count=1` };
}

function drawFault(rng: Rng, shape: Shape): DrawnFault {
  const kind = rng.int(0, 10);
  switch (kind) {
    case 0: {
      // Transient server errors at a rate on every command: reads and polls must retry.
      const code = rng.pick([530, 500, 503] as const);
      const rate = rng.pick([0.01, 0.02, 0.04] as const);
      return { name: `api-${code}@${rate}`, spec: `cmd=*:rate=${rate}:code=${code}` };
    }
    case 1: {
      // A refused parameter (431) is not transient: it fails the operation once, the resume goes on.
      const command = rng.pick(["*", "createNetwork", "registerSSHKeyPair", "deployVirtualMachine", "createTags"] as const);
      return { name: `api-431:${command}`, spec: `cmd=${command}:rate=${command === "*" ? 0.05 : 1}:code=431:count=1` };
    }
    case 2:
    case 3: {
      const command = rng.pick(JOB_COMMANDS);
      return { name: `job:${command}`, spec: `job=${command}:rate=1:code=530:count=1` };
    }
    case 4: {
      const limit = rng.pick([15, 25, 40] as const);
      return { name: `throttle=${limit}`, spec: `throttle=${limit}` };
    }
    case 5: {
      const m = nodeMatch(rng, shape);
      return { name: "boot-hang", spec: `boot-hang:match=${m}:count=1` };
    }
    case 6:
      return { name: "ssh-drop", spec: `ssh-drop:rate=${rng.pick([0.05, 0.15] as const)}:count=3` };
    case 7:
      return { name: "kubelet-fail", spec: `kubelet-fail:match=${nodeMatch(rng, shape)}:count=1` };
    case 8:
      return { name: "cloudinit-hang", spec: `cloudinit-hang:match=${nodeMatch(rng, shape)}:count=1` };
    case 9:
      return { name: "node-never-ready", spec: `node-never-ready:match=${nodeMatch(rng, shape)}:count=1` };
    default:
      return { name: "deploy-capacity", spec: `deploy-capacity:match=${nodeMatch(rng, shape)}:count=1` };
  }
}

export function drawPlan(seed: number, operations: readonly OperationName[] = Object.keys(OPERATIONS) as OperationName[]): RunPlan {
  const rng = new Rng(seed);
  const shape: Shape = { controlNodes: rng.pick([1, 1, 1, 3] as const), size: rng.int(1, 3) };
  const operation = rng.pick(operations);
  const faults: DrawnFault[] = [];
  const count = rng.int(0, 2);
  for (let i = 0; i < count; i++) {
    const f = operation === "delete" ? drawDeleteFault(rng) : drawFault(rng, shape);
    if (!faults.some((x) => x.name === f.name)) faults.push(f);
  }
  let kill: KillTrigger | undefined;
  if (rng.chance(0.6)) {
    const phases = OPERATIONS[operation].killPhases;
    if (phases.length > 0 && rng.chance(0.6)) {
      kill = { kind: "phase", phase: rng.pick(phases) };
      faults.push({ name: `kill@${kill.phase}` });
    } else {
      kill = { kind: "after", ms: rng.int(300, 6000) };
      faults.push({ name: "kill@random" });
    }
  }
  return { seed, shape, operation, faults, kill };
}

/** The simulator fault spec of a plan (without the kill). */
export function faultSpec(plan: RunPlan): string {
  return plan.faults.flatMap((f) => (f.spec ? [f.spec] : [])).join(";");
}
