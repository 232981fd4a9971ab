// update(): the same refusal as check() (resources/clusterStoppedRules.ts), for a cluster that a refresh
// found Stopped, or whose olds check could not see. Thrown before anything changes.
import type { ClusterInputs } from "../../resources/clusterInputs";
import { needsRunningChanges, stoppedRefusal } from "../../resources/clusterStoppedRules";
import type { ClusterState } from "../clusterState";

export function refuseWhileStopped(inputs: ClusterInputs, olds: Record<string, unknown>, _state: ClusterState): void {
  // stopped: false on a Stopped cluster starts it before anything else (day2/plan.ts).
  if (!inputs.stopped) return;
  const changed = needsRunningChanges(inputs as unknown as Record<string, unknown>, olds);
  if (changed.length > 0) throw new Error(`KubernetesCluster ${inputs.name}: ${stoppedRefusal(changed)}. Nothing was changed.`);
}
