// A size change replaces the node-SSH firewall range; a run killed between removing the old range and
// creating the new one left no SSH access, and every resume failed in scale-down (which drains through
// control-1, before the rules phase), chaos seed 143. Reproduced here by removing the range as that
// run did, then resuming the size change.
import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, expectNoLeaks, providers, startSim } from "../cluster/harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

it("reopens node SSH before draining when an interrupted run removed the firewall range", async () => {
  const p = providers();
  const version = await createVersion(sim, p);
  const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "fw-window", size: 2, timeouts: { create: "60s", update: "60s", delete: "60s" } });
  const { id, outs } = await p.cluster.create(args);
  const rules = (await api(sim).listAll("listFirewallRules", { ipaddressid: String(outs.ipAddressId), listall: true }, "firewallrule")) as { id: string; startport: string }[];
  const ssh = rules.find((r) => Number(r.startport) === 2222)!;
  await api(sim).request("deleteFirewallRule", { id: ssh.id });
  const { outs: scaled } = await p.cluster.update!(id, outs, { ...args, size: 1 });
  expect(scaled).toMatchObject({ state: "Running", size: 1 });
  const after = (await api(sim).listAll("listFirewallRules", { ipaddressid: String(outs.ipAddressId), listall: true }, "firewallrule")) as { startport: string; endport: string }[];
  expect(after.map((r) => `${r.startport}-${r.endport}`).sort()).toEqual(["2222-2223", "6443-6443"]);
  await p.cluster.delete!(id, scaled);
  await expectNoLeaks(sim, scaled as Record<string, unknown>);
}, 300_000);
