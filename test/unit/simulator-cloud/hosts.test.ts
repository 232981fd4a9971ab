import { defaultSeed, type Seed } from "../../../simulator/cloud/seed";
import { call, deploy, entity, failure, items, makeSim, newNetwork, SEED_IDS, type Sim } from "./harness";

let sim: Sim;
afterEach(async () => {
  await sim.close();
});

/** A seed whose zone has the given hosts (cores, MB each), all KVM unless said otherwise. */
function seedWithHosts(hosts: Array<{ cpu: number; mem: number; hypervisor?: string; dedicated?: Seed["hosts"][number]["dedicated"] }>): Seed {
  const seed = defaultSeed();
  seed.hosts = hosts.map((h, i) => ({
    id: `0f000000-0000-4000-8000-0000000009${String(i + 1).padStart(2, "0")}`,
    name: `h${i + 1}`,
    zoneid: SEED_IDS.zone,
    hypervisor: h.hypervisor ?? "KVM",
    cpunumber: h.cpu,
    cpuspeed: 2000,
    memory: h.mem,
    hosttags: [],
    state: "Up",
    resourcestate: "Enabled",
    ...(h.dedicated ? { dedicated: h.dedicated } : {}),
  }));
  return seed;
}

const hostOf = async (s: Sim, id: string): Promise<string | undefined> => (await items(s, "listVirtualMachines", { id, listall: "true" }, s.admin))[0]?.hostid;

describe("hosts and placement", () => {
  test("the default seed derives 4 hosts splitting the zone capacity; listHosts is admin-only", async () => {
    sim = await makeSim();
    const hosts = await items(sim, "listHosts", { zoneid: SEED_IDS.zone, type: "Routing" }, sim.admin);
    expect(hosts.map((h) => h.id)).toEqual([...SEED_IDS.hosts]);
    expect(hosts[0]).toMatchObject({ name: "sim-host-1", type: "Routing", hypervisor: "KVM", state: "Up", resourcestate: "Enabled", cpunumber: 64, memorytotal: 131072 * 2 ** 20, memoryallocated: 0 });
    const e = await failure(async () => call(sim, "listHosts", {}));
    expect(e.code).toBe(432);
    expect(e.text).toMatch(/^The given command:listHosts does not exist or it is not available for user/);
  });

  test("VMs fill hosts first-fit; hostid/hostname are shown to the root admin only; stop releases the host and start goes back to the last one", async () => {
    sim = await makeSim(seedWithHosts([{ cpu: 4, mem: 8192 }, { cpu: 4, mem: 8192 }]));
    const net = await newNetwork(sim);
    const a = await deploy(sim, net.id, { name: "a" }); // 2 cores, 4 GB
    const b = await deploy(sim, net.id, { name: "b" });
    const c = await deploy(sim, net.id, { name: "c" });
    expect(a.hostid).toBeUndefined();
    expect(a.hostname).toBeUndefined();
    expect(await hostOf(sim, a.id)).toBe(SEED_IDS.hosts[0]);
    expect(await hostOf(sim, b.id)).toBe(SEED_IDS.hosts[0]);
    expect(await hostOf(sim, c.id)).toBe(SEED_IDS.hosts[1]);
    const [adminView] = await items(sim, "listVirtualMachines", { id: c.id, listall: "true" }, sim.admin);
    expect(adminView).toMatchObject({ hostid: SEED_IDS.hosts[1], hostname: "h2", hypervisor: "KVM" });
    const [h2] = await items(sim, "listHosts", { id: SEED_IDS.hosts[1] }, sim.admin);
    expect(h2).toMatchObject({ cpuallocatedvalue: 4000, cpuallocated: "50.00%", memoryallocated: 4096 * 2 ** 20 });

    // A fourth fits (host 2 has 2 cores left), a fifth does not: 533 with CloudStack's text.
    await deploy(sim, net.id, { name: "d" });
    const e = await failure(async () => call(sim, "deployVirtualMachine", { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.medium, templateid: SEED_IDS.templates.debianCks, networkids: net.id, name: "e" }));
    expect(e).toMatchObject({ code: 533, cs: 4325 });
    expect(e.text).toMatch(/^Unable to create a deployment for VM instance \{"name":"e"/);

    const stopped = await entity(sim, "stopVirtualMachine", { id: c.id }, sim.admin);
    expect(stopped.hostid).toBeUndefined();
    await deploy(sim, net.id, { name: "f" }); // takes c's place on host 2
    const job = await call(sim, "startVirtualMachine", { id: c.id });
    if (job.kind !== "async") throw new Error("async expected");
    expect(await failure(() => job.work.run())).toMatchObject({ code: 533 });
    await entity(sim, "destroyVirtualMachine", { id: a.id, expunge: "true" }, sim.admin);
    const started = await entity(sim, "startVirtualMachine", { id: c.id }, sim.admin);
    expect(started).toMatchObject({ state: "Running", hostid: SEED_IDS.hosts[0] });
  });

  test("a VM bigger than every host fails even when the zone total would fit", async () => {
    sim = await makeSim(seedWithHosts([{ cpu: 4, mem: 65536 }, { cpu: 4, mem: 65536 }]));
    const net = await newNetwork(sim);
    const e = await failure(async () => deploy(sim, net.id, { name: "big", serviceofferingid: SEED_IDS.offerings.xlarge }));
    expect(e.code).toBe(533);
  });

  test("hypervisor restricts placement; an unknown type is refused; none of that type in the zone is a capacity failure", async () => {
    sim = await makeSim(seedWithHosts([{ cpu: 8, mem: 16384 }, { cpu: 8, mem: 16384, hypervisor: "Simulator" }]));
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "s", hypervisor: "simulator" });
    expect(vm.hypervisor).toBe("Simulator");
    expect(await hostOf(sim, vm.id)).toBe(SEED_IDS.hosts[1]);
    expect(await failure(async () => deploy(sim, net.id, { name: "x", hypervisor: "Nope" }))).toMatchObject({ code: 431, text: "Invalid HypervisorType Nope" });
    expect(await failure(async () => deploy(sim, net.id, { name: "v", hypervisor: "VMware" }))).toMatchObject({ code: 533 });
  });

  test("hosts dedicated to a domain or an account are not used without an explicit dedication group", async () => {
    sim = await makeSim(seedWithHosts([{ cpu: 8, mem: 16384, dedicated: { domainid: SEED_IDS.domain, accountid: SEED_IDS.accounts.user } }, { cpu: 2, mem: 4096 }]));
    const net = await newNetwork(sim);
    const a = await deploy(sim, net.id, { name: "a" });
    expect(await hostOf(sim, a.id)).toBe(SEED_IDS.hosts[1]);
    expect(await failure(async () => deploy(sim, net.id, { name: "b" }))).toMatchObject({ code: 533 });
  });
});
