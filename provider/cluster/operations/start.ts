// Start (stopped: false on a Stopped cluster): etcd first, then the control nodes, then the workers
// (the reverse of stop). Then, as CKS's start worker does (cks-day2.md §3), wait until the API answers
// through the endpoint and re-read the kubeconfig; unlike CKS, also wait until every node is Ready.
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterState } from "../clusterState";
import type { Phase } from "../operation";
import { powerRole } from "../day2/power";
import { apiAndKubeconfig, everyNodeReady } from "../day2/ready";

export function startPhases(): Phase[] {
  return [
    { name: "start-etcd", run: (ctx) => powerRole(ctx, "start-etcd", "etcd", "start") },
    { name: "start-control", run: (ctx) => powerRole(ctx, "start-control", "control", "start") },
    { name: "start-workers", run: (ctx) => powerRole(ctx, "start-workers", "worker", "start") },
  ];
}

export function startOperation(_inputs: ClusterInputs, _state: ClusterState): Phase[] {
  return [...startPhases(), { name: "api", run: (ctx) => apiAndKubeconfig(ctx, "api") }, { name: "ready", run: (ctx) => everyNodeReady(ctx, "ready") }];
}
