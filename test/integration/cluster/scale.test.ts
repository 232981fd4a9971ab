import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";
import { TAG } from "../../../provider/cluster/tags";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

async function clusterVms(id: string): Promise<string[]> {
  const vms = (await api(sim).listAll("listVirtualMachines", { tags: { [TAG.clusterId]: id }, listall: true }, "virtualmachine")) as { name: string }[];
  return vms.map((v) => v.name).sort();
}

describe("worker scaling (size changes in place)", () => {
  it("scales up and down without touching the control plane, keeping SSH rules in CKS order", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "scaly", size: 1 });
    const created = await p.cluster.create(args);
    const id = created.id;
    const prefix = String(created.outs.prefix);
    expect(await p.cluster.diff!(id, created.outs, { ...args, size: 3 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });

    const up = (await p.cluster.update!(id, created.outs, { ...args, size: 3 })).outs as Record<string, unknown>;
    expect(up).toMatchObject({ state: "Running", size: 3 });
    expect(await clusterVms(id)).toEqual([`${prefix}-control-1`, `${prefix}-worker-1`, `${prefix}-worker-2`, `${prefix}-worker-3`]);
    let nodes = await kubectlNodes(String(up.kubeconfig));
    expect(nodes).toHaveLength(4);
    expect(nodes.every((n) => n.ready)).toBe(true);
    const fw = (await api(sim).listAll("listFirewallRules", { ipaddressid: String(up.ipAddressId), listall: true }, "firewallrule")) as { startport: number | string; endport: number | string }[];
    expect(fw.map((r) => `${r.startport}-${r.endport}`).sort()).toEqual(["2222-2225", "6443-6443"]);
    expect(sim.audit.records((r) => r.kind === "node" && Array.isArray(r.argv) && r.argv.includes("init") && r.argv.some((a) => String(a).endsWith("kubeadm")))).toHaveLength(1);

    const down = (await p.cluster.update!(id, up, { ...args, size: 1 })).outs as Record<string, unknown>;
    expect(down).toMatchObject({ state: "Running", size: 1 });
    expect(await clusterVms(id)).toEqual([`${prefix}-control-1`, `${prefix}-worker-1`]);
    nodes = await kubectlNodes(String(down.kubeconfig));
    expect(nodes.map((n) => n.name).sort()).toEqual([`${prefix}-control-1`, `${prefix}-worker-1`]);
    const pf = (await api(sim).listAll("listPortForwardingRules", { ipaddressid: String(down.ipAddressId), listall: true }, "portforwardingrule")) as { publicport: number | string }[];
    expect(pf.map((r) => Number(r.publicport)).sort()).toEqual([2222, 2223]);

    await p.cluster.delete!(id, down);
    await expectNoLeaks(sim, down);
  });
});
