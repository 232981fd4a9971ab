import { defaultSeed, type Seed } from "../../../simulator/cloud/seed";
import { call, deploy, entity, exec, failure, items, makeSim, newNetwork, SEED_IDS, type Sim } from "./harness";

let sim: Sim;
afterEach(async () => {
  await sim.close();
});

function seedWithHosts(n: number, dedicatedFirst?: Seed["hosts"][number]["dedicated"]): Seed {
  const seed = defaultSeed();
  seed.hosts = Array.from({ length: n }, (_, i) => ({
    id: SEED_IDS.hosts[i],
    name: `h${i + 1}`,
    zoneid: SEED_IDS.zone,
    hypervisor: "KVM",
    cpunumber: 16,
    cpuspeed: 2000,
    memory: 32768,
    hosttags: [],
    state: "Up" as const,
    resourcestate: "Enabled" as const,
    ...(i === 0 && dedicatedFirst ? { dedicated: dedicatedFirst } : {}),
  }));
  return seed;
}

const group = async (s: Sim, name: string, type: string, caller = s.user) => entity(s, "createAffinityGroup", { name, type }, caller);
const hostOf = async (s: Sim, id: string) => (await items(s, "listVirtualMachines", { id, listall: "true" }, s.admin))[0]?.hostid;

describe("affinity groups", () => {
  test("types, create, duplicate name, ExplicitDedication only by admins, list by vm", async () => {
    sim = await makeSim(seedWithHosts(2));
    expect((await items(sim, "listAffinityGroupTypes")).map((t) => t.type)).toEqual(["host anti-affinity", "host affinity", "non-strict host anti-affinity", "non-strict host affinity"]);
    const g = await group(sim, "spread", "host anti-affinity");
    expect(g).toMatchObject({ name: "spread", type: "host anti-affinity", account: "k8s-user", virtualmachineIds: [] });
    expect(await failure(async () => call(sim, "createAffinityGroup", { name: "spread", type: "host affinity" }))).toMatchObject({
      code: 431,
      text: "Unable to create affinity group, a group with name spread already exists.",
    });
    expect(await failure(async () => call(sim, "createAffinityGroup", { name: "x", type: "rack anti-affinity" }))).toMatchObject({ code: 431, text: expect.stringMatching(/^Unable to create affinity group, invalid affinity group type: rack anti-affinity\. Valid values are /) });
    expect(await failure(async () => call(sim, "createAffinityGroup", { name: "d", type: "ExplicitDedication" }))).toMatchObject({ code: 531, text: "Cannot create the affinity group" });
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "a", affinitygroupnames: "spread" });
    expect(vm.affinitygroup).toEqual([{ id: g.id, name: "spread", type: "host anti-affinity" }]);
    expect((await items(sim, "listAffinityGroups", { virtualmachineid: vm.id })).map((x) => x.id)).toEqual([g.id]);
    expect(await failure(async () => deploy(sim, net.id, { name: "b", affinitygroupids: g.id, affinitygroupnames: "spread" }))).toMatchObject({ code: 431 });
  });

  test("host anti-affinity spreads members over hosts and fails with 533 when hosts run out", async () => {
    sim = await makeSim(seedWithHosts(3));
    const g = await group(sim, "spread", "host anti-affinity");
    const net = await newNetwork(sim);
    const vms = [];
    for (const name of ["a", "b", "c"]) vms.push(await deploy(sim, net.id, { name, affinitygroupids: g.id }));
    expect(new Set(await Promise.all(vms.map((v) => hostOf(sim, v.id)))).size).toBe(3);
    const e = await failure(async () => deploy(sim, net.id, { name: "d", affinitygroupids: g.id }));
    expect(e).toMatchObject({ code: 533, cs: 4325 });
    expect(e.text).toMatch(/^Unable to create a deployment for VM instance \{"name":"d"/);
    // Non-strict anti-affinity only prefers: a fourth member lands somewhere.
    const soft = await group(sim, "soft", "non-strict host anti-affinity");
    for (const name of ["s1", "s2", "s3", "s4"]) await deploy(sim, net.id, { name, affinitygroupids: soft.id });
  });

  test("listVirtualMachines filters by affinitygroupid; groups and memberships survive a snapshot and restore", async () => {
    sim = await makeSim(seedWithHosts(2));
    const g = await group(sim, "spread", "host anti-affinity");
    const net = await newNetwork(sim);
    const member = await deploy(sim, net.id, { name: "in", affinitygroupids: g.id });
    await deploy(sim, net.id, { name: "out" });
    expect((await items(sim, "listVirtualMachines", { affinitygroupid: g.id })).map((v) => v.name)).toEqual(["in"]);
    const snap = sim.cloud.snapshot();
    await call(sim, "deleteAffinityGroup", { id: g.id }).catch(() => undefined);
    await sim.cloud.restore(snap);
    expect((await items(sim, "listAffinityGroups", { id: g.id }))[0]).toMatchObject({ name: "spread", virtualmachineIds: [member.id] });
  });

  test("host affinity keeps members together; delete drops memberships, also of member VMs", async () => {
    sim = await makeSim(seedWithHosts(3));
    const g = await group(sim, "together", "host affinity");
    const net = await newNetwork(sim);
    const a = await deploy(sim, net.id, { name: "a" });
    const b = await deploy(sim, net.id, { name: "b", affinitygroupids: g.id });
    const c = await deploy(sim, net.id, { name: "c", affinitygroupids: g.id });
    expect(await hostOf(sim, c.id)).toBe(await hostOf(sim, b.id));
    expect(a.affinitygroup).toEqual([]);
    await exec(sim, "deleteAffinityGroup", { name: "together" });
    expect(await items(sim, "listAffinityGroups", {})).toEqual([]);
    expect((await items(sim, "listVirtualMachines", { id: b.id }))[0].affinitygroup).toEqual([]);
    expect(await failure(async () => call(sim, "deleteAffinityGroup", {}))).toMatchObject({ code: 431, text: "Either the affinity group Id or group name must be specified to delete the group" });
  });

  test("updateVMAffinityGroup needs a Stopped VM", async () => {
    sim = await makeSim(seedWithHosts(2));
    const g = await group(sim, "spread", "host anti-affinity");
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "a" });
    const job = await call(sim, "updateVMAffinityGroup", { id: vm.id, affinitygroupids: g.id });
    if (job.kind !== "async") throw new Error("async expected");
    const e = await failure(() => job.work.run());
    expect(e.code).toBe(431);
    expect(e.text).toMatch(/^Unable update affinity groups of the virtual machine .* in state Running; make sure the virtual machine is stopped/);
    await entity(sim, "stopVirtualMachine", { id: vm.id });
    const updated = await entity(sim, "updateVMAffinityGroup", { id: vm.id, affinitygroupids: g.id });
    expect(updated.affinitygroup.map((x: any) => x.id)).toEqual([g.id]);
  });

  test("a dedicated host is used only through the owner's ExplicitDedication group", async () => {
    sim = await makeSim(seedWithHosts(2, { domainid: SEED_IDS.domain, accountid: SEED_IDS.accounts.user }));
    const net = await newNetwork(sim);
    const plain = await deploy(sim, net.id, { name: "plain" });
    expect(await hostOf(sim, plain.id)).toBe(SEED_IDS.hosts[1]);
    const [ded] = await items(sim, "listAffinityGroups", { type: "ExplicitDedication" });
    expect(ded).toMatchObject({ name: "DedicatedGrp-k8s-user", description: "dedicated resources group", account: "k8s-user" });
    const onIt = await deploy(sim, net.id, { name: "ded", affinitygroupids: ded.id });
    expect(await hostOf(sim, onIt.id)).toBe(SEED_IDS.hosts[0]);
  });

  test("dedicateHost creates the account's DedicatedGrp group; listDedicatedHosts; release frees the host and drops the group", async () => {
    sim = await makeSim(seedWithHosts(2));
    const net = await newNetwork(sim, "n", sim.admin);
    const adminVm = await deploy(sim, net.id, { name: "adm" }, sim.admin);
    expect(await hostOf(sim, adminVm.id)).toBe(SEED_IDS.hosts[0]);
    // The host runs another account's VM: refused (530).
    const refused = await call(sim, "dedicateHost", { hostid: SEED_IDS.hosts[0], domainid: SEED_IDS.domain, account: "k8s-user" }, sim.admin);
    if (refused.kind !== "async") throw new Error("async expected");
    expect(await failure(() => refused.work.run())).toMatchObject({ code: 530, text: expect.stringContaining("found to be unsuitable for explicit dedication as it is running instances of another account") });
    const r = await exec(sim, "dedicateHost", { hostid: SEED_IDS.hosts[1], domainid: SEED_IDS.domain, account: "k8s-user" }, sim.admin);
    if (r.kind !== "object") throw new Error("object expected");
    const [d] = r.entity as any[];
    expect(d).toMatchObject({ hostid: SEED_IDS.hosts[1], hostname: "h2", domainid: SEED_IDS.domain, accountid: SEED_IDS.accounts.user, accountname: "k8s-user" });
    const [g] = await items(sim, "listAffinityGroups", { type: "ExplicitDedication" });
    expect(g).toMatchObject({ id: d.affinitygroupid, name: "DedicatedGrp-k8s-user" });
    expect((await items(sim, "listDedicatedHosts", {}, sim.admin)).map((x) => x.hostid)).toEqual([SEED_IDS.hosts[1]]);
    expect(await failure(async () => call(sim, "listDedicatedHosts", {}))).toMatchObject({ code: 432 });
    const again = await call(sim, "dedicateHost", { hostid: SEED_IDS.hosts[1], domainid: SEED_IDS.domain }, sim.admin);
    if (again.kind !== "async") throw new Error("async expected");
    expect(await failure(() => again.work.run())).toMatchObject({ code: 530, text: "Host h2 is already dedicated" });

    const userNet = await newNetwork(sim);
    const mine = await deploy(sim, userNet.id, { name: "mine", affinitygroupids: g.id });
    expect(await hostOf(sim, mine.id)).toBe(SEED_IDS.hosts[1]);
    const other = await deploy(sim, userNet.id, { name: "other" });
    expect(await hostOf(sim, other.id)).toBe(SEED_IDS.hosts[0]);

    await exec(sim, "releaseDedicatedHost", { hostid: SEED_IDS.hosts[1] }, sim.admin);
    expect(await items(sim, "listDedicatedHosts", {}, sim.admin)).toEqual([]);
    expect(await items(sim, "listAffinityGroups", { type: "ExplicitDedication" })).toEqual([]);
  });
});
