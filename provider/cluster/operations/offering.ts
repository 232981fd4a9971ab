// Service offerings in place (serviceOfferingId, nodeOfferings): control nodes one by one, etcd
// members one by one, workers in batches of upgrade.maxUnavailable. Each node is scaled live where
// CloudStack can, else rolled (cordon, drain, stop, new offering, start, Ready, uncordon), so the
// cluster keeps serving; CKS refuses this on KVM. Resumable node by node: each VM's offering is probed.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import type { Phase } from "../operation";
import { mapLimit } from "../concurrency";
import { validateOffering } from "../resize/validateOffering";
import { resizeNode } from "../resize/resizeNode";
import { batchSize, batches } from "../upgrade/policy";
import { rollingSettings } from "../upgrade/settings";

export function offeringOperation(inputs: ClusterInputs): Phase[] {
  const settings = rollingSettings(inputs);
  const target = (ctx: ClusterContext, node: NodeRecord): string => {
    const offering = ctx.facts.offerings?.[node.role];
    if (!offering) throw new Error(`internal: no offering for ${node.role} nodes after validate-offering`);
    return offering.id;
  };
  const oneByOne = (role: NodeRecord["role"]) => async (ctx: ClusterContext) => {
    for (const node of ctx.nodesOf(role)) await resizeNode(ctx, role, node, target(ctx, node), settings);
  };
  return [
    { name: "validate-offering", run: validateOffering },
    { name: "control", run: oneByOne("control") },
    { name: "etcd", run: oneByOne("etcd") },
    {
      name: "worker",
      run: async (ctx) => {
        const workers = ctx.nodesOf("worker");
        for (const batch of batches(workers, batchSize(settings.maxUnavailable, workers.length))) {
          await mapLimit(batch, batch.length, (node) => resizeNode(ctx, "worker", node, target(ctx, node), settings));
        }
      },
    },
    {
      name: "totals",
      run: async (ctx) => {
        ctx.state.cpuNumber = ctx.state.nodes.reduce((sum, n) => sum + (ctx.facts.offerings?.[n.role]?.cpu ?? 0), 0);
        ctx.state.memory = ctx.state.nodes.reduce((sum, n) => sum + (ctx.facts.offerings?.[n.role]?.memory ?? 0), 0);
      },
    },
  ];
}
