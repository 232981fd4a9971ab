// The SDK's ClusterNode refuses manualUpgrade: true without a version of its own: following the
// cluster's kubernetesVersionId would upgrade the node in the same `pulumi up` as the cluster.
import { ClusterNode } from "../../../sdk/clusterNode";
import type { KubernetesCluster } from "../../../sdk/kubernetesCluster";

test("manualUpgrade: true needs kubernetesVersionId", () => {
  const cluster = {} as KubernetesCluster;
  expect(() => new ClusterNode("manual", { cluster, virtualMachineId: "vm", manualUpgrade: true })).toThrow(/with manualUpgrade: true, set kubernetesVersionId/);
});
