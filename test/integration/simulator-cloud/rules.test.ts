// Port-forwarding and load-balancer rules open real listeners on the public IP: a TCP client reads
// the VM-side banner through them.
import { call, deploy, entity, exec, failure, items, makeSim, newNetwork, readBanner, SEED_IDS, type Sim } from "../../unit/simulator-cloud/harness";

let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

async function clusterNetwork() {
  const net = await newNetwork(sim, "k8s");
  const a = await deploy(sim, net.id, { name: "cp-1" });
  const b = await deploy(sim, net.id, { name: "cp-2" });
  const [ip] = await items(sim, "listPublicIpAddresses", { associatednetworkid: net.id, issourcenat: "true" });
  return { net, a, b, ip };
}

test("a port-forwarding rule connects to the VM's private port; deleting it closes the port", async () => {
  const { a, ip } = await clusterNetwork();
  const submit = await call(sim, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "2222", protocol: "tcp", virtualmachineid: a.id });
  if (submit.kind !== "async") throw new Error();
  expect(submit.work.entityId).toBeDefined();
  const job = await submit.work.run();
  if (job.kind !== "object") throw new Error();
  expect(job.entityKey).toBe("portforwardingrule");
  expect(job.entity).toMatchObject({ publicport: "2222", privateport: "22", virtualmachineid: a.id, ipaddress: ip.ipaddress, state: "Active" });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("banner cp-1 22\n");
  // openfirewall defaults to true: a firewall rule was created with it
  const fw = await items(sim, "listFirewallRules", { ipaddressid: ip.id });
  expect(fw).toHaveLength(1);
  expect(fw[0]).toMatchObject({ startport: 2222, endport: 2222, protocol: "tcp", cidrlist: "0.0.0.0/0" });
  // same port again on the same IP: 537
  const conflict = await failure(async () => call(sim, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "2222", protocol: "tcp", virtualmachineid: a.id }));
  expect(conflict.code).toBe(537);
  await exec(sim, "deletePortForwardingRule", { id: (job.entity as any).id });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("");
  expect(await items(sim, "listFirewallRules", { ipaddressid: ip.id })).toHaveLength(0);
  expect(await items(sim, "listPortForwardingRules", { ipaddressid: ip.id })).toHaveLength(0);
});

test("without a covering firewall rule (openfirewall=false) the connection is dropped until one is added", async () => {
  const { a, ip } = await clusterNetwork();
  await entity(sim, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "2300", protocol: "tcp", virtualmachineid: a.id, openfirewall: "false" });
  expect(await readBanner(ip.ipaddress, 2300)).toBe("");
  const fw = await entity(sim, "createFirewallRule", { ipaddressid: ip.id, protocol: "tcp", startport: "2300", endport: "2300", cidrlist: "0.0.0.0/0" });
  expect(fw.state).toBe("Active");
  expect(await readBanner(ip.ipaddress, 2300)).toBe("banner cp-1 22\n");
  const dup = await failure(async () => call(sim, "createFirewallRule", { ipaddressid: ip.id, protocol: "tcp", startport: "2300", cidrlist: "0.0.0.0/0" }));
  expect(dup.code).toBe(537);
});

test("a load balancer round-robins over member VMs, follows assign/remove, and closes on delete", async () => {
  const { a, b, ip } = await clusterNetwork();
  const lb = await entity(sim, "createLoadBalancerRule", { name: "api-lb", algorithm: "roundrobin", publicipid: ip.id, publicport: "6443", privateport: "6443" });
  expect(lb).toMatchObject({ name: "api-lb", publicip: ip.ipaddress, publicport: "6443", algorithm: "roundrobin" });
  expect(await readBanner(ip.ipaddress, 6443)).toBe(""); // no members yet
  await exec(sim, "assignToLoadBalancerRule", { id: lb.id, virtualmachineids: `${a.id},${b.id}` });
  const seen = [await readBanner(ip.ipaddress, 6443), await readBanner(ip.ipaddress, 6443), await readBanner(ip.ipaddress, 6443), await readBanner(ip.ipaddress, 6443)];
  expect(new Set(seen)).toEqual(new Set(["banner cp-1 6443\n", "banner cp-2 6443\n"]));
  expect(seen[0]).not.toBe(seen[1]);
  const listed = await items(sim, "listLoadBalancerRules", { virtualmachineid: b.id });
  expect(listed.map((r) => r.id)).toEqual([lb.id]);
  await exec(sim, "removeFromLoadBalancerRule", { id: lb.id, virtualmachineids: a.id });
  expect(await readBanner(ip.ipaddress, 6443)).toBe("banner cp-2 6443\n");
  expect(await readBanner(ip.ipaddress, 6443)).toBe("banner cp-2 6443\n");
  const clash = await failure(async () => call(sim, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "6443", protocol: "tcp", virtualmachineid: a.id }));
  expect(clash.code).toBe(537);
  await exec(sim, "deleteLoadBalancerRule", { id: lb.id });
  expect(await readBanner(ip.ipaddress, 6443)).toBe("");
});

