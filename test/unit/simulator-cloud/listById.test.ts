// A list call filtered by an id that never existed answers 431, as CloudStack's ParamProcessWorker
// does when it cannot resolve a UUID; an id that existed and was removed lists as empty (the lookup
// includes removed rows), and a snapshot/restore keeps that memory.
import { deploy, exec, failure, items, makeSim, newNetwork, SEED_IDS, type Sim } from "./harness";

let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

const NEVER = "0badc0de-0000-4000-8000-00000000dead";
const text = (command: string, param: string) =>
  `Unable to execute API command ${command} due to invalid value. Invalid parameter ${param} value=${NEVER} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`;

test.each([
  ["listVirtualMachines", "id"],
  ["listVirtualMachines", "networkid"],
  ["listNetworks", "id"],
  ["listPublicIpAddresses", "id"],
  ["listPublicIpAddresses", "associatednetworkid"],
  ["listFirewallRules", "ipaddressid"],
  ["listPortForwardingRules", "id"],
  ["listLoadBalancerRules", "id"],
  ["listIsos", "id"],
  ["listSSHKeyPairs", "id"],
  ["listZones", "id"],
  ["listServiceOfferings", "id"],
])("%s %s=<never existed> → 431 with CloudStack's text", async (command, param) => {
  const f = await failure(async () => items(sim, command, { [param]: NEVER }));
  expect(f).toEqual({ code: 431, cs: 4350, text: text(command.toLowerCase(), param) });
});

test("an expunged VM, a deleted network and a released IP list as empty, also after snapshot/restore", async () => {
  const net = await newNetwork(sim);
  const vm = await deploy(sim, net.id, { name: "gone" });
  const ip = (await exec(sim, "associateIpAddress", { networkid: net.id })) as { kind: "object"; entity: { id: string } };
  await exec(sim, "disassociateIpAddress", { id: ip.entity.id });
  await exec(sim, "destroyVirtualMachine", { id: vm.id, expunge: "true" }, sim.admin);
  await exec(sim, "deleteNetwork", { id: net.id });
  expect(await items(sim, "listVirtualMachines", { id: vm.id }, sim.admin)).toEqual([]);
  expect(await items(sim, "listNetworks", { id: net.id })).toEqual([]);
  expect(await items(sim, "listPublicIpAddresses", { id: ip.entity.id })).toEqual([]);
  await sim.cloud.restore(JSON.parse(JSON.stringify(sim.cloud.snapshot())));
  expect(await items(sim, "listVirtualMachines", { id: vm.id }, sim.admin)).toEqual([]);
  expect((await failure(async () => items(sim, "listVirtualMachines", { id: NEVER }))).code).toBe(431);
});

test("a live entity still lists by id", async () => {
  const net = await newNetwork(sim);
  expect((await items(sim, "listNetworks", { id: net.id })).map((n) => n.id)).toEqual([net.id]);
  expect(await items(sim, "listZones", { id: SEED_IDS.zone })).toHaveLength(1);
});
