// A stopped cluster cannot be resized, upgraded or given other offerings (issue 12 §2). CKS refuses a
// size change while Stopped and an upgrade unless Running (apache/cloudstack plugins/integrations/
// kubernetes-service/.../KubernetesClusterManagerImpl.java validateKubernetesClusterScaleParameters and
// validateKubernetesClusterUpgradeParameters; reference cks-day2.md §2). CKS does change a Stopped
// cluster's offering (ScalingStoppedCluster); here that is refused too, as the issue asks, so every
// offering change runs on live nodes: drop the offerings from NEEDS_RUNNING_INPUTS to allow it.
import { failure, type CheckFailure } from "./common/failures";

/** Inputs whose change needs the cluster's nodes running. */
export const NEEDS_RUNNING_INPUTS = ["size", "kubernetesVersionId", "kubernetesVersion", "serviceOfferingId", "nodeOfferings"] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The inputs among NEEDS_RUNNING_INPUTS that differ between `olds` and `news`. */
export function needsRunningChanges(news: Record<string, unknown>, olds: Record<string, unknown>): string[] {
  return NEEDS_RUNNING_INPUTS.filter((k) => olds[k] !== undefined && news[k] !== undefined && !same(olds[k], news[k]));
}

export function stoppedRefusal(changed: readonly string[]): string {
  return `the cluster is stopped (stopped: true), so ${changed.join(", ")} cannot change: CKS refuses to scale or upgrade a cluster that is not Running. Set stopped: false and run \`pulumi up\` to start it, then make the change; or revert ${changed.join(", ")}`;
}

/** check(): refuses size, version and offering changes while the new inputs keep (or make) the cluster stopped. */
export function stoppedClusterRules(inputs: { stopped: boolean } & Record<string, unknown>, olds?: Record<string, unknown>): CheckFailure[] {
  if (!inputs.stopped || !olds || Object.keys(olds).length === 0) return [];
  const changed = needsRunningChanges(inputs, olds);
  if (changed.length === 0) return [];
  return [failure(changed[0], stoppedRefusal(changed), ["stopped", ...changed.slice(1)])];
}
