// The CKS plugin's cluster records in the simulator (KubernetesClusterManagerImpl: createUnmanaged-
// KubernetesCluster, isCommandSupported, addVmsToCluster, removeVmsFromCluster, listKubernetesClusters).
import { defaultSeed } from "../../../simulator/cloud";
import { call, deploy, entity, exec, failure, items, makeSim, newNetwork, PUBKEY, SEED_IDS, type Sim } from "./harness";

let sim: Sim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe("CKS cluster records", () => {
  test("createKubernetesCluster ExternalManaged: a record, Running at once, listed with its VMs and counts", async () => {
    sim = await makeSim();
    await entity(sim, "registerSSHKeyPair", { name: "k", publickey: PUBKEY });
    const net = await newNetwork(sim);
    const a = await deploy(sim, net.id, { name: "a" });
    const b = await deploy(sim, net.id, { name: "b" });
    const submitted = await call(sim, "createKubernetesCluster", { name: "ext", zoneid: SEED_IDS.zone, clustertype: "ExternalManaged", keypair: "k", networkid: net.id });
    expect(submitted.kind).toBe("async");
    const c = await entity(sim, "createKubernetesCluster", { name: "ext2", zoneid: SEED_IDS.zone, clustertype: "ExternalManaged" });
    expect(c).toMatchObject({ name: "ext2", clustertype: "ExternalManaged", state: "Running", endpoint: "", controlnodes: 0, size: 0, zoneid: SEED_IDS.zone });
    expect(await exec(sim, "addVirtualMachinesToKubernetesCluster", { id: c.id, virtualmachineids: a.id, iscontrolnode: "true" })).toEqual({ kind: "success" });
    await exec(sim, "addVirtualMachinesToKubernetesCluster", { id: c.id, virtualmachineids: `${b.id},${a.id}` });
    let [listed] = await items(sim, "listKubernetesClusters", { id: c.id });
    // A VM already mapped keeps its mapping (addVmsToCluster removes alreadyExistingVmIds).
    expect(listed).toMatchObject({ controlnodes: 1, size: 1 });
    expect(listed.virtualmachines.map((v: { id: string }) => v.id)).toEqual([a.id, b.id]);
    const removed = await call(sim, "removeVirtualMachinesFromKubernetesCluster", { id: c.id, virtualmachineids: `${a.id},${b.id}` });
    expect(removed).toMatchObject({ kind: "list", items: [{ id: a.id, success: true }, { id: b.id, success: true }] });
    [listed] = await items(sim, "listKubernetesClusters", { name: "ext2" });
    expect(listed).toMatchObject({ controlnodes: 0, size: 0 });
    expect(await items(sim, "listKubernetesClusters", { clustertype: "CloudManaged" })).toEqual([]);
    expect(await exec(sim, "deleteKubernetesCluster", { id: c.id })).toEqual({ kind: "success" });
    expect((await items(sim, "listKubernetesClusters", {})).map((x) => x.name)).toEqual(["ext"]);
  });

  test("refusals: CloudManaged create is not simulated (432), unknown cluster, unknown VM, keypair, network", async () => {
    sim = await makeSim();
    expect((await failure(() => exec(sim!, "createKubernetesCluster", { name: "x", zoneid: SEED_IDS.zone }))).code).toBe(432);
    expect(await failure(() => exec(sim!, "createKubernetesCluster", { name: "x", zoneid: SEED_IDS.zone, clustertype: "ExternalManaged", keypair: "nope" }))).toMatchObject({ code: 431, text: expect.stringMatching(/Given SSH key pair with name: nope was not found/) });
    expect(await failure(() => exec(sim!, "createKubernetesCluster", { name: "x", zoneid: SEED_IDS.zone, clustertype: "ExternalManaged", networkid: SEED_IDS.zone }))).toMatchObject({ code: 431, text: "Unable to find network with given ID" });
    expect(await failure(() => exec(sim!, "createKubernetesCluster", { name: "x", zoneid: SEED_IDS.zone, clustertype: "ExternalManaged", noderootdisksize: "0" }))).toMatchObject({ code: 431, text: "Invalid value for noderootdisksize" });
    const c = await entity(sim, "createKubernetesCluster", { name: "x", zoneid: SEED_IDS.zone, clustertype: "ExternalManaged" });
    expect(await failure(() => exec(sim!, "addVirtualMachinesToKubernetesCluster", { id: SEED_IDS.zone, virtualmachineids: "v" }))).toMatchObject({ code: 431, text: "Invalid Kubernetes cluster ID specified" });
    expect(await failure(() => exec(sim!, "addVirtualMachinesToKubernetesCluster", { id: c.id, virtualmachineids: "nope" }))).toMatchObject({ code: 431, text: "Invalid VM ID specified" });
  });

  test("a cloud without the plugin has none of the commands", async () => {
    const seed = defaultSeed();
    sim = await makeSim({ ...seed, features: { ...seed.features, kubernetesServiceApi: false } });
    for (const c of ["createKubernetesCluster", "listKubernetesClusters", "deleteKubernetesCluster", "addVirtualMachinesToKubernetesCluster", "removeVirtualMachinesFromKubernetesCluster"]) expect(sim.cloud.handlers[c]).toBeUndefined();
  });

  test("records survive snapshot and restore", async () => {
    sim = await makeSim();
    const c = await entity(sim, "createKubernetesCluster", { name: "kept", zoneid: SEED_IDS.zone, clustertype: "ExternalManaged" });
    const snap = JSON.parse(JSON.stringify(sim.cloud.snapshot()));
    await sim.close();
    sim = await makeSim();
    await sim.cloud.restore(snap);
    expect((await items(sim, "listKubernetesClusters", {})).map((x) => x.id)).toEqual([c.id]);
  });
});
