// Issue 13, "done when": a VM deployed outside the provider, on the cluster's network with the cluster's
// keypair, becomes a Ready worker (real kubectl shows its labels and taints); the cluster's read lists it
// as external; the cluster's delete refuses while it is a member; deleting the ClusterNode removes the
// node from Kubernetes and its rules from CloudStack, and the VM still runs.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile } from "child_process";
import { promisify } from "util";
import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "../cluster/harness";
import { deployOwnVm, nodeArgs, nodeProvider, vmOf } from "./harness";
import { TAG } from "../../../provider/cluster/tags";

jest.setTimeout(240_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

interface LiveNode {
  metadata: { labels: Record<string, string> };
  spec: { taints?: { key: string; value?: string; effect: string }[] };
}

/** The real kubectl, asynchronously: the simulator's API server runs in this process. */
async function kubectlNodeJson(kubeconfig: string, name: string): Promise<LiveNode> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    const { stdout } = await promisify(execFile)("/usr/bin/kubectl", ["--kubeconfig", file, "get", "node", name, "-o", "json", "--request-timeout=20s"], { encoding: "utf8" });
    return JSON.parse(stdout) as LiveNode;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("ClusterNode: an existing VM joins and leaves a cluster", () => {
  it("joins a VM with the cluster's keypair as a Ready worker with labels and taints, and removes it again", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "byo", size: 1 });
    const created = await p.cluster.create(args);
    const cluster = created.outs as Record<string, unknown>;
    const vmId = await deployOwnVm(sim, cluster, { name: "byo-extra-1" });

    const nodes = nodeProvider();
    const inputs = nodeArgs(sim, cluster, { virtualMachineId: vmId, labels: { "example.com/pool": "byo" }, taints: [{ key: "dedicated", value: "byo", effect: "NoSchedule" }] });
    const checked = await nodes.check!({}, inputs);
    expect(checked.failures).toEqual([]);
    const joined = await nodes.create!(checked.inputs);
    const outs = joined.outs as Record<string, unknown>;
    expect(outs).toMatchObject({ state: "Ready", nodeName: "byo-extra-1", kubernetesVersion: version.semanticVersion });
    // The first port above the cluster's whole SSH range (2222 + maxClusterSize 10).
    expect(outs.sshPort).toBe(2232);

    const listed = await kubectlNodes(String(cluster.kubeconfig));
    expect(listed.find((n) => n.name === "byo-extra-1")).toEqual({ name: "byo-extra-1", ready: true });
    const live = await kubectlNodeJson(String(cluster.kubeconfig), "byo-extra-1");
    expect(live.metadata.labels["example.com/pool"]).toBe("byo");
    expect(live.spec.taints).toEqual([{ key: "dedicated", value: "byo", effect: "NoSchedule" }]);

    let vm = await vmOf(sim, vmId);
    const tags = Object.fromEntries(vm.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ [TAG.externalNodeOf]: cluster.clusterId, [TAG.manualUpgrade]: "false", [TAG.sshPort]: "2232", [TAG.nodeName]: "byo-extra-1" });
    expect(tags[TAG.clusterId]).toBeUndefined();
    expect(vm.isoid).toBeUndefined();
    const pf = (await api(sim).listAll("listPortForwardingRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "portforwardingrule")) as { publicport: string | number; virtualmachineid: string }[];
    expect(pf.filter((r) => r.virtualmachineid === vmId).map((r) => Number(r.publicport))).toEqual([2232]);

    // The cluster's read lists it, marked external.
    const read = await p.cluster.read!(created.id, cluster);
    const readNodes = (read.props as { nodes: { name: string; external?: boolean; virtualMachineId?: string }[] }).nodes;
    expect(readNodes.find((n) => n.name === "byo-extra-1")).toMatchObject({ external: true, virtualMachineId: vmId });
    expect(readNodes.filter((n) => !n.external)).toHaveLength(2);

    // The cluster's delete refuses while it is a member, naming it.
    await expect(p.cluster.delete!(created.id, read.props)).rejects.toThrow(/external nodes remain: byo-extra-1/);

    // A label and taint change applies in place.
    const changed = { ...checked.inputs, labels: { "example.com/tier": "gold" }, taints: [] };
    expect((await nodes.diff!(joined.id, outs, changed)).replaces).toEqual([]);
    const updated = (await nodes.update!(joined.id, outs, changed)).outs as Record<string, unknown>;
    const relabelled = await kubectlNodeJson(String(cluster.kubeconfig), "byo-extra-1");
    expect(relabelled.metadata.labels["example.com/tier"]).toBe("gold");
    expect(relabelled.metadata.labels["example.com/pool"]).toBeUndefined();
    expect(relabelled.spec.taints ?? []).toEqual([]);

    await nodes.delete!(joined.id, updated);
    expect((await kubectlNodes(String(cluster.kubeconfig))).map((n) => n.name)).not.toContain("byo-extra-1");
    vm = await vmOf(sim, vmId);
    expect(vm.state).toBe("Running");
    expect(vm.tags.filter((t) => t.key.startsWith("cks.cloudstack.io/"))).toEqual([]);
    const pfAfter = (await api(sim).listAll("listPortForwardingRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "portforwardingrule")) as { publicport: string | number }[];
    expect(pfAfter.map((r) => Number(r.publicport))).not.toContain(2232);
    const fwAfter = (await api(sim).listAll("listFirewallRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "firewallrule")) as { startport: string | number }[];
    expect(fwAfter.map((r) => Number(r.startport))).not.toContain(2232);
    // The node ran kubeadm reset -f.
    expect(sim.audit.records((r) => r.kind === "node" && r.vmId === vmId && Array.isArray(r.argv) && r.argv.includes("reset") && r.argv.includes("-f"))).not.toHaveLength(0);

    // The VM is the operator's; it sits on the network the cluster created, so it goes before the cluster.
    await api(sim).request("destroyVirtualMachine", { id: vmId, expunge: true });
    await p.cluster.delete!(created.id, read.props);
    await expectNoLeaks(sim, cluster);
  });
});
