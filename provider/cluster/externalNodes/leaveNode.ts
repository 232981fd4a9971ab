// Removes an external node from its cluster as CKS 4.21's KubernetesClusterRemoveWorker does
// (cks-day2.md §4): drain through control-1, `kubeadm reset -f` on the node, `kubectl delete node`,
// revoke its rules, and (ours) detach the ISO and remove the membership tags. The VM is never destroyed.
import * as cmd from "../../kubernetes/commands";
import { parseNodeList } from "../../kubernetes/joinCommand";
import type { ClusterNodeInputs } from "../../resources/clusterNodeInputs";
import type { NodeRecord } from "../clusterState";
import { describeCloudError, isNotFoundError } from "../cloudErrors";
import { detachIsoPhase } from "../phases/iso";
import { withRetry } from "../retry";
import { deleteTags, TAG } from "../tags";
import { tagMap } from "../entities";
import { controlNode, isDirectAccess, nodeContext, type ExternalNodeDeps } from "./nodeContext";
import { revokeNodeRules } from "./nodeRules";
import { findVm } from "./validateNode";

/** How long the node itself gets for `kubeadm reset -f`: a stopped or broken VM must not block the removal. */
const RESET_TIMEOUT_MS = 5 * 60_000;
/** A node that never became a Kubernetes node (a join that failed early) may not even accept the key. */
const RESET_TIMEOUT_UNJOINED_MS = 20_000;

export interface RecordedNode {
  nodeName: string;
  privateIp?: string;
  sshPort: number;
  hostKey?: string;
  kubernetesVersion: string;
}

export async function leaveExternalNode(inputs: ClusterNodeInputs, recorded: RecordedNode, deps: ExternalNodeDeps): Promise<string[]> {
  const warnings: string[] = [];
  const node: NodeRecord = { name: recorded.nodeName, role: "worker", index: 0, virtualMachineId: inputs.virtualMachineId, sshPort: recorded.sshPort, external: true, ...(recorded.privateIp ? { privateIp: recorded.privateIp } : {}) };
  const control = controlNode(inputs);
  const ctx = nodeContext(inputs, node, deps, { withControl: true, hostKey: recorded.hostKey, kubernetesVersion: recorded.kubernetesVersion });
  const vm = await findVm(deps.api, inputs);
  try {
    const listed = await ctx.run(control, cmd.kubectlGetNodesJson());
    const present = parseNodeList(listed.stdout).some((n) => n.metadata.name === node.name);
    if (present) {
      deps.progress.line("drain", "draining the node", node.name);
      await ctx.run(control, cmd.kubectlDrain(node.name, { timeout: "300s" }));
    }
    if (vm && vm.state === "Running") {
      deps.progress.line("reset", "kubeadm reset -f", node.name);
      const r = await ctx.run(node, cmd.kubeadmReset(), { allowFailure: true, deadline: deps.deadline.sub(present ? RESET_TIMEOUT_MS : RESET_TIMEOUT_UNJOINED_MS, "kubeadm reset") }).catch((err: unknown) => ({ code: null, stdout: "", stderr: describeCloudError(err) }));
      if (r.code !== 0) warnings.push(`kubeadm reset -f failed on ${node.name} (${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}); the node was removed from the cluster anyway, reset it by hand before reusing it`);
    } else {
      warnings.push(`the VM of ${node.name} is ${vm ? vm.state : "gone"}, so kubeadm reset -f did not run on it`);
    }
    if (present) await ctx.run(control, cmd.kubectlDeleteNode(node.name));
  } finally {
    ctx.closeShells();
  }
  if (!isDirectAccess(inputs) && inputs.ipAddressId) {
    const ipAddressId = inputs.ipAddressId;
    await withRetry(() => revokeNodeRules(deps.api, { clusterId: inputs.clusterId, ipAddressId, nodeName: node.name }, (what) => deps.progress.line("rules", what, node.name)), { deadline: deps.deadline, what: "revoking the node's rules" });
  }
  if (vm) {
    const alone = nodeContext(inputs, node, deps, { withControl: false, kubernetesVersion: recorded.kubernetesVersion });
    if (vm.isoid === inputs.kubernetesVersionId) await detachIsoPhase(alone);
    // deleteTags matches key and value: pass exactly the membership tags the VM carries.
    const keys: string[] = [TAG.externalNodeOf, TAG.manualUpgrade, TAG.sshPort, TAG.nodeName, TAG.managedBy];
    const mine = Object.fromEntries(Object.entries(tagMap(vm.tags)).filter(([k]) => keys.includes(k)));
    if (Object.keys(mine).length > 0) {
      await withRetry(
        () =>
          deleteTags(deps.api, "UserVm", [inputs.virtualMachineId], mine).catch((err: unknown) => {
            if (!isNotFoundError(err)) throw err;
          }),
        { deadline: deps.deadline, what: "removing the membership tags" },
      );
    }
  }
  return warnings;
}