test("public IPs: associate, limits, source NAT refusal, disassociate closes listeners", async () => {
  const { net, a, ip: snat } = await clusterNetwork();
  const submit = await call(sim, "associateIpAddress", { networkid: net.id });
  if (submit.kind !== "async") throw new Error();
  expect(submit.work.entityId).toBeDefined();
  const done = await submit.work.run();
  if (done.kind !== "object") throw new Error();
  expect(done.entityKey).toBe("ipaddress");
  const ip = done.entity as any;
  expect(ip).toMatchObject({ associatednetworkid: net.id, issourcenat: false, state: "Allocated" });
  expect(ip.ipaddress).not.toBe(snat.ipaddress);
  expect(ip.ipaddress.split(".").slice(0, 3)).toEqual(snat.ipaddress.split(".").slice(0, 3));
  await entity(sim, "createPortForwardingRule", { ipaddressid: ip.id, privateport: "22", publicport: "2222", protocol: "tcp", virtualmachineid: a.id });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("banner cp-1 22\n");
  const snatErr = await failure(async () => call(sim, "disassociateIpAddress", { id: snat.id }));
  expect(snatErr.code).toBe(431);
  await exec(sim, "disassociateIpAddress", { id: ip.id });
  expect(await readBanner(ip.ipaddress, 2222)).toBe("");
  expect(await items(sim, "listPortForwardingRules")).toHaveLength(0);
  expect((await items(sim, "listPublicIpAddresses")).map((i) => i.id)).toEqual([snat.id]);
});

test("public IP limit (20, the source NAT IP included) gives 535", async () => {
  const net = await newNetwork(sim);
  for (let i = 0; i < 19; i++) await exec(sim, "associateIpAddress", { networkid: net.id });
  expect(await items(sim, "listPublicIpAddresses")).toHaveLength(20);
  const e = await failure(async () => call(sim, "associateIpAddress", { networkid: net.id }));
  expect(e.code).toBe(535);
  const addresses = (await items(sim, "listPublicIpAddresses")).map((i) => i.ipaddress);
  expect(new Set(addresses).size).toBe(20);
});

test("deleteNetwork is refused while VMs are on it, then releases its IPs", async () => {
  const { net, a, b } = await clusterNetwork();
  const j = await call(sim, "deleteNetwork", { id: net.id });
  if (j.kind !== "async") throw new Error();
  expect((await failure(() => j.work.run())).code).toBe(431);
  await exec(sim, "destroyVirtualMachine", { id: a.id, expunge: "true" }, sim.admin);
  await exec(sim, "destroyVirtualMachine", { id: b.id, expunge: "true" }, sim.admin);
  await exec(sim, "deleteNetwork", { id: net.id });
  expect(await items(sim, "listNetworks", { id: net.id })).toHaveLength(0);
  expect(await items(sim, "listPublicIpAddresses")).toHaveLength(0);
});

test("fabric: public IPs resolve to themselves, guest IPs to the VM endpoint on the same network only", async () => {
  const { a, b, ip } = await clusterNetwork();
  const other = await newNetwork(sim, "other");
  const c = await deploy(sim, other.id, { name: "elsewhere" });
  expect(sim.cloud.fabric.resolve(a.id, ip.ipaddress, 6443)).toEqual({ host: ip.ipaddress, port: 6443 });
  expect(sim.cloud.fabric.resolve(a.id, b.nic[0].ipaddress, 6443)).toEqual(sim.nodes.endpoint(b.id, 6443));
  expect(sim.cloud.fabric.resolve(c.id, b.nic[0].ipaddress, 6443)).toBeNull();
  expect(sim.cloud.fabric.resolve(a.id, "10.250.0.9", 22)).toBeNull();
});

test("shared network VMs get distinct loopback guest IPs and direct access", async () => {
  const v1 = await deploy(sim, SEED_IDS.sharedNetwork, { name: "s1" });
  const v2 = await deploy(sim, SEED_IDS.sharedNetwork, { name: "s2" });
  expect(v1.nic[0].ipaddress).toMatch(/^127\./);
  expect(v1.nic[0].ipaddress).not.toBe(v2.nic[0].ipaddress);
  expect(sim.nodes.started.every((s) => s.directAccess)).toBe(true);
  const nets = await items(sim, "listNetworks", {});
  expect(nets.map((n) => n.name)).toContain("Sim-Shared-Net");
  expect(sim.cloud.fabric.resolve("any", v2.nic[0].ipaddress, 22)).toEqual(sim.nodes.endpoint(v2.id, 22));
});
