import { validatePhase } from "../../../provider/cluster/phases/validate";
import { networkPhase } from "../../../provider/cluster/phases/network";
import { keysPhase, cloudStackFingerprint } from "../../../provider/cluster/phases/keys";
import { publicIpPhase } from "../../../provider/cluster/phases/publicIp";
import { vmsPhase } from "../../../provider/cluster/phases/vms";
import { rulesPhase } from "../../../provider/cluster/phases/rules";
import { attachIsoPhase, detachIsoPhase } from "../../../provider/cluster/phases/iso";
import { TAG } from "../../../provider/cluster/tags";
import { FakeCloudError } from "./fakeCloud";
import { cloudWithVersion, context, inputs, CLUSTER_ID } from "./helpers";

async function upToVms(patch: Record<string, unknown> = {}) {
  const cloud = cloudWithVersion();
  const ctx = context(cloud, inputs(patch));
  await validatePhase(ctx);
  await networkPhase(ctx);
  await keysPhase(ctx);
  await publicIpPhase(ctx);
  return { cloud, ctx };
}

describe("validate phase (cloud rules, before anything is created)", () => {
  it("learns the version from the ISO tags", async () => {
    const ctx = context(cloudWithVersion("1.30.2"));
    await validatePhase(ctx);
    expect(ctx.state.kubernetesVersion).toBe("1.30.2");
    expect(ctx.facts.templateIds?.control).toBe("tmpl-1");
  });

  it.each([
    ["a too small offering", { serviceOfferingId: "off-tiny" }, /serviceOfferingId: service offering Tiny \(1 vCPU, 1024 MB\) is too small/],
    ["an unknown offering", { nodeOfferings: { control: "nope" } }, /nodeOfferings.control: service offering nope was not found/],
    ["an unknown template", { templateId: "nope" }, /templateId: template nope was not found/],
    ["a missing keypair", { keypair: "ops" }, /keypair: SSH keypair "ops" was not found/],
    ["a version mismatch", { kubernetesVersion: "1.30.0" }, /kubernetesVersion 1\.30\.0 does not match/],
  ])("fails on %s, naming the field", async (_what, patch, message) => {
    const cloud = cloudWithVersion();
    await expect(validatePhase(context(cloud, inputs(patch)))).rejects.toThrow(message);
    expect(cloud.calls.filter((c) => !c.command.startsWith("list"))).toEqual([]);
  });

  it("honours the version's minimums", async () => {
    const cloud = cloudWithVersion("1.31.4", { [TAG.minMemory]: "4096" });
    await expect(validatePhase(context(cloud))).rejects.toThrow(/at least 2 vCPU and 4096 MB/);
  });

  it("refuses a disabled version and a version whose ISO is not ready", async () => {
    await expect(validatePhase(context(cloudWithVersion("1.31.4", { [TAG.state]: "Disabled" })))).rejects.toThrow(/Disabled/);
    const cloud = cloudWithVersion();
    cloud.isos[0].isready = false;
    cloud.isos[0].status = "Downloading 10%";
    await expect(validatePhase(context(cloud))).rejects.toThrow(/not Ready in zone z1 \(status: Downloading 10%\)/);
  });

  it("applies the HA floor with the version learnt from the cloud", async () => {
    await expect(validatePhase(context(cloudWithVersion("1.21.0"), inputs({ controlNodes: 3 })))).rejects.toThrow(/minimum supported version/);
  });

  it("refuses a network used by another cluster", async () => {
    const cloud = cloudWithVersion();
    cloud.networks.push({ id: "net-1", name: "shared-iso", type: "Isolated", service: [] });
    cloud.vms.push({ id: "vm-x", name: "other-control-1", state: "Running", networkid: "net-1", nic: [] });
    cloud.tags.push({ resourcetype: "UserVm", resourceid: "vm-x", key: TAG.clusterId, value: "other" }, { resourcetype: "UserVm", resourceid: "vm-x", key: TAG.clusterName, value: "other" });
    await expect(validatePhase(context(cloud, inputs({ networkId: "net-1" })))).rejects.toThrow(/already used by Kubernetes cluster other/);
  });

  it("loads and renders the CNI configuration, failing on missing variables", async () => {
    const cloud = cloudWithVersion();
    const text = "#cloud-config\nwrite_files:\n- path: /etc/cni.conf\n  content: '{{ CIDR }}'\nruncmd:\n- kubectl apply -f /etc/cni.conf\n";
    cloud.cniconfigs.push({ id: "cni-1", name: "calico", userdata: Buffer.from(text).toString("base64") });
    const ctx = context(cloud, inputs({ cniConfigurationId: "cni-1", cniConfigDetails: { CIDR: "10.9.0.0/16" } }));
    await validatePhase(ctx);
    expect(ctx.facts.cni?.runcmd).toEqual(["kubectl apply -f /etc/cni.conf"]);
    expect(ctx.facts.cni?.cloudConfig).toContain("10.9.0.0/16");
    expect(ctx.facts.cni?.cloudConfig).not.toContain("runcmd");
    await expect(validatePhase(context(cloud, inputs({ cniConfigurationId: "cni-1" })))).rejects.toThrow(/cniConfigDetails: .*CIDR/);
  });

  it("falls back to listUserData when the CNI API is missing", async () => {
    const cloud = cloudWithVersion();
    cloud.hasCniApi = false;
    cloud.userdata.push({ id: "ud-1", name: "flannel", userdata: Buffer.from("#cloud-config\nruncmd:\n- echo hi\n").toString("base64") });
    const ctx = context(cloud, inputs({ cniConfigurationId: "ud-1" }));
    await validatePhase(ctx);
    expect(ctx.facts.cni?.runcmd).toEqual(["echo hi"]);
  });
});

