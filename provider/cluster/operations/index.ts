// Which operations an update runs, in order, and the phase list of each. An update can need several
// (a resumed create, then an upgrade, then a size change): each is its own list run by the one runner.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterState } from "../clusterState";
import type { Phase } from "../operation";
import { createOperation } from "./create";
import { upgradeOperation } from "./upgrade";

export type OperationName = "create" | "upgrade" | "scale";

export const OPERATIONS: Record<OperationName, { phases(inputs: ClusterInputs, state: ClusterState): Phase[]; failedState: "Error" | "Alert" }> = {
  create: { phases: createOperation, failedState: "Error" },
  upgrade: { phases: upgradeOperation, failedState: "Alert" },
  // A size change runs the create list: scale-down removes surplus workers, vms and join add missing ones.
  scale: { phases: createOperation, failedState: "Alert" },
};

/**
 * The operations an update runs. A create that never finished resumes first (with the recorded
 * version: its nodes are still being built); an upgrade (a new version, or one left unfinished) comes
 * before a size change, so new workers join at the new version.
 */
export function planUpdate(changed: readonly string[], state: ClusterState): OperationName[] {
  const out: OperationName[] = [];
  if (state.state === "Error" || state.state === "Creating" || !state.kubeconfig) out.push("create");
  if (changed.includes("kubernetesVersionId") || changed.includes("kubernetesVersion") || state.upgradeInProgress) out.push("upgrade");
  if (changed.includes("size") && !out.includes("create")) out.push("scale");
  return out;
}
