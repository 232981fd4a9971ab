import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

type InitError = Error & { id: string; properties: Record<string, unknown> };

describe("a node fault during bootstrap", () => {
  it("fails naming the node and the step, and the next run resumes", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "flaky", size: 2 });
    sim.faults.set("kubelet-fail:rate=1:match=worker-2:count=1");
    // The kubelet fails to start once on worker-2: the install phase's `systemctl enable --now kubelet`.
    const err = (await p.cluster.create(args).catch((e: unknown) => e)) as InitError;
    sim.faults.clear();
    expect(err.message).toMatch(/install failed on flaky-[0-9a-f]{6}-worker-2: .*systemctl enable --now kubelet/);
    const id = err.id;
    const { outs } = (await p.cluster.update!(id, err.properties, args)) as { outs: Record<string, unknown> };
    expect(outs.state).toBe("Running");
    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
  });
});
