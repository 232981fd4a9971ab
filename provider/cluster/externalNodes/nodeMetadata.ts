// A ClusterNode's labels and taints, applied through the cluster's control-1 (as CKS runs kubectl there).
// Probed: the live Node object decides what to add and what to remove, so a re-run does only the rest.
import { z } from "zod";
import * as cmd from "../../kubernetes/commands";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";

const LiveNodeSchema = z.looseObject({
  metadata: z.looseObject({ labels: z.record(z.string(), z.string()).default({}) }),
  spec: z.looseObject({ taints: z.array(z.looseObject({ key: z.string(), value: z.string().optional(), effect: z.string() })).default([]) }).default({ taints: [] }),
});

export interface NodeMetadata {
  labels: Record<string, string>;
  taints: cmd.NodeTaint[];
}

/** Makes the node's labels and taints those of `want`, removing those of `managed` (what we set before) that are no longer wanted. */
export async function applyNodeMetadata(ctx: ClusterContext, control: NodeRecord, nodeName: string, want: NodeMetadata, managed: NodeMetadata): Promise<void> {
  const got = await ctx.run(control, cmd.nodeCommand([cmd.KUBECTL, "--kubeconfig", cmd.ADMIN_KUBECONFIG, "get", "node", nodeName, "-o", "json"], { sudo: true, path: cmd.KUBE_PATH }));
  const live = LiveNodeSchema.parse(JSON.parse(got.stdout));
  const staleLabels = Object.keys(managed.labels).filter((k) => !(k in want.labels) && k in live.metadata.labels);
  if (staleLabels.length > 0) await ctx.run(control, cmd.kubectlUnlabelNode(nodeName, staleLabels));
  const missingLabels = Object.fromEntries(Object.entries(want.labels).filter(([k, v]) => live.metadata.labels[k] !== v));
  if (Object.keys(missingLabels).length > 0) {
    ctx.progress.line("labels", `labelling ${Object.keys(missingLabels).join(", ")}`, nodeName);
    await ctx.run(control, cmd.kubectlLabelNode(nodeName, missingLabels));
  }
  const same = (a: { key: string; effect: string }, b: { key: string; effect: string }): boolean => a.key === b.key && a.effect === b.effect;
  const staleTaints = managed.taints.filter((t) => !want.taints.some((w) => same(w, t)) && live.spec.taints.some((l) => same(l, t)));
  if (staleTaints.length > 0) await ctx.run(control, cmd.kubectlUntaintNode(nodeName, staleTaints));
  const missingTaints = want.taints.filter((w) => !live.spec.taints.some((l) => same(l, w) && (l.value ?? "") === (w.value ?? "")));
  if (missingTaints.length > 0) {
    ctx.progress.line("taints", `tainting ${missingTaints.map((t) => `${t.key}:${t.effect}`).join(", ")}`, nodeName);
    await ctx.run(control, cmd.kubectlTaintNode(nodeName, missingTaints));
  }
}
