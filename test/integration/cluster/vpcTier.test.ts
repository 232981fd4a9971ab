import type { Simulator } from "../../../simulator";
import { SEED_IDS } from "../../../simulator";
import { api, clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";
import { deployOwnVm, nodeArgs, nodeProvider } from "../cluster-node/harness";

jest.setTimeout(240_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

async function createVpc(name: string, cidr = "10.20.0.0/16"): Promise<string> {
  const r = (await api(sim).request("createVPC", { name, displaytext: name, cidr, vpcofferingid: SEED_IDS.vpcOffering, zoneid: SEED_IDS.zone })) as { vpc: { id: string } };
  return r.vpc.id;
}

type Item = { id: string; traffictype: string; protocol: string; startport?: number; tags: { key: string }[] };

describe("a cluster on a VPC tier (CKS §3.3 rule 3, §4.2 VPC rules)", () => {
  it("gets a tier and ACL list of its own, no firewall rules, answers kubectl through the VPC IP, and deletes all of it but the VPC", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const vpcId = await createVpc("prod-vpc");
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "invpc", size: 1, vpcId }));
    expect(outs).toMatchObject({ state: "Running", vpcId, networkCreated: true });
    const a = api(sim);
    const tier = ((await a.listAll("listNetworks", { id: String(outs.networkId), listall: true }, "network")) as { vpcid?: string; aclid?: string; cidr: string }[])[0];
    expect(tier.vpcid).toBe(vpcId);
    expect(tier.cidr).toBe("10.20.0.0/24");
    expect(tier.aclid).toBe(outs.networkAclId);
    const lists = (await a.listAll("listNetworkACLLists", { vpcid: vpcId }, "networkacllist")) as { id: string; name: string }[];
    expect(lists.find((l) => l.id === outs.networkAclId)?.name).toBe(`${String(outs.prefix)}-acl`);
    const items = (await a.listAll("listNetworkACLs", { aclid: String(outs.networkAclId) }, "networkacl")) as Item[];
    expect(items.map((i) => `${i.traffictype}:${i.protocol}:${i.startport ?? "*"}`).sort()).toEqual(["Egress:all:*", "Ingress:tcp:22", "Ingress:tcp:6443"]);
    expect(sim.audit.records({ kind: "api", command: "createFirewallRule" })).toEqual([]);
    const ip = ((await a.listAll("listPublicIpAddresses", { id: String(outs.ipAddressId) }, "publicipaddress")) as { vpcid?: string; associatednetworkid?: string }[])[0];
    expect(ip).toMatchObject({ vpcid: vpcId, associatednetworkid: outs.networkId });
    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n) => n.ready)).toBe(true);

    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    expect(((await a.listAll("listNetworkACLLists", { vpcid: vpcId }, "networkacllist")) as { id: string }[]).some((l) => l.id === outs.networkAclId)).toBe(false);
    expect((await a.listAll("listVPCs", { id: vpcId }, "vpc")).length).toBe(1);
  });

  it("refuses an existing tier behind default_deny before creating anything", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const vpcId = await createVpc("deny-vpc", "10.30.0.0/16");
    const a = api(sim);
    const tier = (await a.request("createNetwork", { name: "deny-tier", displaytext: "t", networkofferingid: SEED_IDS.networkOfferings.vpcTier, zoneid: SEED_IDS.zone, vpcid: vpcId, gateway: "10.30.1.1", netmask: "255.255.255.0" })) as { network: { id: string; aclid: string } };
    expect(tier.network.aclid).toBe(SEED_IDS.networkAcls.defaultDeny);
    const before = sim.audit.records({ kind: "api" }).length;
    await expect(p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "deny", size: 1, networkId: tier.network.id }))).rejects.toThrow(/default_deny/);
    const created = sim.audit.records({ kind: "api" }).slice(before).filter((r) => /^(create|deploy|associate)/.test(r.command));
    expect(created.map((r) => r.command)).toEqual([]);
  });

  it("adds its items to a tier's own ACL list and removes only those", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const vpcId = await createVpc("shared-vpc", "10.40.0.0/16");
    const a = api(sim);
    const acl = (await a.request("createNetworkACLList", { name: "ops", description: "operators' list", vpcid: vpcId })) as { networkacllist: { id: string } };
    const aclId = acl.networkacllist.id;
    const mine = (await a.request("createNetworkACL", { aclid: aclId, protocol: "tcp", startport: 443, endport: 443, traffictype: "Ingress", action: "Allow", cidrlist: ["0.0.0.0/0"] })) as { networkacl: { id: string } };
    const tier = (await a.request("createNetwork", { name: "apps", displaytext: "apps", networkofferingid: SEED_IDS.networkOfferings.vpcTier, zoneid: SEED_IDS.zone, vpcid: vpcId, gateway: "10.40.3.1", netmask: "255.255.255.0", aclid: aclId })) as { network: { id: string } };
    const { id, outs } = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "ontier", size: 1, networkId: tier.network.id }));
    expect(outs).toMatchObject({ state: "Running", vpcId, networkCreated: false, networkAclId: aclId });
    expect(((await a.listAll("listNetworkACLs", { aclid: aclId }, "networkacl")) as Item[]).length).toBe(4);
    expect((await kubectlNodes(String(outs.kubeconfig))).every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    const left = (await a.listAll("listNetworkACLs", { aclid: aclId }, "networkacl")) as Item[];
    expect(left.map((i) => i.id)).toEqual([mine.networkacl.id]);
    expect((await a.listAll("listNetworks", { id: tier.network.id }, "network")).length).toBe(1);
  });

  it("joins a ClusterNode through the VPC IP without a firewall rule, and removes its port forward on delete", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const vpcId = await createVpc("byo-vpc", "10.50.0.0/16");
    const created = await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "vpcbyo", size: 1, vpcId }));
    const cluster = created.outs as Record<string, unknown>;
    const vmId = await deployOwnVm(sim, cluster, { name: "vpcbyo-extra-1" });
    const nodes = nodeProvider();
    const checked = await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: vmId }));
    expect(checked.failures).toEqual([]);
    const joined = await nodes.create!(checked.inputs);
    expect(joined.outs).toMatchObject({ state: "Ready" });
    expect((await kubectlNodes(String(cluster.kubeconfig))).find((n) => n.name === "vpcbyo-extra-1")?.ready).toBe(true);
    expect(sim.audit.records({ kind: "api", command: "createFirewallRule" })).toEqual([]);
    await nodes.delete!(joined.id, joined.outs);
    const a = api(sim);
    const pfs = (await a.listAll("listPortForwardingRules", { ipaddressid: String(cluster.ipAddressId), listall: true }, "portforwardingrule")) as { virtualmachineid: string }[];
    expect(pfs.some((r) => r.virtualmachineid === vmId)).toBe(false);
    await a.request("destroyVirtualMachine", { id: vmId, expunge: true });
    await p.cluster.delete!(created.id, cluster);
    await expectNoLeaks(sim, cluster);
  });
});
