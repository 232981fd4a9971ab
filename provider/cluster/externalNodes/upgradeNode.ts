// The node's own upgrade (manualUpgrade: true, its kubernetesVersion input changed): the worker steps
// of a cluster upgrade (cks-day2.md §1, KubernetesClusterUpgradeWorker): drain, install the new
// version's binaries from its ISO, `kubeadm upgrade node`, restart the kubelet, uncordon, wait Ready.
// check() already refused a skipped minor or a downgrade; here the control plane must be there first
// (a kubelet may not be newer than the API server: kubernetes version-skew policy).
import * as semver from "semver";
import * as cmd from "../../kubernetes/commands";
import { nodeKubeletVersion, parseNodeList } from "../../kubernetes/joinCommand";
import type { ClusterNodeInputs } from "../../resources/clusterNodeInputs";
import type { NodeRecord } from "../clusterState";
import { PhaseError } from "../context";
import { attachIsoPhase, detachIsoPhase } from "../phases/iso";
import { installFromIso } from "../phases/install";
import { nodesReadyPhase } from "../phases/addons";
import { controlNode, nodeContext, type ExternalNodeDeps } from "./nodeContext";
import type { JoinedNode } from "./joinNode";

export async function upgradeExternalNode(inputs: ClusterNodeInputs, before: Partial<JoinedNode>, deps: ExternalNodeDeps): Promise<Partial<JoinedNode>> {
  const version = inputs.kubernetesVersion as string;
  const name = before.nodeName as string;
  const node: NodeRecord = { name, role: "worker", index: 0, virtualMachineId: inputs.virtualMachineId, sshPort: before.sshPort ?? 22, external: true, ...(before.privateIp ? { privateIp: before.privateIp } : {}) };
  const control = controlNode(inputs);
  const ctx = nodeContext(inputs, node, deps, { withControl: true, hostKey: before.hostKey, kubernetesVersion: version });
  const alone = nodeContext(inputs, node, deps, { withControl: false, hostKey: before.hostKey, kubernetesVersion: version });
  const fail = (why: string): never => {
    throw new PhaseError("upgrade", name, why);
  };
  try {
    const nodes = parseNodeList((await ctx.run(control, cmd.kubectlGetNodesJson())).stdout);
    const cp = nodes.find((n) => n.metadata.name === control.name);
    const cpVersion = cp ? nodeKubeletVersion(cp) : undefined;
    if (!cpVersion || semver.lt(cpVersion, version)) {
      fail(`the control plane runs ${cpVersion ?? "an unknown version"}; a node cannot run a newer kubelet than its API server (${version}): upgrade the cluster first`);
    }
    deps.progress.line("upgrade", `upgrading ${before.kubernetesVersion ?? "?"} → ${version}`, name);
    await attachIsoPhase(alone);
    await ctx.run(control, cmd.kubectlDrain(name, { timeout: "300s" }));
    await installFromIso(alone, node, version);
    await ctx.run(node, cmd.kubeadmUpgradeNode());
    await ctx.run(node, cmd.restartUnit("kubelet"));
    await ctx.run(control, cmd.kubectlUncordon(name));
    await nodesReadyPhase(ctx);
    await detachIsoPhase(alone);
    const upgraded = ctx.state.nodes.find((n) => n.name === name);
    return { kubernetesVersion: version, ...(upgraded?.kubeletVersion ? { kubeletVersion: upgraded.kubeletVersion } : {}), ...(ctx.state.hostKeys[name] ? { hostKey: ctx.state.hostKeys[name] } : {}) };
  } finally {
    ctx.closeShells();
    alone.closeShells();
  }
}
