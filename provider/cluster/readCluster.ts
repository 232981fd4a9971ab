// Read (refresh): the live state of a cluster from its tagged VMs and its API endpoint.
import type { CloudApi } from "./cloudApi";
import type { ClusterState } from "./clusterState";
import { clusterCaPem } from "../kubernetes/kubeconfig";
import { findClusterVms } from "./phases/vms";
import { probeApiVersion } from "./phases/addons";
import { tagMap } from "./entities";
import { TAG } from "./tags";
import { externalNodeRecord, externalNodeVms } from "./externalNodes/membership";

export interface LiveCluster {
  gone: boolean;
  state: string;
  stateReason?: string;
  nodes: ClusterState["nodes"];
}

export async function readClusterState(
  api: CloudApi,
  target: { clusterId: string; prefix: string; name: string; zoneId: string; account?: string; domainId?: string; projectId?: string },
  recorded: ClusterState,
): Promise<LiveCluster> {
  const ctx = { api, inputs: { name: target.name, zoneId: target.zoneId, account: target.account, domainId: target.domainId, projectId: target.projectId }, clusterId: target.clusterId };
  const vms = await findClusterVms(ctx, target.prefix);
  if (vms.length === 0) return { gone: true, state: "Destroyed", nodes: [] };
  const byName = new Map(vms.map((vm) => [vm.name, vm]));
  const nodes: ClusterState["nodes"] = recorded.nodes.filter((n) => !n.external).map((n) => {
    const vm = byName.get(n.name);
    return vm ? { ...n, virtualMachineId: vm.id, state: vm.state } : { ...n, state: "Missing" };
  });
  for (const vm of vms) {
    if (!nodes.some((n) => n.name === vm.name)) {
      const tags = tagMap(vm.tags);
      const role: "control" | "worker" | "etcd" = tags[TAG.role] === "control" ? "control" : tags[TAG.role] === "etcd" ? "etcd" : "worker";
      nodes.push({ name: vm.name, role, index: Number(tags[TAG.index] ?? 0), virtualMachineId: vm.id, sshPort: 0, state: vm.state });
    }
  }
  nodes.push(...(await externalNodeVms(api, target.clusterId, target)).map(externalNodeRecord)); // ClusterNodes (issue 13)
  const states = nodes.map((n) => n.state ?? "Unknown");
  if (states.every((s) => s === "Stopped")) return { gone: false, state: "Stopped", nodes };
  const notRunning = nodes.filter((n) => n.state !== "Running");
  if (notRunning.length > 0) {
    return { gone: false, state: "Alert", stateReason: `not Running: ${notRunning.map((n) => `${n.name} (${n.state})`).join(", ")}`, nodes };
  }
  if (recorded.kubeconfig && recorded.endpoint) {
    const host = new URL(recorded.endpoint).hostname;
    let probe: { ok: boolean; detail: string };
    try {
      probe = await probeApiVersion(host, clusterCaPem(recorded.kubeconfig));
    } catch (err) {
      probe = { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
    if (!probe.ok) return { gone: false, state: "Alert", stateReason: `the API at ${recorded.endpoint} does not answer: ${probe.detail}`, nodes };
  } else if (recorded.state !== "Running") {
    return { gone: false, state: recorded.state, stateReason: recorded.stateReason, nodes };
  }
  return { gone: false, state: "Running", nodes };
}
