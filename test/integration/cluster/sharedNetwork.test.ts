import type { Simulator } from "../../../simulator";
import { SEED_IDS } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

describe("a cluster on a Shared network (direct access, CKS §3.3)", () => {
  // Skipped until the simulator serves the API server on the guest IP too: today it exposes only
  // guestIp:22 for direct-access networks (simulator/node/runtime.ts listenOnGuestIp), so the create
  // gets through every phase up to the API wait and then times out on https://<guest ip>:6443/version.
  it.skip("reaches nodes on their guest IPs, creates no public IP or rules, and keeps the network on delete", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "shared", size: 1, networkId: SEED_IDS.sharedNetwork }));
    expect(outs).toMatchObject({ state: "Running", networkId: SEED_IDS.sharedNetwork, networkCreated: false });
    expect(outs.ipAddressId).toBeUndefined();
    const control = (outs.nodes as { role: string; privateIp: string; sshPort: number }[]).find((n) => n.role === "control")!;
    expect(control.sshPort).toBe(22);
    expect(outs.endpoint).toBe(`https://${control.privateIp}:6443/`);
    expect(sim.audit.records({ kind: "api", command: "associateIpAddress" })).toEqual([]);
    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes.every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
  });
});
