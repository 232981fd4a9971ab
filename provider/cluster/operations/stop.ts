// Stop (stopped: true): every VM stopped, workers first, then the control nodes, then etcd, so the API
// and its data go last (cks-day2.md §3). No cordon or drain, as in CKS. Each VM is probed first, so a
// re-run after a failure only stops what still runs. Success leaves the cluster Stopped.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterState } from "../clusterState";
import type { Phase } from "../operation";
import { powerRole } from "../day2/power";

export function stopOperation(_inputs: ClusterInputs, _state: ClusterState): Phase[] {
  return [
    { name: "stop-workers", run: (ctx) => powerRole(ctx, "stop-workers", "worker", "stop") },
    { name: "stop-control", run: (ctx) => powerRole(ctx, "stop-control", "control", "stop") },
    { name: "stop-etcd", run: (ctx) => powerRole(ctx, "stop-etcd", "etcd", "stop") },
  ];
}
