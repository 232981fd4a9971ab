// A ClusterContext for one external node, so the cluster's own phases (ISO attach/detach, cloud-init
// wait, install, join, Ready wait) run unchanged on it: the state holds the node alone, or the node
// behind the cluster's control-1 for the steps that go through the control plane.
import { ClusterInputsSchema, type ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterNodeInputs } from "../../resources/clusterNodeInputs";
import type { CloudApi } from "../cloudApi";
import type { ClusterState, NodeRecord } from "../clusterState";
import { ClusterContext } from "../context";
import type { Deadline } from "../deadline";
import type { NodeConnector } from "../nodeShell";
import type { Progress } from "../progress";

export interface ExternalNodeDeps {
  api: CloudApi;
  connector: NodeConnector;
  deadline: Deadline;
  progress: Progress;
}

/** The cluster facts the phases read, from the ClusterNode's inputs (the cluster's outputs). */
function clusterInputsOf(inputs: ClusterNodeInputs): ClusterInputs {
  return ClusterInputsSchema.parse({
    name: inputs.clusterName ?? inputs.clusterId,
    zoneId: inputs.zoneId ?? "unknown",
    kubernetesVersionId: inputs.kubernetesVersionId,
    ...(inputs.kubernetesVersion ? { kubernetesVersion: inputs.kubernetesVersion } : {}),
    ...(inputs.externalLoadBalancerIpAddress ? { externalLoadBalancerIpAddress: inputs.externalLoadBalancerIpAddress } : {}),
    networkId: inputs.networkId,
    ...(inputs.account ? { account: inputs.account } : {}),
    ...(inputs.domainId ? { domainId: inputs.domainId } : {}),
    ...(inputs.projectId ? { projectId: inputs.projectId } : {}),
  });
}

/** The cluster's first control node: kubectl and `kubeadm token create` run there, as CKS does. */
export function controlNode(inputs: ClusterNodeInputs): NodeRecord {
  const control = inputs.clusterNodes.filter((n) => n.role === "control" && !n.external).sort((a, b) => a.index - b.index)[0];
  if (!control) throw new Error("the cluster's nodes list no control node");
  return { name: control.name, role: "control", index: control.index, sshPort: control.sshPort, ...(control.privateIp ? { privateIp: control.privateIp } : {}), ...(control.virtualMachineId ? { virtualMachineId: control.virtualMachineId } : {}) };
}

/** Nodes reached at port 22 of their own address: the cluster is on a direct-access (Shared) network. */
export function isDirectAccess(inputs: ClusterNodeInputs): boolean {
  return !inputs.ipAddress || controlNode(inputs).sshPort === 22;
}

export function nodeContext(inputs: ClusterNodeInputs, node: NodeRecord, deps: ExternalNodeDeps, opts: { withControl: boolean; hostKey?: string; kubernetesVersion: string }): ClusterContext {
  const control = controlNode(inputs);
  const hostKeys: Record<string, string> = {};
  if (inputs.hostKeys[control.name]) hostKeys[control.name] = inputs.hostKeys[control.name];
  if (opts.hostKey) hostKeys[node.name] = opts.hostKey;
  const state: ClusterState = {
    clusterId: inputs.clusterId,
    prefix: inputs.clusterName ?? inputs.clusterId,
    state: "Running",
    ...(inputs.ipAddress ? { ipAddress: inputs.ipAddress } : {}),
    ...(inputs.ipAddressId ? { ipAddressId: inputs.ipAddressId } : {}),
    networkId: inputs.networkId,
    directAccess: isDirectAccess(inputs),
    keypairName: inputs.keypairName,
    sshPrivateKey: inputs.sshPrivateKey,
    sshPublicKey: inputs.sshPublicKey,
    hostKeys,
    kubernetesVersion: opts.kubernetesVersion,
    isoId: inputs.kubernetesVersionId,
    nodes: opts.withControl ? [control, node] : [node],
    virtualMachineIds: [],
  };
  return new ClusterContext({ api: deps.api, inputs: clusterInputsOf(inputs), state, connector: deps.connector, deadline: deps.deadline, progress: deps.progress, concurrency: 1 });
}
