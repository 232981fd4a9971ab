// A ClusterNode create that fails half-way (the reboot job fails once) keeps its partial state; the next
// `pulumi up` (update on that state) resumes: rules and tags are probed, not duplicated, and the VM joins.
import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, kubectlNodes, providers, startSim } from "../cluster/harness";
import { deployOwnVm, nodeArgs, nodeProvider, vmOf } from "./harness";

jest.setTimeout(240_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

test("a failed join resumes on update without duplicating rules or tags", async () => {
  const p = providers();
  const version = await createVersion(sim, p);
  const cluster = (await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "again", size: 1 }))).outs as Record<string, unknown>;
  const vmId = await deployOwnVm(sim, cluster, { name: "again-node" });
  const nodes = nodeProvider();
  const inputs = (await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: vmId }))).inputs;

  sim.faults.set("job=rebootVirtualMachine:rate=1:code=530:count=1");
  const err = await nodes.create!(inputs).then(
    () => undefined,
    (e: unknown) => e as Error & { id?: string; properties?: Record<string, unknown> },
  );
  sim.faults.clear();
  expect(err?.message).toMatch(/prepare failed.*Run `pulumi up` again to resume/);
  expect(err?.properties?.state).toBe("Error");
  expect(Object.fromEntries((await vmOf(sim, vmId)).tags.map((t) => [t.key, t.value]))["cks.cloudstack.io/external-node-of"]).toBe(cluster.clusterId);

  const resumed = (await nodes.update!(String(err?.id), err?.properties ?? {}, inputs)).outs as Record<string, unknown>;
  expect(resumed).toMatchObject({ state: "Ready", nodeName: "again-node" });
  expect((await kubectlNodes(String(cluster.kubeconfig))).find((n) => n.name === "again-node")?.ready).toBe(true);
  const pf = (await api(sim).listAll("listPortForwardingRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "portforwardingrule")) as { virtualmachineid: string }[];
  expect(pf.filter((r) => r.virtualmachineid === vmId)).toHaveLength(1);
  const fw = (await api(sim).listAll("listFirewallRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "firewallrule")) as { startport: number | string }[];
  expect(fw.filter((r) => Number(r.startport) === Number(resumed.sshPort))).toHaveLength(1);

  await nodes.delete!(String(err?.id), resumed);
  expect((await vmOf(sim, vmId)).tags.filter((t) => t.key.startsWith("cks.cloudstack.io/"))).toEqual([]);
});
