// Shared setup for the ClusterNode tests: a VM deployed outside the provider and the ClusterNode inputs
// taken from a cluster's outputs, the way sdk/clusterNode.ts maps `cluster: myCluster`.
import type { Simulator } from "../../../simulator";
import { SEED_IDS } from "../../../simulator";
import { api, connection } from "../cluster/harness";
import { makeClusterNodeProvider } from "../../../provider/resources/clusterNode";

export function nodeProvider(progress: (line: string) => void = () => undefined) {
  return makeClusterNodeProvider({ progressSink: progress });
}

/** The ClusterNode inputs a Pulumi program gets from `cluster: myCluster` (sdk/clusterNode.ts). */
export function nodeArgs(sim: Simulator, cluster: Record<string, unknown>, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...connection(sim),
    clusterId: cluster.clusterId,
    clusterName: cluster.name,
    zoneId: cluster.zoneId,
    networkId: cluster.networkId,
    ipAddress: cluster.ipAddress,
    ipAddressId: cluster.ipAddressId,
    keypairName: cluster.keypairName,
    sshPrivateKey: cluster.sshPrivateKey,
    sshPublicKey: cluster.sshPublicKey,
    clusterNodes: cluster.nodes,
    hostKeys: cluster.hostKeys,
    kubernetesVersionId: cluster.kubernetesVersionId,
    kubernetesVersion: cluster.kubernetesVersion,
    timeouts: { create: "3m", update: "3m", delete: "3m" },
    __provider: "serialized-shim",
    ...patch,
  };
}

/** Deploys a VM the way an operator would, outside the provider: on the cluster's network, with its keypair. */
export async function deployOwnVm(sim: Simulator, cluster: Record<string, unknown>, opts: { name: string; keypair?: string; offering?: string; networkId?: string }): Promise<string> {
  const r = (await api(sim).request("deployVirtualMachine", {
    zoneid: SEED_IDS.zone,
    serviceofferingid: opts.offering ?? SEED_IDS.offerings.small,
    templateid: SEED_IDS.templates.debianCks,
    networkids: [opts.networkId ?? String(cluster.networkId)],
    name: opts.name,
    ...(opts.keypair === "" ? {} : { keypair: opts.keypair ?? String(cluster.keypairName) }),
  })) as { virtualmachine: { id: string } };
  return r.virtualmachine.id;
}

export async function vmOf(sim: Simulator, id: string): Promise<{ id: string; state: string; isoid?: string; tags: { key: string; value: string }[] }> {
  const vms = (await api(sim).listAll("listVirtualMachines", { id, listall: true }, "virtualmachine")) as { id: string; state: string; isoid?: string; tags?: { key: string; value: string }[] }[];
  const vm = vms[0];
  if (!vm) throw new Error(`no VM ${id}`);
  return { ...vm, tags: vm.tags ?? [] };
}