describe("network, keys and public IP phases probe before acting", () => {
  it("creates and tags the network once; a re-run finds it by tag", async () => {
    const { cloud, ctx } = await upToVms();
    expect(cloud.count("createNetwork")).toBe(1);
    expect(ctx.state.networkCreated).toBe(true);
    const tags = cloud.tags.filter((t) => t.resourceid === ctx.state.networkId);
    expect(tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: TAG.clusterId, value: CLUSTER_ID })]));
    await networkPhase(ctx);
    expect(cloud.count("createNetwork")).toBe(1);
  });

  it("finds an untagged network it created by name and display text", async () => {
    const cloud = cloudWithVersion();
    const ctx = context(cloud);
    cloud.failWith = (command) => (command === "createTags" ? new FakeCloudError(command, 530, "tagging broke") : undefined);
    await expect(networkPhase(ctx)).rejects.toThrow(/tagging broke/);
    cloud.failWith = () => undefined;
    await networkPhase(ctx);
    expect(cloud.count("createNetwork")).toBe(1);
    expect(cloud.networks).toHaveLength(1);
  });

  it("registers the keypair once, and replaces one with our name but another key", async () => {
    const { cloud, ctx } = await upToVms();
    expect(cloud.keypairs).toEqual([{ name: "cks-demo-0a1b2c", fingerprint: cloudStackFingerprint(ctx.state.sshPublicKey!) }]);
    await keysPhase(ctx);
    expect(cloud.count("registerSSHKeyPair")).toBe(1);
    cloud.keypairs[0].fingerprint = "00:11";
    await keysPhase(ctx);
    expect(cloud.count("deleteSSHKeyPair")).toBe(1);
    expect(cloud.count("registerSSHKeyPair")).toBe(2);
  });

  it("associates one dedicated IP and finds it again by tag", async () => {
    const { cloud, ctx } = await upToVms();
    expect(cloud.count("associateIpAddress")).toBe(1);
    expect(ctx.state.endpoint).toBe(`https://${ctx.state.ipAddress}:6443/`);
    ctx.state.ipAddressId = undefined;
    await publicIpPhase(ctx);
    expect(cloud.count("associateIpAddress")).toBe(1);
    expect(ctx.state.ipAddressId).toBe(cloud.ips[0].id);
  });
});

describe("VMs phase", () => {
  it("deploys every node with deterministic names, tags and userdata, concurrently under the bound", async () => {
    const { cloud, ctx } = await upToVms({ controlNodes: 3, size: 3, etcdNodes: 1 });
    cloud.latencyMs.deployVirtualMachine = 50;
    await vmsPhase(ctx);
    expect(cloud.vms.map((v) => v.name).sort()).toEqual(
      ["control-1", "control-2", "control-3", "worker-1", "worker-2", "worker-3", "etcd-1"].map((n) => `demo-0a1b2c-${n}`).sort(),
    );
    const deploys = cloud.calls.filter((c) => c.command === "deployVirtualMachine");
    // Overlap is measured by calls in flight, not by elapsed time (which a loaded machine stretches).
    // 7 VMs under the test context's bound of 3 (helpers.ts): three at once, never more.
    expect(cloud.maxInFlight.get("deployVirtualMachine")).toBe(3);
    const w2 = cloud.vms.find((v) => v.name === "demo-0a1b2c-worker-2")!;
    const tags = Object.fromEntries(cloud.tags.filter((t) => t.resourceid === w2.id).map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ [TAG.clusterId]: CLUSTER_ID, [TAG.role]: "worker", [TAG.versionId]: "iso-1" });
    // One createTags per role for all its VMs (issue 14: API calls must not grow by one per node):
    // the index is in the name, so the tags are the same for every VM of a role.
    const tagCalls = cloud.calls.filter((c) => c.command === "createTags" && c.params.resourcetype === "UserVm");
    expect(tagCalls.map((c) => (c.params.resourceids as string[]).length).sort()).toEqual([1, 3, 3]);
    expect(deploys[0].params.keypairs).toEqual(["cks-demo-0a1b2c"]);
    expect(String(deploys[0].params.userdata).length).toBeLessThanOrEqual(32768);
    expect(ctx.state.nodes.every((n) => n.virtualMachineId && n.privateIp)).toBe(true);
  });

  it("never duplicates: an untagged VM with our exact name is adopted, an Error VM is replaced", async () => {
    const { cloud, ctx } = await upToVms();
    cloud.vms.push({ id: "orphan", name: "demo-0a1b2c-worker-1", state: "Running", nic: [{ id: "nic-orphan", networkid: ctx.state.networkId, ipaddress: "10.1.1.99" }] });
    cloud.vms.push({ id: "broken", name: "demo-0a1b2c-worker-2", state: "Error", nic: [] });
    cloud.vms.push({ id: "stranger", name: "demo-0a1b2c-worker-10-x", state: "Running", nic: [] });
    await vmsPhase(ctx);
    expect(cloud.count("deployVirtualMachine")).toBe(2); // control-1 and worker-2
    expect(cloud.vms.find((v) => v.id === "broken")).toBeUndefined();
    expect(ctx.node("demo-0a1b2c-worker-1").virtualMachineId).toBe("orphan");
    expect(cloud.tags.some((t) => t.resourceid === "orphan" && t.key === TAG.clusterId)).toBe(true);
    await vmsPhase(ctx);
    expect(cloud.count("deployVirtualMachine")).toBe(2);
  });

  it("names the node and the cause when a deploy fails, after trying the others", async () => {
    const { cloud, ctx } = await upToVms({ size: 3 });
    cloud.failWith = (command, params) => (command === "deployVirtualMachine" && params.name.endsWith("worker-2") ? new FakeCloudError(command, 533, "Unable to create a deployment for VM") : undefined);
    await expect(vmsPhase(ctx)).rejects.toThrow(/vms failed on demo-0a1b2c-worker-2: .*533.*Unable to create a deployment/);
    expect(cloud.vms).toHaveLength(3);
    cloud.failWith = () => undefined;
    await vmsPhase(ctx);
    expect(cloud.vms).toHaveLength(4);
    expect(cloud.count("deployVirtualMachine")).toBe(5);
  });
});

