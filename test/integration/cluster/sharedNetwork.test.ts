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
  // The simulator relays every port a direct-access VM exposes on its guest IP (simulator/node/guestPorts.ts),
  // so the API server answers on https://<control guest ip>:6443 as on a real shared network.
  it("reaches nodes on their guest IPs, creates no public IP or rules, and keeps the network on delete", async () => {
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
