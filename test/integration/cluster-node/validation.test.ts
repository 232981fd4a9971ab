// ClusterNode validation (CKS 4.21 validateNodes + what it documents): each refusal happens before
// anything changes (no tags, no rules), names virtualMachineId and says what to do.
import type { Simulator } from "../../../simulator";
import { SEED_IDS } from "../../../simulator";
import { api, clusterArgs, createVersion, providers, startSim } from "../cluster/harness";
import { deployOwnVm, nodeArgs, nodeProvider, vmOf } from "./harness";

jest.setTimeout(240_000);

let sim: Simulator;
let cluster: Record<string, unknown>;
beforeAll(async () => {
  sim = await startSim();
  const p = providers();
  const version = await createVersion(sim, p);
  cluster = (await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "strict", size: 1 }))).outs as Record<string, unknown>;
});
afterAll(async () => {
  await sim?.stop();
});

async function refused(vmId: string, patch: Record<string, unknown> = {}): Promise<string> {
  const nodes = nodeProvider();
  const rulesBefore = ((await api(sim).listAll("listPortForwardingRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "portforwardingrule")) as unknown[]).length;
  const err = await nodes.create!((await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: vmId, ...patch }))).inputs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  const message = (err as Error).message;
  expect(message).toMatch(/Nothing was changed/);
  expect((await vmOf(sim, vmId)).tags.filter((t) => t.key.startsWith("cks.cloudstack.io/"))).toEqual([]);
  expect(((await api(sim).listAll("listPortForwardingRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "portforwardingrule")) as unknown[]).length).toBe(rulesBefore);
  return message;
}

describe("ClusterNode refuses VMs CKS would not add", () => {
  it("a VM without the cluster's keypair (unless resetSshKey)", async () => {
    const vm = await deployOwnVm(sim, cluster, { name: "no-key", keypair: "" });
    expect(await refused(vm)).toMatch(new RegExp(`not deployed with the cluster's keypair ${String(cluster.keypairName)}.*resetSshKey: true.*stops and starts the VM`));
  });

  it("a VM below 2 CPU / 2048 MB", async () => {
    const vm = await deployOwnVm(sim, cluster, { name: "tiny-one", offering: SEED_IDS.offerings.tiny });
    expect(await refused(vm)).toMatch(/1 CPU; a Kubernetes node needs at least 2/);
  });

  it("a VM whose default NIC is on another network", async () => {
    const other = (await api(sim).request("createNetwork", { name: "elsewhere", displaytext: "elsewhere", zoneid: SEED_IDS.zone, networkofferingid: String(((await api(sim).listAll("listNetworkOfferings", { guestiptype: "Isolated", state: "Enabled" }, "networkoffering")) as { id: string }[])[0].id) })) as { network: { id: string } };
    const vm = await deployOwnVm(sim, cluster, { name: "other-net", networkId: other.network.id });
    expect(await refused(vm)).toMatch(/default NIC is on network .* not on the cluster's network/);
  });

  it("a Stopped VM", async () => {
    const vm = await deployOwnVm(sim, cluster, { name: "stopped-one" });
    await api(sim).request("stopVirtualMachine", { id: vm });
    expect(await refused(vm)).toMatch(/the VM is Stopped; CKS adds Running VMs only/);
  });

  it("a VM of a template not marked For CKS", async () => {
    const r = (await api(sim).request("deployVirtualMachine", { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.small, templateid: SEED_IDS.templates.ubuntu, networkids: [String(cluster.networkId)], name: "not-cks", keypair: String(cluster.keypairName) })) as { virtualmachine: { id: string } };
    expect(await refused(r.virtualmachine.id)).toMatch(/not marked "For CKS"/);
  });

  it("one of the cluster's own VMs, and a VM already external to another cluster", async () => {
    const own = (cluster.nodes as { virtualMachineId: string; role: string }[]).find((n) => n.role === "worker")?.virtualMachineId as string;
    const nodes = nodeProvider();
    const err = await nodes.create!((await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: own }))).inputs).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/own nodes|already a member/);
    const vm = await deployOwnVm(sim, cluster, { name: "taken" });
    await api(sim).request("createTags", { resourcetype: "UserVm", resourceids: [vm], tags: { "cks.cloudstack.io/external-node-of": "another-cluster" } });
    const taken = await nodes.create!((await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: vm }))).inputs).catch((e: unknown) => e as Error);
    expect((taken as Error).message).toMatch(/already a member of cluster another-cluster/);
  });

  it("check refuses duplicate taints and a cluster without a control node, offline", async () => {
    const nodes = nodeProvider();
    const r = await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: "x", taints: [{ key: "a", effect: "NoSchedule" }, { key: "a", value: "b", effect: "NoSchedule" }], clusterNodes: [{ name: "w", role: "worker", index: 1, sshPort: 2223 }] }));
    expect((r.failures ?? []).map((f) => f.property).sort()).toEqual(["clusterNodes", "taints[1]"]);
    const bad = await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: "x", taints: [{ key: "a", effect: "Sometimes" }] }));
    expect((bad.failures ?? []).map((f) => f.property)).toEqual(["taints[0].effect"]);
  });
});

describe("resetSshKey", () => {
  it("stops the VM, resets its key to the cluster's keypair, starts it, and says why the key did not reach a cloud-init template", async () => {
    const vm = await deployOwnVm(sim, cluster, { name: "reset-me", keypair: "" });
    const nodes = nodeProvider();
    const inputs = (await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: vm, resetSshKey: true, timeouts: { create: "15s", delete: "1m" } }))).inputs;
    const err = await nodes.create!(inputs).then(() => undefined, (e: unknown) => e as Error & { properties?: Record<string, unknown>; id?: string });
    expect(err?.message).toMatch(/key was reset to .*stopped and started.*cloud-init installs SSH keys once per instance/);
    const order = sim.audit.records((r) => r.kind === "api" && ["stopVirtualMachine", "resetSSHKeyForVirtualMachine", "startVirtualMachine"].includes(String(r.command)) && JSON.stringify(r.params ?? {}).includes(vm)).map((r) => r.command);
    expect(order).toEqual(["stopVirtualMachine", "resetSSHKeyForVirtualMachine", "startVirtualMachine"]);
    const vms = (await api(sim).listAll("listVirtualMachines", { id: vm, listall: true }, "virtualmachine")) as { state: string; keypairs?: string }[];
    expect(vms[0]).toMatchObject({ state: "Running", keypairs: String(cluster.keypairName) });
    // The partial state is kept (the VM carries the membership tag): delete takes it out again.
    expect(err?.properties?.state).toBe("Error");
    await nodes.delete!(String(err?.id), err?.properties ?? {});
    expect((await vmOf(sim, vm)).tags.filter((t) => t.key.startsWith("cks.cloudstack.io/"))).toEqual([]);
  });
});
