import { defaultSeed } from "../../../simulator/cloud";
import { call, deploy, entity, exec, failure, items, makeSim, newNetwork, SEED_IDS, type Sim } from "./harness";

let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

test("createNetwork gives each isolated network a fresh /24 and validates its inputs", async () => {
  const a = await newNetwork(sim, "a");
  const b = await newNetwork(sim, "b");
  expect(a).toMatchObject({ state: "Allocated", type: "Isolated", netmask: "255.255.255.0", account: "k8s-user", networkofferingname: "DefaultNetworkOfferingforKubernetesService" });
  expect(a.cidr).not.toBe(b.cidr);
  expect(a.service.map((s: any) => s.name)).toContain("SourceNat");
  expect((await failure(async () => call(sim, "createNetwork", { name: "x", networkofferingid: "nope", zoneid: SEED_IDS.zone }))).code).toBe(431);
  expect((await failure(async () => call(sim, "createNetwork", { name: "x", networkofferingid: SEED_IDS.networkOfferings.kubernetes, zoneid: "nope" }))).code).toBe(431);
  expect((await failure(async () => call(sim, "createNetwork", { name: "x", networkofferingid: SEED_IDS.networkOfferings.shared, zoneid: SEED_IDS.zone }))).code).toBe(531);
  const mine = await items(sim, "listNetworks", { name: "a" });
  expect(mine.map((n) => n.id)).toEqual([a.id]);
  expect((await items(sim, "listNetworks", { type: "Shared" })).map((n) => n.id)).toEqual([SEED_IDS.sharedNetwork]);
  expect(await items(sim, "listNetworks", {}, sim.admin)).toHaveLength(1); // admin: own (none) + shared
});

test("network limit gives 535", async () => {
  const seed = defaultSeed();
  seed.limits.network = 1;
  await sim.close();
  sim = await makeSim(seed);
  await newNetwork(sim, "one");
  expect((await failure(() => newNetwork(sim, "two"))).code).toBe(535);
});

test("networks are tagged and filtered by tags", async () => {
  const a = await newNetwork(sim, "a");
  await newNetwork(sim, "b");
  await exec(sim, "createTags", { resourcetype: "network", resourceids: a.id, "tags[0].key": "cluster", "tags[0].value": "c1" });
  const found = await items(sim, "listNetworks", { "tags[0].key": "cluster", "tags[0].value": "c1" });
  expect(found.map((n) => n.id)).toEqual([a.id]);
  expect(found[0].tags[0]).toMatchObject({ key: "cluster", value: "c1", resourcetype: "Network" });
});

test("users cannot use another account's network or IP", async () => {
  const adminNet = await newNetwork(sim, "adm", sim.admin);
  const e = await failure(async () =>
    call(sim, "deployVirtualMachine", { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.small, templateid: SEED_IDS.templates.ubuntu, networkids: adminNet.id }),
  );
  expect(e.code).toBe(531);
  expect((await failure(async () => call(sim, "associateIpAddress", { networkid: adminNet.id }))).code).toBe(531);
  expect((await failure(async () => call(sim, "associateIpAddress", {}))).code).toBe(431);
});

test("deploy without networkids uses the account's network; iptonetworklist picks the IP", async () => {
  expect((await failure(async () => call(sim, "deployVirtualMachine", { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.small, templateid: SEED_IDS.templates.ubuntu }))).code).toBe(431);
  const net = await newNetwork(sim);
  const vm = await entity(sim, "deployVirtualMachine", { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.small, templateid: SEED_IDS.templates.ubuntu, name: "auto" });
  expect(vm.nic[0].networkid).toBe(net.id);
  const gw: string = net.gateway;
  const wanted = gw.replace(/\.1$/, ".50");
  const pinned = await entity(sim, "deployVirtualMachine", {
    zoneid: SEED_IDS.zone,
    serviceofferingid: SEED_IDS.offerings.small,
    templateid: SEED_IDS.templates.ubuntu,
    name: "pinned",
    "iptonetworklist[0].networkid": net.id,
    "iptonetworklist[0].ip": wanted,
  });
  expect(pinned.nic[0].ipaddress).toBe(wanted);
  const dupName = await failure(async () => deploy(sim, net.id, { name: "auto" }));
  expect(dupName.code).toBe(431);
});
