// Which operations an update runs, in order, and the phase list of each. An update can need several
// (a resumed create, then an upgrade, then a size change): each is its own list run by the one runner.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterState } from "../clusterState";
import type { Phase } from "../operation";
import { createOperation } from "./create";
import { upgradeOperation } from "./upgrade";
import { stopOperation } from "./stop";
import { startOperation } from "./start";
import { repairOperation } from "./repair";
import { renewCertificatesOperation } from "./renewCertificates";
import { day2Operations, type Day2Operation } from "../day2/plan";

export type OperationName = "create" | "upgrade" | "scale" | Day2Operation;

export interface OperationSpec {
  phases(inputs: ClusterInputs, state: ClusterState): Phase[];
  failedState: "Error" | "Alert";
  /** The state a successful run leaves (default Running). */
  doneState?: "Running" | "Stopped";
}

export const OPERATIONS: Record<OperationName, OperationSpec> = {
  create: { phases: createOperation, failedState: "Error" },
  upgrade: { phases: upgradeOperation, failedState: "Alert" },
  // A size change runs the create list: scale-down removes surplus workers, vms and join add missing ones.
  scale: { phases: createOperation, failedState: "Alert" },
  stop: { phases: stopOperation, failedState: "Alert", doneState: "Stopped" },
  start: { phases: startOperation, failedState: "Alert" },
  repair: { phases: repairOperation, failedState: "Alert" },
  "renew-certificates": { phases: renewCertificatesOperation, failedState: "Alert" },
};

/**
 * The operations an update runs. A create that never finished resumes first (with the recorded
 * version: its nodes are still being built); an upgrade (a new version, or one left unfinished) comes
 * before a size change, so new workers join at the new version.
 */
export function planUpdate(changed: readonly string[], state: ClusterState, inputs?: Pick<ClusterInputs, "stopped" | "certificateRenewalDays">): OperationName[] {
  const out: OperationName[] = [];
  if (inputs?.stopped && state.state !== "Error" && state.state !== "Creating" && state.kubeconfig) return day2Operations(out, changed, state, inputs);
  if (state.state === "Error" || state.state === "Creating" || !state.kubeconfig) out.push("create");
  if (changed.includes("kubernetesVersionId") || changed.includes("kubernetesVersion") || state.upgradeInProgress) out.push("upgrade");
  if (changed.includes("size") && !out.includes("create")) out.push("scale");
  return inputs ? day2Operations(out, changed, state, inputs) : out;
}
