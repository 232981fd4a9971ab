// Read (refresh): the live state of a cluster from its tagged VMs, its API endpoint and its nodes.
// State is Stopped when every VM is stopped, Alert when anything is wrong, else Running; stateReason
// lists every problem found (cks-day2.md §6: CKS's scanner moves Running → Alert on a missing or
// non-Running VM, and counts Ready nodes and probes /version before moving back). Read changes nothing.
import type { CloudApi } from "./cloudApi";
import type { ClusterState } from "./clusterState";
import { clusterCaPem } from "../kubernetes/kubeconfig";
import { findClusterVms } from "./phases/vms";
import { probeApiVersion } from "./phases/addons";
import { tagMap } from "./entities";
import { TAG } from "./tags";
import { externalNodeRecord, externalNodeVms } from "./externalNodes/membership";
import { certificateWarning, type NodeHealthProbe } from "./day2/health";

export interface LiveCluster {
  gone: boolean;
  state: string;
  stateReason?: string;
  nodes: ClusterState["nodes"];
}

async function apiProblem(recorded: ClusterState): Promise<string | undefined> {
  if (!recorded.kubeconfig || !recorded.endpoint) return undefined;
  const host = new URL(recorded.endpoint).hostname;
  let probe: { ok: boolean; detail: string };
  try {
    probe = await probeApiVersion(host, clusterCaPem(recorded.kubeconfig));
  } catch (err) {
    probe = { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
  return probe.ok ? undefined : `the API at ${recorded.endpoint} does not answer: ${probe.detail}`;
}

export async function readClusterState(
  api: CloudApi,
  target: { clusterId: string; prefix: string; name: string; zoneId: string; account?: string; domainId?: string; projectId?: string },
  recorded: ClusterState,
  nodeHealth?: NodeHealthProbe,
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
      nodes.push({ name: vm.name, role, index: nodeIndex(vm.name, tags[TAG.index]), virtualMachineId: vm.id, sshPort: 0, state: vm.state });
    }
  }
  nodes.push(...(await externalNodeVms(api, target.clusterId, target)).map(externalNodeRecord)); // ClusterNodes (issue 13)
  const present = nodes.filter((n) => n.state !== "Missing");
  const missing = nodes.filter((n) => n.state === "Missing");
  if (present.every((n) => n.state === "Stopped")) {
    return { gone: false, state: "Stopped", stateReason: missing.length > 0 ? `destroyed outside Pulumi: ${missing.map((n) => n.name).join(", ")}` : undefined, nodes };
  }
  // A create that never finished has nothing to probe yet: its recorded state stands.
  if (!recorded.kubeconfig && recorded.state !== "Running") return { gone: false, state: recorded.state, stateReason: recorded.stateReason, nodes };
  const reasons: string[] = [];
  const notRunning = present.filter((n) => n.state !== "Running");
  if (notRunning.length > 0) reasons.push(`not Running: ${notRunning.map((n) => `${n.name} (${n.state})`).join(", ")}`);
  if (missing.length > 0) reasons.push(`destroyed outside Pulumi: ${missing.map((n) => n.name).join(", ")}`);
  const api_ = await apiProblem(recorded);
  if (api_) reasons.push(api_);
  const control1 = nodes.find((n) => n.role === "control" && n.index === 1);
  if (nodeHealth && control1?.state === "Running") {
    const health = await nodeHealth({ ...recorded, nodes: nodes.filter((n) => n.state !== "Missing") });
    if ("error" in health) reasons.push(health.error);
    else if (health.notReady.length > 0) reasons.push(`nodes NotReady: ${health.notReady.join(", ")}`);
  }
  const certs = certificateWarning(recorded.certificatesExpireAt);
  if (certs) reasons.push(certs);
  return reasons.length > 0 ? { gone: false, state: "Alert", stateReason: reasons.join("; "), nodes } : { gone: false, state: "Running", nodes };
}

/** A node's index: from the VM's deterministic name (`<prefix>-<role>-<i>`), else the index tag older releases set. */
export function nodeIndex(name: string, tagged: string | undefined): number {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number(tagged ?? 0);
}
