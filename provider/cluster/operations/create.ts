// Create (and resume, and worker scaling): the phases in the order they run. A re-run with the same
// state (same cluster id and key) resumes: every phase probes first. A size change runs the same list:
// `scale-down` removes workers beyond the new size, `vms` and `join` add the missing ones.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterContext } from "../context";
import type { ClusterState, NodeRecord } from "../clusterState";
import type { Phase } from "../operation";
import { mergeNodes, planNodes } from "../clusterState";
import { validatePhase } from "../phases/validate";
import { scaleDownPhase } from "../phases/scaleDown";
import { networkPhase } from "../phases/network";
import { keysPhase } from "../phases/keys";
import { publicIpPhase } from "../phases/publicIp";
import { vmsPhase } from "../phases/vms";
import { attachIsoPhase, detachIsoPhase } from "../phases/iso";
import { rulesPhase } from "../phases/rules";
import { aclPhase } from "../phases/vpc";
import { affinityPhase } from "../phases/affinity";
import { cloudInitPhase, etcdPhase, initPhase, installPhase, joinPhase } from "../phases/bootstrap";
import { cniPhase, dashboardPhase, kubeconfigPhase, nodesReadyPhase } from "../phases/addons";
import { recordCertificateExpiry } from "../phases/certificates";

export function createOperation(inputs: ClusterInputs, state: ClusterState): Phase[] {
  const planned = mergeNodes(planNodes(state.prefix, inputs, false), state.nodes);
  // Workers recorded by an earlier run but beyond the new size (a scale-down).
  const removed = state.nodes.filter((n) => !planned.some((p) => p.name === n.name));
  return [
    { name: "validate", run: validatePhase },
    { name: "scale-down", run: (ctx) => scaleDownPhase(ctx, removed) },
    { name: "network", run: networkPhase },
    { name: "acl", run: aclPhase },
    { name: "keys", run: keysPhase },
    { name: "affinity", run: affinityPhase },
    { name: "public-ip", run: publicIpPhase },
    { name: "plan", run: async (ctx) => adoptPlan(ctx, planned) },
    { name: "vms", run: vmsPhase },
    { name: "iso", run: attachIsoPhase },
    { name: "rules", run: rulesPhase },
    { name: "cloud-init", run: cloudInitPhase },
    { name: "install", run: installPhase },
    { name: "etcd", run: etcdPhase },
    { name: "kubeadm-init", run: async (ctx) => void (ctx.facts.freshInit = await initPhase(ctx)) },
    { name: "join", run: (ctx) => joinPhase(ctx, ctx.facts.freshInit === true) },
    { name: "cni", run: cniPhase },
    { name: "dashboard", run: dashboardPhase },
    { name: "ready", run: nodesReadyPhase },
    { name: "kubeconfig", run: kubeconfigPhase },
    { name: "certificates", run: recordCertificateExpiry },
    { name: "detach-iso", run: detachIsoPhase },
  ];
}

/** The planned nodes become the state's (ports fixed at 22 on direct-access networks), with totals. */
function adoptPlan(ctx: ClusterContext, planned: NodeRecord[]): void {
  ctx.state.nodes = ctx.state.directAccess ? planned.map((n) => ({ ...n, sshPort: 22 })) : planned;
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
