// One node's upgrade, each step probed first so a resume skips what is done: a node whose kubelet (and,
// on a control node, whose kube-apiserver) already runs the target is only uncordoned and its ISO
// detached. Order per node (cks-day2.md §1, kubeadm-upgrade.md): cordon, drain, the new ISO, kubeadm,
// `kubeadm upgrade plan` + `apply` on the first control node or `kubeadm upgrade node` elsewhere,
// kubelet + kubectl and one kubelet restart, Ready at the new version, uncordon, detach the ISO.
import * as cmd from "../../kubernetes/commands";
import { nodeKubeletVersion, nodeReady, type KubeNode } from "../../kubernetes/joinCommand";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { attachIsoTo, detachIsoFrom } from "../phases/iso";
import { installKubeadmStage, installKubeletStage } from "./install";
import { cordon, drain, kubeNodes, nodeStep, uncordon, waitReady } from "./nodeSteps";
import type { RollingSettings } from "./policy";
import { apiserverVersion, waitApiserver } from "./controlPlane";

export interface UpgradeTarget {
  version: string;
  isoId: string;
  settings: RollingSettings;
}

/** Whether the node already runs the target: its kubelet, and on a control node its kube-apiserver. */
export async function nodeAtTarget(ctx: ClusterContext, node: NodeRecord, kube: KubeNode | undefined, version: string): Promise<boolean> {
  if (!kube || nodeKubeletVersion(kube) !== version) return false;
  if (node.role !== "control") return true;
  return (await apiserverVersion(ctx, node)) === version;
}

export async function upgradeNode(ctx: ClusterContext, phase: string, node: NodeRecord, target: UpgradeTarget, first: boolean): Promise<void> {
  const { version, isoId, settings } = target;
  const kube = (await kubeNodes(ctx)).get(node.name);
  if (await nodeAtTarget(ctx, node, kube, version)) {
    node.kubeletVersion = version;
    await nodeStep(ctx, phase, node, `already at v${version}`, async () => {
      // A run that failed after the kubelet restart left it NotReady: restart it once more and wait.
      if (kube && !nodeReady(kube)) {
        await ctx.run(node, cmd.restartUnit("kubelet"));
        await waitReady(ctx, node, version, settings);
      }
      await uncordon(ctx, node, kube);
      await detachIsoFrom(ctx, node, phase);
    });
    return;
  }
  await nodeStep(ctx, phase, node, "cordon", () => cordon(ctx, node, kube, "upgrade"));
  await nodeStep(ctx, phase, node, "drain", () => drain(ctx, node, settings));
  await nodeStep(ctx, phase, node, `attach the v${version} ISO`, () => attachIsoTo(ctx, node, isoId, phase));
  const iso = await nodeStep(ctx, phase, node, "install kubeadm and the images", () => installKubeadmStage(ctx, node, version));
  if (first && (await apiserverVersion(ctx, node)) !== version) {
    // kubeadm's own gates: plan checks the control plane's health; apply --dry-run the version policy
    // (plan exits 0 even for a skipped minor: kubernetes cmd/kubeadm/app/cmd/upgrade/plan.go).
    await nodeStep(ctx, phase, node, `kubeadm upgrade plan v${version}`, () => ctx.run(node, cmd.kubeadmUpgradePlan(version)));
    await nodeStep(ctx, phase, node, `kubeadm upgrade apply --dry-run v${version}`, () => ctx.run(node, cmd.kubeadmUpgradeApplyDryRun(version), { timeoutMs: 10 * 60_000 }));
    await nodeStep(ctx, phase, node, `kubeadm upgrade apply v${version}`, () => ctx.run(node, cmd.kubeadmUpgradeApply(version), { timeoutMs: 20 * 60_000 }));
  } else {
    await nodeStep(ctx, phase, node, "kubeadm upgrade node", () => ctx.run(node, cmd.kubeadmUpgradeNode(), { timeoutMs: 20 * 60_000 }));
  }
  await nodeStep(ctx, phase, node, "install kubelet and kubectl, restart kubelet", () => installKubeletStage(ctx, node, version, iso));
  const ready = await nodeStep(ctx, phase, node, `Ready at v${version}`, () => waitReady(ctx, node, version, settings));
  if (node.role === "control") await nodeStep(ctx, phase, node, `kube-apiserver healthy at v${version}`, () => waitApiserver(ctx, node, version, settings));
  await nodeStep(ctx, phase, node, "uncordon", () => uncordon(ctx, node, ready));
  await nodeStep(ctx, phase, node, "detach the ISO", () => detachIsoFrom(ctx, node, phase));
}
