// Issue 15, placement: control nodes on distinct hosts (controlNodeAntiAffinity), the user's own
// affinity groups, and a zone with too few hosts failing with a message that names the cause.
import type { Simulator } from "../../../simulator";
import { defaultSeed, SEED_IDS } from "../../../simulator/cloud";
import { createCloudApi } from "../../../provider/cluster/cloudApi";
import { api, clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";

jest.setTimeout(240_000);

function admin(sim: Simulator) {
  return createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey });
}

async function hostsOf(sim: Simulator, ids: string[]): Promise<string[]> {
  const vms = (await admin(sim).listAll("listVirtualMachines", { listall: true }, "virtualmachine")) as { id: string; hostid?: string }[];
  return ids.map((id) => vms.find((v) => v.id === id)?.hostid ?? "?");
}

describe("control nodes on distinct hosts", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("creates a host anti-affinity group, spreads the three control nodes, and deletes the group with the cluster", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "spread", size: 1, controlNodes: 3, controlNodeAntiAffinity: true }));
    expect(outs.state).toBe("Running");
    const groupId = String(outs.controlAffinityGroupId);
    const groups = (await api(sim).listAll("listAffinityGroups", { id: groupId }, "affinitygroup")) as { name: string; type: string }[];
    expect(groups[0]).toMatchObject({ name: `${String(outs.prefix)}-control-anti-affinity`, type: "host anti-affinity" });
    const nodes = outs.nodes as { role: string; virtualMachineId: string }[];
    const controlHosts = await hostsOf(sim, nodes.filter((n) => n.role === "control").map((n) => n.virtualMachineId));
    expect(new Set(controlHosts).size).toBe(3);
    expect((await kubectlNodes(String(outs.kubeconfig))).filter((n) => n.ready)).toHaveLength(4);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    // By id the lookup itself fails once the group is gone (the id is translated to an entity first), so list by name.
    expect(await api(sim).listAll("listAffinityGroups", { name: groups[0]!.name }, "affinitygroup")).toEqual([]);
  });

  it("passes the user's groups per role: workers in a host-affinity group share one host", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const group = (await api(sim).request("createAffinityGroup", { name: "workers-together", type: "host affinity" })) as { affinitygroup: { id: string } };
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "together", size: 2, nodeAffinityGroups: { worker: [group.affinitygroup.id] } }));
    const workers = (outs.nodes as { role: string; virtualMachineId: string }[]).filter((n) => n.role === "worker").map((n) => n.virtualMachineId);
    expect(new Set(await hostsOf(sim, workers)).size).toBe(1);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    // The user's group is the user's: it stays.
    expect((await api(sim).listAll("listAffinityGroups", { id: group.affinitygroup.id }, "affinitygroup")).length).toBe(1);
  });

  it("refuses an affinity group that does not exist before creating anything", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    await expect(p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "nogroup", affinityGroupIds: ["0a000000-0000-4000-8000-00000000dead"] }))).rejects.toThrow(/affinityGroupIds: affinity group 0a000000-0000-4000-8000-00000000dead was not found/);
  });
});

describe("a zone with fewer hosts than control nodes", () => {
  let sim: Simulator;
  beforeAll(async () => {
    const seed = defaultSeed();
    const host = (n: number) => ({ id: `0f000000-0000-4000-8000-00000000099${n}`, name: `host-${n}`, zoneid: SEED_IDS.zone, hypervisor: "KVM", cpunumber: 64, memory: 262144 });
    sim = await startSim({ seed: { ...seed, hosts: [host(1), host(2)] } });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it("fails the third control node with CloudStack's capacity error and says why, and the delete cleans up", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "toofew", size: 1, controlNodes: 3, controlNodeAntiAffinity: true });
    let failure: unknown;
    await p.cluster.create(args).catch((err: unknown) => (failure = err));
    const message = String((failure as Error)?.message ?? failure);
    expect(message).toMatch(/controlNodeAntiAffinity puts each of the 3 control nodes on its own host/);
    expect(message).toMatch(/at least 3 hosts/);
    const err = failure as Error & { id: string; properties: Record<string, unknown> };
    const outs = err.properties;
    await p.cluster.delete!(err.id, outs);
    await expectNoLeaks(sim, outs);
    expect(((await api(sim).listAll("listAffinityGroups", {}, "affinitygroup")) as { name: string }[]).filter((g) => g.name.endsWith("-control-anti-affinity"))).toEqual([]);
  });
});
