// Workers that run but are not Ready after the join phase (kubelet stopped or broken, a join that never
// completed): the kubelet is restarted and the node given upgrade.nodeReadyTimeout; a worker still not
// Ready then is replaced once, as Cluster API's MachineHealthCheck does (CKS leaves the cluster in
// Alert): its Node object deleted, its VM destroyed and deployed again, and the new VM installed and
// joined by the create phases, which probe every node and act only on the new one.
import * as cmd from "../../kubernetes/commands";
import { nodeReady } from "../../kubernetes/joinCommand";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { cloudInitPhase, installPhase, joinPhase } from "../phases/bootstrap";
import { replaceUnbootedVm } from "../phases/bootReplace";
import { kubeNodes, kubectlNode, nodeStep, waitReady } from "../upgrade/nodeSteps";
import { rollingSettings } from "../upgrade/settings";
import { parseDuration } from "../duration";

const PHASE = "heal-workers";

/** A worker the join phase just joined needs a moment (its CNI starting) before a restart is called for. */
const JOIN_GRACE_MS = 15_000;

async function readyAfterKubeletRestart(ctx: ClusterContext, node: NodeRecord): Promise<string | undefined> {
  const settings = rollingSettings(ctx.inputs);
  const grace = `${Math.round(Math.min(JOIN_GRACE_MS, parseDuration(settings.nodeReadyTimeout)) / 1000)}s`;
  try {
    await waitReady(ctx, node, undefined, { nodeReadyTimeout: grace });
    ctx.progress.line(PHASE, "Ready (just joined)", node.name);
    return undefined;
  } catch {
    // Still not Ready: restart its kubelet.
  }
  try {
    await nodeStep(ctx, PHASE, node, "restart kubelet", () => ctx.run(node, cmd.restartUnit("kubelet"), { timeoutMs: 120_000 }));
    await nodeStep(ctx, PHASE, node, "Ready", () => waitReady(ctx, node, undefined, settings));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function healWorkersPhase(ctx: ClusterContext): Promise<void> {
  const kube = await kubeNodes(ctx);
  const sick = ctx.nodesOf("worker").filter((n) => {
    const k = kube.get(n.name);
    return !k || !nodeReady(k);
  });
  for (const node of ctx.nodesOf("worker")) if (!sick.includes(node)) ctx.progress.line(PHASE, "Ready", node.name);
  const replace: { node: NodeRecord; why: string }[] = [];
  for (const node of sick) {
    const why = await readyAfterKubeletRestart(ctx, node);
    if (why) replace.push({ node, why });
  }
  if (replace.length === 0) return;
  for (const { node, why } of replace) {
    ctx.progress.line(PHASE, `not Ready after a kubelet restart (${why.split("\n")[0]}): replacing the VM`, node.name);
    await nodeStep(ctx, PHASE, node, "delete the Node object", () => ctx.run(kubectlNode(ctx), cmd.kubectlDeleteNode(node.name)));
    await nodeStep(ctx, PHASE, node, "replace the VM", () => replaceUnbootedVm(ctx, node, "not Ready"));
  }
  // Probe-then-act over every node: only the new VMs are set up and joined.
  await cloudInitPhase(ctx);
  await installPhase(ctx);
  await joinPhase(ctx, false);
  const settings = rollingSettings(ctx.inputs);
  for (const { node } of replace) await nodeStep(ctx, PHASE, node, "Ready (new VM)", () => waitReady(ctx, node, undefined, settings));
}
