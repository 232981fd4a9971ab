// Every rule phase is resumable after its async job failed (issue 14 §2): the create fails with a
// partial state, the next `up` (update on that state) finishes the cluster, destroy leaves nothing.
import type { Simulator } from "../../../simulator";
import { clusterArgs, createVersion, providers, startSim } from "../cluster/harness";
import { compareWorlds, snapshotWorld } from "../../../scripts/chaos/audit";

type InitError = Error & { id: string; properties: Record<string, unknown> };

let sim: Simulator;
let version: { id: string; semanticVersion: string };
beforeAll(async () => {
  sim = await startSim();
  version = await createVersion(sim, providers());
});
afterAll(async () => {
  await sim?.stop();
});

it.each(["createFirewallRule", "createPortForwardingRule", "createLoadBalancerRule", "assignToLoadBalancerRule"])("a failed %s job is resumed by the next up", async (command) => {
  const keys = { apiUrl: sim.apiUrl, adminApiKey: sim.adminApiKey, adminSecretKey: sim.adminSecretKey };
  const before = await snapshotWorld(keys);
  const p = providers();
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: `rule-${command.toLowerCase()}`, size: 1, timeouts: { create: "60s", update: "60s", delete: "60s" } });
  sim.faults.set(`job=${command}:rate=1:code=530:count=1`);
  const err = (await p.cluster.create(args).catch((e: unknown) => e)) as InitError;
  expect(err.message).toMatch(new RegExp(`rules failed.*${command}`));
  const { outs } = await p.cluster.update!(err.id, err.properties, args);
  expect(outs).toMatchObject({ state: "Running" });
  await p.cluster.delete!(err.id, outs);
  sim.faults.clear();
  await sim.jobsIdle();
  expect(compareWorlds(before, await snapshotWorld(keys))).toEqual([]);
}, 300_000);
