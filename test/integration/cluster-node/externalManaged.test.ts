// Issue 13 §2–3: an ExternalManaged cluster is recorded in the CKS plugin (createKubernetesCluster
// clustertype=ExternalManaged) and shows in listKubernetesClusters, its VMs kept current with
// add/removeVirtualMachinesToKubernetesCluster, and removed with deleteKubernetesCluster; nothing is
// provisioned; check refuses scale, upgrade, stop and start. registerInCloudStack does the same for a
// CloudManaged cluster this provider builds. A cloud without the plugin records nothing.
import type { Simulator } from "../../../simulator";
import { SEED_IDS, defaultSeed } from "../../../simulator/cloud";
import { api, clusterArgs, connection, createVersion, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { deployOwnVm } from "./harness";

jest.setTimeout(240_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

interface CksCluster {
  id: string;
  name: string;
  clustertype: string;
  state: string;
  controlnodes: number;
  size: number;
  virtualmachines?: { id: string }[];
}

async function listed(s: Simulator): Promise<CksCluster[]> {
  return (await api(s).listAll("listKubernetesClusters", { listall: true }, "kubernetescluster")) as CksCluster[];
}

describe("ExternalManaged clusters", () => {
  it("records the cluster in CloudStack, keeps its VMs current and removes it, provisioning nothing", async () => {
    const p = providers();
    const vmA = await deployOwnVm(sim, {}, { name: "ext-a", keypair: "", networkId: (await anyNetwork(sim)) });
    const vmB = await deployOwnVm(sim, {}, { name: "ext-b", keypair: "", networkId: (await anyNetwork(sim)) });
    const provisioning = ["deployVirtualMachine", "createNetwork", "associateIpAddress", "createFirewallRule", "createPortForwardingRule", "createSSHKeyPair"];
    const count = (): number[] => provisioning.map((c) => sim.audit.records({ kind: "api", command: c }).length);
    const before = count();
    const args = { ...connection(sim), name: "elsewhere", zoneId: SEED_IDS.zone, clusterType: "ExternalManaged", virtualMachines: [{ id: vmA, role: "control" }], kubeconfig: "apiVersion: v1\nkind: Config\n", __provider: "shim" };
    const checked = await p.cluster.check!({}, args);
    expect(checked.failures).toEqual([]);
    const created = await p.cluster.create(checked.inputs);
    const outs = created.outs as Record<string, unknown>;
    expect(outs).toMatchObject({ state: "Running", registeredInCloudStack: true, virtualMachineIds: [vmA], controlNodes: 1, size: 0 });
    expect(created.id).toBe(outs.cloudStackClusterId);
    let record = (await listed(sim)).find((c) => c.id === created.id);
    expect(record).toMatchObject({ name: "elsewhere", clustertype: "ExternalManaged", state: "Running", controlnodes: 1, size: 0 });
    expect(record?.virtualmachines?.map((v) => v.id)).toEqual([vmA]);
    // No provisioning: no deploys, no networks, no rules, no SSH.
    expect(count()).toEqual(before);

    // A worker added and the control node's role changed: add/remove keep the record current.
    const next = { ...checked.inputs, virtualMachines: [{ id: vmA, role: "worker" }, { id: vmB, role: "worker" }] };
    expect((await p.cluster.diff!(created.id, outs, next)).replaces).toEqual([]);
    const updated = (await p.cluster.update!(created.id, outs, next)).outs as Record<string, unknown>;
    record = (await listed(sim)).find((c) => c.id === created.id);
    expect(record).toMatchObject({ controlnodes: 0, size: 2 });
    expect(sim.audit.records({ kind: "api", command: "removeVirtualMachinesFromKubernetesCluster" })).toHaveLength(1);

    // Scale, upgrade, stop and start are refused, naming the input.
    for (const [key, value] of [["size", 3], ["controlNodes", 2], ["kubernetesVersion", "1.31.0"], ["stopped", true]] as const) {
      const r = await p.cluster.check!(updated, { ...next, [key]: value });
      expect((r.failures ?? []).map((f) => f.property)).toContain(key);
      expect((r.failures ?? []).find((f) => f.property === key)?.reason).toMatch(/CKS refuses/);
    }
    const upgrade = await p.cluster.check!({ ...updated, kubernetesVersionId: "v1" }, { ...next, kubernetesVersionId: "v2" });
    expect((upgrade.failures ?? []).map((f) => f.property)).toEqual(["kubernetesVersionId"]);

    // Refresh follows the record; delete removes it and keeps the VMs.
    expect((await p.cluster.read!(created.id, updated)).id).toBe(created.id);
    await p.cluster.delete!(created.id, updated);
    expect((await listed(sim)).find((c) => c.id === created.id)).toBeUndefined();
    const vms = (await api(sim).listAll("listVirtualMachines", { listall: true }, "virtualmachine")) as { id: string; state: string }[];
    expect(vms.filter((v) => v.id === vmA || v.id === vmB).map((v) => v.state)).toEqual(["Running", "Running"]);
    expect((await p.cluster.read!(created.id, updated)).id).toBe("");
    for (const id of [vmA, vmB]) await api(sim).request("destroyVirtualMachine", { id, expunge: true });
  });

  it("registers a CloudManaged cluster with registerInCloudStack: true and unregisters it on delete", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "visible", size: 1, registerInCloudStack: true });
    const created = await p.cluster.create((await p.cluster.check!({}, args)).inputs);
    const outs = created.outs as Record<string, unknown>;
    expect(outs.registeredInCloudStack).toBe(true);
    const record = (await listed(sim)).find((c) => c.id === outs.cloudStackClusterId);
    expect(record).toMatchObject({ name: "visible", clustertype: "ExternalManaged", controlnodes: 1, size: 1 });
    const nodes = outs.nodes as { virtualMachineId: string }[];
    expect(record?.virtualmachines?.map((v) => v.id).sort()).toEqual(nodes.map((n) => n.virtualMachineId).sort());
    await p.cluster.delete!(created.id, outs);
    expect((await listed(sim)).find((c) => c.id === outs.cloudStackClusterId)).toBeUndefined();
    await expectNoLeaks(sim, outs);
  });

  it("records nothing in a cloud without the CKS plugin (listKubernetesClusters is 432 there)", async () => {
    const seed = defaultSeed();
    const bare = await startSim({ seed: { ...seed, features: { ...seed.features, kubernetesServiceApi: false } } });
    try {
      const p = providers();
      const created = await p.cluster.create({ ...connection(bare), name: "nowhere", zoneId: SEED_IDS.zone, clusterType: "ExternalManaged", virtualMachines: [] });
      expect(created.outs).toMatchObject({ state: "Running", registeredInCloudStack: false });
      expect(bare.audit.records({ kind: "api", command: "createKubernetesCluster" })).toHaveLength(0);
      await p.cluster.delete!(created.id, created.outs);
    } finally {
      await bare.stop();
    }
  });
});

/** An isolated network of the user's own, for VMs that belong to no provider-built cluster. */
async function anyNetwork(s: Simulator): Promise<string> {
  const nets = (await api(s).listAll("listNetworks", { listall: true }, "network")) as { id: string; name: string }[];
  const mine = nets.find((n) => n.name === "ext-net");
  if (mine) return mine.id;
  const offerings = (await api(s).listAll("listNetworkOfferings", { guestiptype: "Isolated", state: "Enabled" }, "networkoffering")) as { id: string; name: string }[];
  const offering = offerings.find((o) => /Kubernetes/.test(o.name)) ?? offerings[0];
  const r = (await api(s).request("createNetwork", { name: "ext-net", displaytext: "ext-net", zoneid: SEED_IDS.zone, networkofferingid: offering.id })) as { network: { id: string } };
  return r.network.id;
}