describe("rules and ISO phases", () => {
  it("creates CKS's rules once, in CKS port order, and tags them", async () => {
    const { cloud, ctx } = await upToVms({ controlNodes: 2, size: 2, etcdNodes: 1, kubernetesVersion: "1.31.4" });
    await vmsPhase(ctx);
    const ruleLists = () => cloud.count("listFirewallRules") + cloud.count("listPortForwardingRules") + cloud.count("listLoadBalancerRules");
    await rulesPhase(ctx);
    // The public IP was associated by this operation: it has no rules, so none were listed (issue 14).
    expect(ruleLists()).toBe(0);
    expect(cloud.firewall.map((r) => [r.startport, r.endport])).toEqual([[2222, 2225], [6443, 6443], [50000, 50000]]);
    const portOf = (name: string) => Number(cloud.forwards.find((r) => r.virtualmachineid === ctx.node(`demo-0a1b2c-${name}`).virtualMachineId)!.publicport);
    expect(["control-1", "control-2", "worker-1", "worker-2", "etcd-1"].map(portOf)).toEqual([2222, 2223, 2224, 2225, 50000]);
    expect(cloud.lbs).toHaveLength(1);
    expect(cloud.lbs[0].members.sort()).toEqual(ctx.nodesOf("control").map((n) => n.virtualMachineId).sort());
    const ruleIds = [...cloud.firewall, ...cloud.forwards, ...cloud.lbs].map((r) => r.id);
    for (const id of ruleIds) expect(cloud.tags.some((t) => t.resourceid === id && t.key === TAG.clusterId)).toBe(true);
    // One createTags per rule type, not one per rule (issue 14: per-node API calls).
    expect(cloud.calls.filter((c) => c.command === "createTags" && String(c.params.resourcetype).endsWith("Rule")).length).toBe(2);
    await rulesPhase(ctx);
    // A second run in the same operation (a boot replacement does this) probes again and adds nothing.
    expect(ruleLists()).toBe(3);
    expect(cloud.count("createFirewallRule") + cloud.count("createPortForwardingRule") + cloud.count("createLoadBalancerRule")).toBe(3 + 5 + 1);
    // A re-run assigns only what is missing: a replaced control VM, not the members already there.
    expect(cloud.count("assignToLoadBalancerRule")).toBe(1);
    const replaced = ctx.nodesOf("control")[1];
    replaced.virtualMachineId = "vm-replacement";
    await rulesPhase(ctx);
    expect(cloud.lbs[0].members).toContain("vm-replacement");
  });

  it("attaches the ISO only where missing and detaches it from every node, etcd included", async () => {
    const { cloud, ctx } = await upToVms({ etcdNodes: 1 });
    await vmsPhase(ctx);
    cloud.vms[0].isoid = "iso-1";
    const listsBefore = cloud.count("listVirtualMachines");
    await attachIsoPhase(ctx);
    expect(cloud.count("attachIso")).toBe(3);
    // One listing for every node's ISO, not one per node (issue 14).
    expect(cloud.count("listVirtualMachines") - listsBefore).toBe(1);
    expect(cloud.vms.every((v) => v.isoid === "iso-1")).toBe(true);
    await detachIsoPhase(ctx);
    expect(cloud.vms.every((v) => v.isoid === undefined)).toBe(true);
  });
});
