// A node that misses its CNI start (fault node-never-ready, once) stays NotReady until its kubelet
// restarts. The ready phase restarts it once per operation after a share of the deadline, so the
// create finishes; on the old code the create, and every resume, waited until the deadline.
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, providers, startSim } from "../cluster/harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

it("restarts the kubelet of a node that stays NotReady, and the create finishes", async () => {
  const lines: string[] = [];
  const p = providers((l) => lines.push(l));
  const version = await createVersion(sim, p);
  sim.faults.set("node-never-ready:match=worker-1:count=1");
  const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "never-ready", size: 1, timeouts: { create: "40s", update: "40s", delete: "40s" } }));
  expect(outs).toMatchObject({ state: "Running" });
  expect(lines.filter((l) => /restarting its kubelet/.test(l))).toEqual([expect.stringMatching(/worker-1\)$/)]);
  sim.faults.clear();
  await p.cluster.delete!(id, outs);
  await expectNoLeaks(sim, outs as Record<string, unknown>);
}, 180_000);
