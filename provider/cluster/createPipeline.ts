// The create pipeline: ordered phases that each probe live state and do only what is missing
// (DESIGN rule 2). Re-running it with the same state (same cluster id and key) resumes a failed create.
import type { ClusterInputs } from "../resources/clusterInputs";
import type { ClusterState } from "./clusterState";
import { ClusterContext, PhaseError } from "./context";
import type { CloudApi } from "./cloudApi";
import { describeCloudError } from "./cloudErrors";
import { Deadline } from "./deadline";
import type { NodeConnector } from "./nodeShell";
import { Progress } from "./progress";
import { validatePhase } from "./phases/validate";
import { networkPhase } from "./phases/network";
import { keysPhase } from "./phases/keys";
import { publicIpPhase } from "./phases/publicIp";
import { vmsPhase } from "./phases/vms";
import { attachIsoPhase, detachIsoPhase } from "./phases/iso";
import { rulesPhase } from "./phases/rules";
import { cloudInitPhase, etcdPhase, initPhase, installPhase, joinPhase } from "./phases/bootstrap";
import { cniPhase, dashboardPhase, kubeconfigPhase, nodesReadyPhase } from "./phases/addons";
import { planNodes, mergeNodes } from "./clusterState";
import { scaleDownPhase } from "./phases/scaleDown";

export interface PipelineDeps {
  api: CloudApi;
  connector: NodeConnector;
  deadline: Deadline;
  progress?: Progress;
  concurrency?: number;
}

export interface Phase {
  name: string;
  run(ctx: ClusterContext): Promise<void>;
}

export function createPhases(): Phase[] {
  let freshInit = false;
  return [
    { name: "validate", run: validatePhase },
    { name: "network", run: networkPhase },
    { name: "keys", run: keysPhase },
    { name: "public-ip", run: publicIpPhase },
    { name: "vms", run: vmsPhase },
    { name: "iso", run: attachIsoPhase },
    { name: "rules", run: rulesPhase },
    { name: "cloud-init", run: cloudInitPhase },
    { name: "install", run: installPhase },
    { name: "etcd", run: etcdPhase },
    { name: "kubeadm-init", run: async (ctx) => void (freshInit = await initPhase(ctx)) },
    { name: "join", run: (ctx) => joinPhase(ctx, freshInit) },
    { name: "cni", run: cniPhase },
    { name: "dashboard", run: dashboardPhase },
    { name: "ready", run: nodesReadyPhase },
    { name: "kubeconfig", run: kubeconfigPhase },
    { name: "detach-iso", run: detachIsoPhase },
  ];
}

/** Totals over the nodes, from the offerings learnt in validate. */
function totals(ctx: ClusterContext): void {
  let cpu = 0;
  let memory = 0;
  for (const node of ctx.state.nodes) {
    const o = ctx.facts.offerings?.[node.role];
    cpu += o?.cpu ?? 0;
    memory += o?.memory ?? 0;
  }
  ctx.state.cpuNumber = cpu;
  ctx.state.memory = memory;
}

/**
 * Runs every phase against `state` (mutated as it goes, so a failure leaves the partial state in it).
 * Throws a PhaseError naming the phase, the node and the cause.
 */
export async function runCreatePipeline(inputs: ClusterInputs, state: ClusterState, deps: PipelineDeps, phases: Phase[] = createPhases()): Promise<ClusterState> {
  const planned = mergeNodes(planNodes(state.prefix, inputs, false), state.nodes);
  // Workers recorded by an earlier run but beyond the new size (a scale-down): removed after validate.
  const removed = state.nodes.filter((n) => !planned.some((p) => p.name === n.name));
  const ctx = new ClusterContext({ api: deps.api, inputs, state, connector: deps.connector, deadline: deps.deadline, progress: deps.progress, concurrency: deps.concurrency });
  if (removed.length > 0) {
    const at = phases.findIndex((p) => p.name === "validate") + 1;
    phases = [...phases.slice(0, at), { name: "scale-down", run: (c) => scaleDownPhase(c, removed) }, ...phases.slice(at)];
  }
  const adoptPlan: Phase = {
    name: "plan",
    run: async () => {
      state.nodes = state.directAccess ? planned.map((n) => ({ ...n, sshPort: 22 })) : planned;
    },
  };
  const vmsAt = Math.max(0, phases.findIndex((p) => p.name === "vms"));
  phases = [...phases.slice(0, vmsAt), adoptPlan, ...phases.slice(vmsAt)];
  try {
    for (const phase of phases) {
      ctx.progress.line(phase.name, "started");
      try {
        await phase.run(ctx);
      } catch (err) {
        if (err instanceof PhaseError) throw err;
        throw new PhaseError(phase.name, undefined, describeCloudError(err));
      }
      if (phase.name === "plan") totals(ctx);
    }
    state.state = "Running";
    delete state.stateReason;
    ctx.progress.line("done", `cluster is Running at ${state.endpoint ?? "?"}`);
    return state;
  } catch (err) {
    state.state = "Error";
    state.stateReason = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    ctx.closeShells();
  }
}
