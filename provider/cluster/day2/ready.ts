// After VMs start again: the API through the endpoint, then every Kubernetes node Ready, one progress
// line per node. kubeconfigPhase re-reads admin.conf, so a kubeconfig that changed is published.
import type { ClusterContext } from "../context";
import { kubeconfigPhase } from "../phases/addons";
import { nodeStep, waitReady } from "../upgrade/nodeSteps";
import { rollingSettings } from "../upgrade/settings";

/** Waits until the API answers at the endpoint, and refreshes the kubeconfig output if it changed. */
export async function apiAndKubeconfig(ctx: ClusterContext, phase: string): Promise<void> {
  const before = ctx.state.kubeconfig;
  await kubeconfigPhase(ctx);
  ctx.progress.line(phase, before === ctx.state.kubeconfig ? "the API answers at the endpoint; kubeconfig unchanged" : "the API answers at the endpoint; kubeconfig refreshed");
}

/** Every control and worker node Ready within upgrade.nodeReadyTimeout (etcd members are not nodes). */
export async function everyNodeReady(ctx: ClusterContext, phase: string): Promise<void> {
  const settings = rollingSettings(ctx.inputs);
  const gone = ctx.state.nodes.filter((n) => n.state === "Missing" || n.state === "Error");
  if (gone.length > 0) {
    const what = gone.map((n) => `${n.name} (${n.state === "Missing" ? "VM destroyed outside Pulumi" : "VM in Error"})`).join(", ");
    throw new Error(`${what}: the cluster is left in Alert and the next \`pulumi up\` repairs what it can`);
  }
  for (const node of ctx.state.nodes.filter((n) => n.role !== "etcd")) {
    await nodeStep(ctx, phase, node, "Ready", () => waitReady(ctx, node, undefined, settings));
  }
}
