// The list commands real clients send besides ours: listLoadBalancerRuleInstances (go-cloudstack,
// Terraform, libcloud's balancer driver) and listIpForwardingRules (libcloud's list_nodes).
import { deploy, exec, failure, items, makeSim, newNetwork, type Sim } from "./harness";

let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

async function lbWithMember(): Promise<{ rule: string; member: any; other: any }> {
  const net = await newNetwork(sim);
  const member = await deploy(sim, net.id, { name: "m1" });
  const other = await deploy(sim, net.id, { name: "m2" });
  const ip = (await exec(sim, "associateIpAddress", { networkid: net.id })) as any;
  const lb = (await exec(sim, "createLoadBalancerRule", { name: "lb", algorithm: "roundrobin", privateport: "80", publicport: "80", publicipid: ip.entity.id })) as any;
  await exec(sim, "assignToLoadBalancerRule", { id: lb.entity.id, virtualmachineids: member.id });
  return { rule: lb.entity.id, member, other };
}

test("listLoadBalancerRuleInstances lists the members as VMs; applied=false the VMs that could join; lbvmips wraps them", async () => {
  const { rule, member, other } = await lbWithMember();
  const applied = await items(sim, "listLoadBalancerRuleInstances", { id: rule });
  expect(applied.map((v) => v.id)).toEqual([member.id]);
  expect(applied[0]).toMatchObject({ name: "m1", state: "Running", servicestate: "Unknown" });
  expect((await items(sim, "listLoadBalancerRuleInstances", { id: rule, applied: "false" })).map((v) => v.id)).toEqual([other.id]);
  const r = await exec(sim, "listLoadBalancerRuleInstances", { id: rule, lbvmips: "true" });
  expect(r).toMatchObject({ kind: "list", entityKey: "lbrulevmidip" });
  expect((r as any).items[0]).toEqual({ lbvmipaddresses: [member.nic[0].ipaddress], loadbalancerruleinstance: expect.objectContaining({ id: member.id }) });
});

test("listLoadBalancerRuleInstances: id is required, an unknown id is 431, another account's rule is 531", async () => {
  expect((await failure(async () => items(sim, "listLoadBalancerRuleInstances", {}))).text).toBe(
    "Unable to execute API command listloadbalancerruleinstances due to missing parameter id",
  );
  expect((await failure(async () => items(sim, "listLoadBalancerRuleInstances", { id: "0badc0de-0000-4000-8000-00000000dead" }))).code).toBe(431);
  const { rule } = await lbWithMember();
  const admin = await items(sim, "listLoadBalancerRuleInstances", { id: rule }, sim.admin);
  expect(admin).toHaveLength(1);
});

test("listIpForwardingRules: no static NAT in the simulator, so empty; unknown ids are 431", async () => {
  const net = await newNetwork(sim);
  const vm = await deploy(sim, net.id);
  expect(await items(sim, "listIpForwardingRules", { virtualmachineid: vm.id })).toEqual([]);
  expect((await failure(async () => items(sim, "listIpForwardingRules", { ipaddressid: "0badc0de-0000-4000-8000-00000000dead" }))).code).toBe(431);
});
