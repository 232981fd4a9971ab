// Upgrade in place (a kubernetesVersionId change): one minor step at a time, control plane first,
// workers in batches of upgrade.maxUnavailable, then the ClusterNodes that follow the cluster. Every
// node's version is probed from the cluster itself, so a re-run after any failure carries on where
// the last one stopped and never upgrades a node twice. A failure leaves the cluster in Alert.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterContext } from "../context";
import type { ClusterState } from "../clusterState";
import type { Phase } from "../operation";
import { mapLimit } from "../concurrency";
import { recordCertificateExpiry } from "../phases/certificates";
import { kubeconfigPhase } from "../phases/addons";
import { validateUpgrade } from "../upgrade/validateUpgrade";
import { probeVersions } from "../upgrade/probeVersions";
import { upgradeNode, type UpgradeTarget } from "../upgrade/upgradeNode";
import { upgradeEtcdMember } from "../upgrade/etcd";
import { externalNodes } from "../upgrade/externalNodes";
import { batchSize, batches } from "../upgrade/policy";
import { rollingSettings } from "../upgrade/settings";

export function upgradeOperation(inputs: ClusterInputs, _state: ClusterState): Phase[] {
  const settings = rollingSettings(inputs);
  const target = (ctx: ClusterContext): UpgradeTarget => {
    const upgrade = ctx.state.upgradeInProgress;
    if (!upgrade) throw new Error("internal: no upgrade recorded after validate-upgrade");
    return { version: upgrade.version, isoId: upgrade.versionId, settings };
  };
  return [
    { name: "validate-upgrade", run: validateUpgrade },
    { name: "probe-versions", run: probeVersions },
    {
      name: "control-plane",
      run: async (ctx) => {
        // The first control node runs `upgrade plan` and `apply`; the others follow one at a time.
        const [first, ...others] = ctx.nodesOf("control");
        await upgradeNode(ctx, "control-plane", first, target(ctx), true);
        for (const node of others) await upgradeNode(ctx, "control-plane", node, target(ctx), false);
      },
    },
    {
      name: "etcd",
      run: async (ctx) => {
        for (const member of ctx.nodesOf("etcd")) await upgradeEtcdMember(ctx, "etcd", member, target(ctx).version, target(ctx).isoId);
      },
    },
    {
      name: "workers",
      run: async (ctx) => {
        const workers = ctx.nodesOf("worker");
        for (const batch of batches(workers, batchSize(settings.maxUnavailable, workers.length))) {
          await mapLimit(batch, batch.length, (node) => upgradeNode(ctx, "workers", node, target(ctx), false));
        }
      },
    },
    {
      name: "external-nodes",
      run: async (ctx) => {
        const { upgraded, skipped } = await externalNodes(ctx);
        if (skipped.length > 0) ctx.progress.line("external-nodes", `skipped (manualUpgrade): ${skipped.join(", ")}`);
        for (const batch of batches(upgraded, batchSize(settings.maxUnavailable, upgraded.length))) {
          await mapLimit(batch, batch.length, (node) => upgradeNode(ctx, "external-nodes", node, target(ctx), false));
        }
      },
    },
    { name: "certificates", run: recordCertificateExpiry },
    // kubeadm's upgrade renewed admin.conf: publish the renewed kubeconfig once the API answers.
    { name: "kubeconfig", run: kubeconfigPhase },
    {
      name: "finish",
      run: async (ctx) => {
        const { version, isoId } = target(ctx);
        ctx.state.kubernetesVersion = version;
        ctx.state.isoId = isoId;
        delete ctx.state.upgradeInProgress;
        ctx.progress.line("finish", `every node runs v${version}`);
      },
    },
  ];
}
