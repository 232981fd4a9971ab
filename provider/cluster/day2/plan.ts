// Where stop, start, repair and certificate renewal go in an update's list of operations
// (operations/index.ts planUpdate), and whether an unchanged input set still needs an update (diff).
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterState } from "../clusterState";
import { certificatesDue } from "../operations/renewCertificates";
import { PhaseError } from "../context";

export type Day2Operation = "stop" | "start" | "repair" | "renew-certificates";

/**
 * Adds the day-2 operations to `planned` (create / upgrade / scale, in their order):
 * - stopped: true → only stop (size, version and offering changes are refused before this);
 * - a Stopped cluster with stopped: false → start first, before anything that needs running nodes;
 * - Alert (refreshed or recorded), with no create or upgrade to resume → repair first (it does a size change too);
 * - certificates within certificateRenewalDays → renewal last.
 */
export function day2Operations<T extends string>(planned: T[], _changed: readonly string[], state: ClusterState, inputs: Pick<ClusterInputs, "stopped" | "certificateRenewalDays">): (T | Day2Operation)[] {
  if (inputs.stopped) {
    // A create that never finished is finished first; then the VMs are stopped.
    const create = planned.filter((op) => op === "create");
    return state.state === "Stopped" && create.length === 0 ? [] : [...create, "stop"];
  }
  let out: (T | Day2Operation)[] = [...planned];
  const resumes = planned.some((op) => op === "create" || op === "upgrade");
  if (state.state === "Stopped") out.unshift("start");
  else if (state.state === "Alert" && !resumes) {
    // Repair runs the create phases with the new inputs, so it applies a size change as well (and,
    // unlike scale alone, first starts stopped VMs and forgets destroyed workers' Node objects).
    out = ["repair", ...out.filter((op) => op !== "scale")];
  }
  if (!planned.some((op) => op === "create") && certificatesDue(state.certificatesExpireAt, inputs.certificateRenewalDays)) out.push("renew-certificates");
  return out;
}

/** diff(): an update is needed although no input changed (a refresh found the cluster Alert or Stopped, or certificates are due). */
export function day2UpdateNeeded(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const stopped = news.stopped === true;
  const days = typeof news.certificateRenewalDays === "number" ? news.certificateRenewalDays : 30;
  if (olds.state === "Alert") return true;
  if (olds.state === "Stopped") return !stopped;
  if (olds.state === "Running" && stopped) return true;
  return !stopped && certificatesDue(typeof olds.certificatesExpireAt === "string" ? olds.certificatesExpireAt : undefined, days);
}

/** What the failure message of a day-2 operation suggests instead of the generic "run up again to resume". */
export function day2ResumeHint(op: string, err: unknown): string | undefined {
  if (op === "repair" && err instanceof PhaseError && (err.phase === "assess" || err.phase === "unrepaired")) {
    return "Everything else that could be repaired was; the cluster stays in Alert until the lost node is dealt with as said above";
  }
  if (op === "stop" || op === "start") return `Run \`pulumi up\` again to carry on (VMs already ${op === "stop" ? "stopped" : "started"} are left as they are)`;
  return undefined;
}
