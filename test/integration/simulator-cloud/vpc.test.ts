// VPC tiers in the simulator: tier addressing, ACL lists and items, VPC IPs tied to a tier by their
// first rule, no firewall on VPC IPs, and ingress admitted by the tier's ACL (on the VM's port, after NAT).
import { call, deploy, entity, exec, failure, items, makeSim, readBanner, SEED_IDS, type Sim } from "../../unit/simulator-cloud/harness";

let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

const vpcArgs = { name: "v", displaytext: "v", cidr: "10.9.0.0/16", vpcofferingid: SEED_IDS.vpcOffering, zoneid: SEED_IDS.zone };

async function tier(vpcId: string, third: number, extra: Record<string, string> = {}) {
  return entity(sim, "createNetwork", { name: `t${third}`, displaytext: "t", networkofferingid: SEED_IDS.networkOfferings.vpcTier, zoneid: SEED_IDS.zone, vpcid: vpcId, gateway: `10.9.${third}.1`, netmask: "255.255.255.0", ...extra });
}

test("a tier needs the VPC offering, a gateway inside the VPC's CIDR, and no overlap; it defaults to default_deny", async () => {
  const vpc = await entity(sim, "createVPC", vpcArgs);
  const [snat] = await items(sim, "listPublicIpAddresses", { vpcid: vpc.id });
  expect(snat).toMatchObject({ issourcenat: true, vpcid: vpc.id });
  const wrongOffering = await failure(() => call(sim, "createNetwork", { name: "x", networkofferingid: SEED_IDS.networkOfferings.kubernetes, zoneid: SEED_IDS.zone, vpcid: vpc.id, gateway: "10.9.1.1", netmask: "255.255.255.0" }));
  expect(wrongOffering.text).toMatch(/can't be used for VPC networks/);
  const notVpc = await failure(() => call(sim, "createNetwork", { name: "x", networkofferingid: SEED_IDS.networkOfferings.vpcTier, zoneid: SEED_IDS.zone }));
  expect(notVpc.text).toMatch(/VPC networks only/);
  expect((await failure(() => call(sim, "createNetwork", { name: "x", networkofferingid: SEED_IDS.networkOfferings.vpcTier, zoneid: SEED_IDS.zone, vpcid: vpc.id }))).text).toMatch(/Gateway and netmask are required/);
  expect((await failure(() => tier(vpc.id, 1, { gateway: "10.10.1.1" }))).text).toMatch(/is not within vpc/);
  const t1 = await tier(vpc.id, 1);
  expect(t1).toMatchObject({ vpcid: vpc.id, aclid: SEED_IDS.networkAcls.defaultDeny, aclname: "default_deny", cidr: "10.9.1.0/24" });
  expect((await failure(() => tier(vpc.id, 1))).text).toMatch(/overlaps/);
  expect((await items(sim, "listNetworks", { vpcid: vpc.id })).map((n) => n.id)).toEqual([t1.id]);
  expect((await failure(() => exec(sim, "deleteVPC", { id: vpc.id }))).text).toMatch(/networks that have to be deleted first/);
  await exec(sim, "deleteNetwork", { id: t1.id });
  await exec(sim, "deleteVPC", { id: vpc.id });
  expect(await items(sim, "listPublicIpAddresses", { id: snat.id })).toEqual([]);
});

test("ACL lists: the global ones are listed for every VPC and cannot change; a used or non-empty list cannot go", async () => {
  const vpc = await entity(sim, "createVPC", vpcArgs);
  const acl = await entity(sim, "createNetworkACLList", { name: "ops", description: "d", vpcid: vpc.id });
  expect((await items(sim, "listNetworkACLLists", { vpcid: vpc.id })).map((l) => l.name).sort()).toEqual(["default_allow", "default_deny", "ops"]);
  expect((await failure(() => call(sim, "createNetworkACL", { aclid: SEED_IDS.networkAcls.defaultAllow, protocol: "tcp", startport: "22" }))).text).toMatch(/Default ACL cannot be modified/);
  expect((await failure(() => call(sim, "deleteNetworkACLList", { id: SEED_IDS.networkAcls.defaultDeny }))).text).toMatch(/Default ACL cannot be removed/);
  const item = await entity(sim, "createNetworkACL", { aclid: acl.id, protocol: "tcp", startport: "22", endport: "22", traffictype: "Ingress", action: "Allow" });
  expect(item).toMatchObject({ number: 1, traffictype: "Ingress", action: "Allow", cidrlist: "0.0.0.0/0" });
  expect((await failure(() => call(sim, "createNetworkACL", { aclid: acl.id, protocol: "all", startport: "22" }))).text).toMatch(/only when protocol is TCP, UDP/);
  expect((await failure(() => call(sim, "createNetworkACL", { aclid: acl.id, protocol: "tcp", startport: "80", number: "1" }))).text).toMatch(/already exists/);
  const t = await tier(vpc.id, 2, { aclid: acl.id });
  expect((await failure(() => exec(sim, "deleteNetworkACLList", { id: acl.id }))).text).toMatch(/still associated/);
  await exec(sim, "replaceNetworkACLList", { aclid: SEED_IDS.networkAcls.defaultAllow, networkid: t.id });
  expect((await failure(() => exec(sim, "deleteNetworkACLList", { id: acl.id }))).text).toMatch(/ACL is not empty/);
  await exec(sim, "deleteNetworkACL", { id: item.id });
  await exec(sim, "deleteNetworkACLList", { id: acl.id });
});

test("a VPC IP takes no firewall rule, is tied to a tier by its first port forward, and admits what the tier's ACL allows on the VM's port", async () => {
  const vpc = await entity(sim, "createVPC", vpcArgs);
  const acl = await entity(sim, "createNetworkACLList", { name: "k8s", description: "d", vpcid: vpc.id });
  const t = await tier(vpc.id, 3, { aclid: acl.id });
  const vm = await deploy(sim, t.id, { name: "n1" });
  expect(vm.nic[0].ipaddress).toMatch(/^10\.9\.3\./);
  const ip = await entity(sim, "associateIpAddress", { vpcid: vpc.id });
  expect(ip.associatednetworkid).toBeUndefined();
  expect((await failure(() => call(sim, "createFirewallRule", { ipaddressid: ip.id, protocol: "tcp", startport: "2222" }))).text).toMatch(/not associated with any network/);
  expect((await failure(() => call(sim, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "2222", protocol: "tcp", virtualmachineid: vm.id }))).text).toMatch(/no networkId is passed in/);
  const pf = await entity(sim, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "2222", protocol: "tcp", virtualmachineid: vm.id, networkid: t.id });
  expect(pf.state).toBe("Active");
  expect((await items(sim, "listPublicIpAddresses", { id: ip.id }))[0].associatednetworkid).toBe(t.id);
  expect((await failure(() => call(sim, "createFirewallRule", { ipaddressid: ip.id, protocol: "tcp", startport: "2222" }))).text).toMatch(/Service Firewall is not supported/);
  expect(await items(sim, "listFirewallRules", { ipaddressid: ip.id })).toEqual([]); // openfirewall does nothing here
  // The list is empty: nothing is admitted.
  expect(await readBanner(ip.ipaddress, 2222)).toBe("");
  // An item for the public port does not help: the ACL sees the VM's port.
  await entity(sim, "createNetworkACL", { aclid: acl.id, protocol: "tcp", startport: "2222", endport: "2222", traffictype: "Ingress" });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("");
  // First match wins: a Deny above an Allow keeps the port closed.
  await entity(sim, "createNetworkACL", { aclid: acl.id, protocol: "tcp", startport: "22", endport: "22", traffictype: "Ingress", action: "Deny", number: "5" });
  await entity(sim, "createNetworkACL", { aclid: acl.id, protocol: "tcp", startport: "22", endport: "22", traffictype: "Ingress", action: "Allow", number: "6" });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("");
  await exec(sim, "replaceNetworkACLList", { aclid: SEED_IDS.networkAcls.defaultAllow, networkid: t.id });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("banner n1 22\n");
  await exec(sim, "replaceNetworkACLList", { aclid: acl.id, networkid: t.id });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("");
  const denies = (await items(sim, "listNetworkACLs", { aclid: acl.id, action: "Deny" })).map((i) => i.id);
  for (const id of denies) await exec(sim, "deleteNetworkACL", { id });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("banner n1 22\n");
  // The last rule gone, the IP is the VPC's again.
  await exec(sim, "deletePortForwardingRule", { id: pf.id });
  expect((await items(sim, "listPublicIpAddresses", { id: ip.id }))[0].associatednetworkid).toBeUndefined();
});
