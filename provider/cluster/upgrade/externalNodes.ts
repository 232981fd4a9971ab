// Workers another resource joined to the cluster (ClusterNode, issue 13), found by their tags. The
// cluster's upgrade includes those with manual-upgrade "false", after its own workers, as CKS does for
// nodes added with addNodesToKubernetesCluster (cks-day2.md §1: "added nodes" last, manual_upgrade skipped).
import { parseList, tagMap, VmSchema } from "../entities";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { TAG } from "../tags";
import { scoped } from "../phases/validate";

export interface ExternalNodes {
  upgraded: NodeRecord[];
  /** Names of the manualUpgrade nodes the cluster's upgrade leaves alone. */
  skipped: string[];
}

export async function externalNodes(ctx: ClusterContext): Promise<ExternalNodes> {
  const vms = parseList(
    VmSchema,
    await ctx.api.listAll("listVirtualMachines", { ...scoped(ctx.inputs, {}), listall: true, tags: { [TAG.externalNodeOf]: ctx.clusterId } }, "virtualmachine"),
    "listVirtualMachines",
  );
  const out: ExternalNodes = { upgraded: [], skipped: [] };
  for (const vm of vms) {
    const tags = tagMap(vm.tags);
    if (tags[TAG.externalNodeOf] !== ctx.clusterId) continue;
    const name = tags[TAG.nodeName] ?? vm.name;
    if (tags[TAG.manualUpgrade] === "true") {
      out.skipped.push(name);
      continue;
    }
    const nic = vm.nic.find((n) => n.networkid === ctx.state.networkId) ?? vm.nic.find((n) => n.isdefault) ?? vm.nic[0];
    out.upgraded.push({ name, role: "worker", index: 0, virtualMachineId: vm.id, privateIp: nic?.ipaddress, sshPort: Number(tags[TAG.sshPort] ?? 22), external: true });
  }
  return out;
}
