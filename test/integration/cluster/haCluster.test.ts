import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

describe("HA KubernetesCluster (3 control nodes, external etcd) against the simulator", () => {
  it("comes up with every node Ready and deletes without leaks", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "ha", controlNodes: 3, size: 1, etcdNodes: 1 }));
    expect(outs).toMatchObject({ state: "Running", controlNodes: 3, size: 1, etcdNodes: 1 });
    const etcd = (outs.nodes as { role: string; sshPort: number }[]).filter((n) => n.role === "etcd");
    expect(etcd.map((n) => n.sshPort)).toEqual([50000]);
    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes).toHaveLength(4);
    expect(nodes.every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
  });
});
