// A control VM replaced because it never booted must join the API load balancer: CloudStack refuses an
// assignToLoadBalancerRule whose list holds a VM that is already a member, and the provider read that
// refusal as "done", so the new control-1 never served the endpoint and every join and resume failed
// (chaos seed 195: 3 control nodes, cloudinit-hang on control-1).
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, providers, startSim } from "../cluster/harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

it("puts a replaced control VM behind the API load balancer, and the HA create finishes", async () => {
  const lines: string[] = [];
  const p = providers((l) => lines.push(l));
  const version = await createVersion(sim, p);
  sim.faults.set("cloudinit-hang:match=control-1:count=1");
  const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "replaced-control", controlNodes: 3, size: 1, timeouts: { create: "90s", update: "90s", delete: "90s" } }));
  expect(lines.some((l) => /VM never booted.*replacing it \(replaced-control-[0-9a-f]{6}-control-1\)/.test(l))).toBe(true);
  expect(outs).toMatchObject({ state: "Running" });
  sim.faults.clear();
  await p.cluster.delete!(id, outs);
  await expectNoLeaks(sim, outs as Record<string, unknown>);
}, 300_000);
