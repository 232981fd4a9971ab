// Which operations an update runs, in order, and the phase list of each. An update can need several
// (a resumed create, then an upgrade, then a size change): each is its own list run by the one runner.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterState } from "../clusterState";
import type { Phase } from "../operation";
import { createOperation } from "./create";
import { upgradeOperation } from "./upgrade";
import { offeringOperation } from "./offering";
import { stopOperation } from "./stop";
import { startOperation } from "./start";
import { repairOperation } from "./repair";
import { renewCertificatesOperation } from "./renewCertificates";
import { day2Operations, type Day2Operation } from "../day2/plan";

export type OperationName = "create" | "upgrade" | "offering" | "scale" | Day2Operation;

export interface OperationSpec {
  phases(inputs: ClusterInputs, state: ClusterState): Phase[];
  /** The cluster's state when a phase after the checks fails. */
  failedState: "Error" | "Alert";
  /** The state a successful run leaves (default Running). */
  doneState?: "Running" | "Stopped";
  /** Phases that only check (probe, never act): a failure there changed nothing, so the recorded state stays. */
  checks: readonly string[];
}

export const OPERATIONS: Record<OperationName, OperationSpec> = {
  create: { phases: createOperation, failedState: "Error", checks: [] },
  upgrade: { phases: upgradeOperation, failedState: "Alert", checks: ["validate-upgrade", "probe-versions"] },
  offering: { phases: offeringOperation, failedState: "Alert", checks: ["validate-offering"] },
  // A size change runs the create list: scale-down removes surplus workers, vms and join add missing ones.
  scale: { phases: createOperation, failedState: "Alert", checks: ["validate"] },
  stop: { phases: stopOperation, failedState: "Alert", doneState: "Stopped", checks: [] },
  start: { phases: startOperation, failedState: "Alert", checks: [] },
  repair: { phases: repairOperation, failedState: "Alert", checks: [] },
  "renew-certificates": { phases: renewCertificatesOperation, failedState: "Alert", checks: [] },
};

/**
 * The operations an update runs. A create that never finished resumes first (with the recorded
 * version: its nodes are still being built); an upgrade (a new version, or one left unfinished) comes
 * before an offering change and a size change, so new workers join at the new version and size.
 */
export function planUpdate(changed: readonly string[], state: ClusterState, inputs?: Pick<ClusterInputs, "stopped" | "certificateRenewalDays">): OperationName[] {
  const out: OperationName[] = [];
  if (inputs?.stopped && state.state !== "Error" && state.state !== "Creating" && state.kubeconfig) return day2Operations(out, changed, state, inputs);
  if (state.state === "Error" || state.state === "Creating" || !state.kubeconfig) out.push("create");
  if (changed.includes("kubernetesVersionId") || changed.includes("kubernetesVersion") || state.upgradeInProgress) out.push("upgrade");
  const again = state.interruptedOperation;
  if ((changed.includes("serviceOfferingId") || changed.includes("nodeOfferings") || again === "offering") && !out.includes("create")) out.push("offering");
  if ((changed.includes("size") || again === "scale") && !out.includes("create")) out.push("scale");
  return inputs ? day2Operations(out, changed, state, inputs) : out;
}
