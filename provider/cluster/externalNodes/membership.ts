// External nodes (issue 13): VMs a ClusterNode joined to a cluster, found by their tags (tags.ts:
// externalNodeOf = the cluster id, nodeName, sshPort, manualUpgrade). They never carry the cluster-id
// tag, so the cluster's own scale, read-by-prefix and teardown never take them for cluster VMs.
import type { CloudApi } from "../cloudApi";
import type { NodeRecord } from "../clusterState";
import { parseList, tagMap, VmSchema, type Vm } from "../entities";
import { scoped } from "../phases/validate";
import { TAG } from "../tags";

const GONE = new Set(["Destroyed", "Expunging", "Error"]);

export interface ExternalScope {
  account?: string;
  domainId?: string;
  projectId?: string;
}

/** VMs tagged as external nodes of the cluster (not destroyed). */
export async function externalNodeVms(api: CloudApi, clusterId: string, scope: ExternalScope = {}): Promise<Vm[]> {
  const items = await api.listAll("listVirtualMachines", { ...scoped(scope, {}), listall: true, tags: { [TAG.externalNodeOf]: clusterId } }, "virtualmachine");
  // CloudStack ORs several tag filters and matches keys loosely on some versions: check the value ourselves.
  return parseList(VmSchema, items, "listVirtualMachines").filter((vm) => tagMap(vm.tags)[TAG.externalNodeOf] === clusterId && !GONE.has(vm.state));
}

/** The cluster's node record of an external node VM. */
export function externalNodeRecord(vm: Vm): NodeRecord {
  const tags = tagMap(vm.tags);
  const ip = vm.nic.find((n) => n.isdefault)?.ipaddress ?? vm.nic[0]?.ipaddress;
  const port = Number(tags[TAG.sshPort] ?? 22);
  return {
    name: tags[TAG.nodeName] ?? vm.name.toLowerCase(),
    role: "worker",
    index: 0,
    virtualMachineId: vm.id,
    ...(ip ? { privateIp: ip } : {}),
    sshPort: Number.isInteger(port) ? port : 22,
    state: vm.state,
    external: true,
  };
}

/** The cluster's nodes as read: its own (recorded) nodes, then the external ones found now. */
export function withExternalNodes(own: readonly NodeRecord[], external: readonly Vm[]): NodeRecord[] {
  return [...own.filter((n) => !n.external), ...external.map(externalNodeRecord)];
}

/**
 * CKS refuses to delete a cluster that still has external nodes (KubernetesClusterManagerImpl
 * deleteKubernetesCluster, PR #9102): they are someone else's VMs, and destroying the cluster would
 * leave them half-joined. Within one stack Pulumi deletes the ClusterNodes first (they depend on it).
 */
export async function refuseDeleteWithExternalNodes(api: CloudApi, clusterId: string, name: string, scope: ExternalScope = {}): Promise<void> {
  const vms = await externalNodeVms(api, clusterId, scope);
  if (vms.length === 0) return;
  const names = vms.map((vm) => `${tagMap(vm.tags)[TAG.nodeName] ?? vm.name} (VM ${vm.id})`).join(", ");
  throw new Error(
    `KubernetesCluster ${name}: cannot delete the cluster while external nodes remain: ${names}. ` +
      "Delete their ClusterNode resources first (the VMs are kept), or remove them from the stack and run `pulumi up`.",
  );
}
