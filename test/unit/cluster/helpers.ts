import { ClusterContext } from "../../../provider/cluster/context";
import { Deadline } from "../../../provider/cluster/deadline";
import { Progress } from "../../../provider/cluster/progress";
import { planNodes, type ClusterState } from "../../../provider/cluster/clusterState";
import { ClusterInputsSchema, type ClusterInputs } from "../../../provider/resources/clusterInputs";
import type { NodeConnector } from "../../../provider/cluster/nodeShell";
import { FakeCloud } from "./fakeCloud";
import { TAG } from "../../../provider/cluster/tags";

export const CLUSTER_ID = "0a1b2c3d-0000-4000-8000-000000000001";

export function inputs(patch: Partial<Record<keyof ClusterInputs, unknown>> = {}): ClusterInputs {
  return ClusterInputsSchema.parse({ name: "demo", zoneId: "z1", kubernetesVersionId: "iso-1", serviceOfferingId: "off-small", size: 2, ...patch });
}

export const noConnector: NodeConnector = {
  connect: async () => {
    throw new Error("no SSH in this test");
  },
};

export function context(cloud: FakeCloud, inp: ClusterInputs = inputs(), lines: string[] = []): ClusterContext {
  const state: ClusterState = { clusterId: CLUSTER_ID, prefix: "demo-0a1b2c", state: "Creating", hostKeys: {}, nodes: planNodes("demo-0a1b2c", inp), virtualMachineIds: [] };
  return new ClusterContext({ api: cloud, inputs: inp, state, connector: noConnector, deadline: Deadline.in(20_000, "test"), progress: new Progress("cluster", inp.name, (l) => lines.push(l)), concurrency: 3 });
}

/** A cloud with a ready, tagged version ISO. */
export function cloudWithVersion(version = "1.31.4", extraTags: Record<string, string> = {}): FakeCloud {
  const cloud = new FakeCloud();
  cloud.isos.push({ id: "iso-1", name: `Kubernetes-${version}`, isready: true, zoneid: "z1" });
  const tags = { [TAG.kind]: "supported-version", [TAG.semanticVersion]: version, [TAG.state]: "Enabled", [TAG.minCpu]: "2", [TAG.minMemory]: "2048", ...extraTags };
  for (const [key, value] of Object.entries(tags)) cloud.tags.push({ resourcetype: "ISO", resourceid: "iso-1", key, value });
  return cloud;
}
