// The steps every rolling change takes a node through (upgrade, offering change): cordon, drain, and
// afterwards wait until Ready and uncordon. kubectl runs on a control node with the admin kubeconfig,
// whose server is the cluster endpoint, so it works while one control node restarts its apiserver.
import * as cmd from "../../kubernetes/commands";
import { nodeKubeletVersion, nodeReady, parseNodeList, type KubeNode } from "../../kubernetes/joinCommand";
import { PhaseError, type ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { elapsed } from "../operation";
import { parseDuration } from "../duration";
import { pollUntil, withRetry } from "../retry";
import type { RollingSettings } from "./policy";

/** Set on a node we cordoned, so a resume uncordons it, and a node an operator cordoned stays so. */
export const CORDONED_BY = "cks.cloudstack.io/cordoned-by";

/** Runs one step of one node and prints one line with its elapsed time; failures name the node. */
export async function nodeStep<T>(ctx: ClusterContext, phase: string, node: NodeRecord, what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    const result = await fn();
    ctx.progress.line(phase, `${what}: done in ${elapsed(started)}`, node.name);
    return result;
  } catch (err) {
    if (err instanceof PhaseError) throw err;
    throw new PhaseError(phase, node.name, `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The control node kubectl runs on: the first control node. */
export function kubectlNode(ctx: ClusterContext): NodeRecord {
  return ctx.nodesOf("control")[0];
}

/** kubectl that fails while an apiserver restarts behind the endpoint: retried until the deadline. */
async function kubectlIdempotent(ctx: ClusterContext, command: cmd.NodeCommand): Promise<string> {
  const via = kubectlNode(ctx);
  return withRetry(async () => (await ctx.run(via, command)).stdout, { deadline: ctx.deadline, what: command.display, retryable: () => true, initialDelayMs: 500, maxAttempts: 20 });
}

export async function kubeNodes(ctx: ClusterContext): Promise<Map<string, KubeNode>> {
  return new Map(parseNodeList(await kubectlIdempotent(ctx, cmd.kubectlGetNodesJson())).map((n) => [n.metadata.name, n]));
}

/** Cordons the node and marks it as cordoned by `operation` (a node already unschedulable by someone else is left marked as it was). */
export async function cordon(ctx: ClusterContext, node: NodeRecord, kube: KubeNode | undefined, operation: string): Promise<void> {
  if (kube?.spec.unschedulable && !kube.metadata.annotations[CORDONED_BY]) return;
  await kubectlIdempotent(ctx, cmd.kubectlAnnotate("node", node.name, { [CORDONED_BY]: operation }));
  await kubectlIdempotent(ctx, cmd.kubectlCordon(node.name));
}

/**
 * Drains the node: DaemonSet pods stay, emptyDir data goes, PodDisruptionBudgets are honoured until
 * drainTimeout. Without `force`, a drain still blocked then fails with kubectl's own message and the
 * fix. With `force`, the remaining pods are deleted: a second drain with --disable-eviction (budgets
 * no longer hold) and --force (pods no controller manages) — kubectl's --force alone never bypasses a
 * budget (k8s.io/kubectl pkg/drain).
 */
export async function drain(ctx: ClusterContext, node: NodeRecord, settings: RollingSettings): Promise<void> {
  const seconds = Math.max(1, Math.round(parseDuration(settings.drainTimeout) / 1000));
  const via = kubectlNode(ctx);
  const run = (extra: { force: boolean; disableEviction?: boolean }) =>
    ctx.run(via, cmd.kubectlDrain(node.name, { timeout: `${seconds}s`, ...extra }), { allowFailure: true, timeoutMs: (seconds + 120) * 1000 });
  const r = await run({ force: settings.force });
  if (r.code === 0) return;
  const said = drainErrors(`${r.stderr}\n${r.stdout}`);
  if (settings.force) {
    ctx.progress.line("drain", `still blocked after drainTimeout ${settings.drainTimeout} (${said}); upgrade.force: deleting the remaining pods`, node.name);
    const forced = await run({ force: true, disableEviction: true });
    if (forced.code === 0) return;
    throw new Error(`the forced drain failed too: ${drainErrors(`${forced.stderr}\n${forced.stdout}`)}`);
  }
  throw new Error(
    `the drain did not finish within drainTimeout ${settings.drainTimeout}: ${said}. A PodDisruptionBudget (or a pod no controller manages) blocks it; ` +
      "scale the workload so its budget allows an eviction, raise upgrade.drainTimeout, or set upgrade.force: true to delete the remaining pods",
  );
}

/** kubectl drain's distinct error lines (the eviction retries repeat one reason every 5 s), at most three. */
export function drainErrors(output: string): string {
  const lines = output.split("\n").map((l) => l.trim().replace(/ \(will retry after \d+s\)/, "")).filter((l) => /error|cannot/i.test(l));
  const distinct = [...new Set(lines)];
  // The reason (a budget, a pod without a controller) first, then kubectl's final error.
  const reasons = distinct.filter((l) => /disruption budget|no controller|cannot delete/i.test(l));
  const last = distinct.filter((l) => /^error: unable to drain/.test(l)).slice(-1);
  const picked = [...new Set([...reasons.slice(0, 2), ...last])];
  return (picked.length > 0 ? picked : distinct.length > 0 ? distinct.slice(-2) : output.trim().split("\n").slice(-2)).join(" | ");
}

/** Uncordons the node if we cordoned it, and removes our mark. */
export async function uncordon(ctx: ClusterContext, node: NodeRecord, kube: KubeNode | undefined): Promise<void> {
  if (kube && !kube.metadata.annotations[CORDONED_BY]) return;
  await kubectlIdempotent(ctx, cmd.kubectlUncordon(node.name));
  await kubectlIdempotent(ctx, cmd.kubectlRemoveAnnotations("node", node.name, [CORDONED_BY]));
}

/** Waits until the node is registered, Ready and (when given) reports kubelet `version`. */
export async function waitReady(ctx: ClusterContext, node: NodeRecord, version: string | undefined, settings: Pick<RollingSettings, "nodeReadyTimeout">): Promise<KubeNode> {
  const deadline = ctx.deadline.sub(parseDuration(settings.nodeReadyTimeout), `${node.name} ready`);
  let last = "not registered";
  return pollUntil(
    async () => {
      let nodes: Map<string, KubeNode>;
      try {
        nodes = await kubeNodes(ctx);
      } catch (err) {
        last = err instanceof Error ? err.message.split("\n")[0] : String(err);
        return undefined;
      }
      const kube = nodes.get(node.name);
      const at = kube ? nodeKubeletVersion(kube) : undefined;
      last = !kube ? "not registered" : !nodeReady(kube) ? `NotReady (kubelet ${at ?? "?"})` : `Ready, kubelet ${at ?? "?"}`;
      if (!kube || !nodeReady(kube) || (version && at !== version)) return undefined;
      node.kubeletVersion = at;
      return kube;
    },
    { deadline, what: `${node.name} to be Ready${version ? ` at v${version}` : ""} within upgrade.nodeReadyTimeout ${settings.nodeReadyTimeout}`, intervalMs: 500, describe: () => last },
  );
}
