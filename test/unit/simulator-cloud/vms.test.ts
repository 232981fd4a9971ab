import { defaultSeed } from "../../../simulator/cloud";
import { call, deploy, entity, exec, failure, items, makeSim, newNetwork, PUBKEY, SEED_IDS, type Sim } from "./harness";

let sim: Sim;
beforeEach(async () => {
  sim = await makeSim();
});
afterEach(async () => {
  await sim.close();
});

const base = () => ({ zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.medium, templateid: SEED_IDS.templates.debianCks });

describe("deployVirtualMachine", () => {
  test("deploys to Running, boots the node with userdata, keys and the guest IP, and implements the network", async () => {
    const net = await newNetwork(sim);
    expect(net.state).toBe("Allocated");
    expect(net.gateway).toMatch(/^10\.1\.\d+\.1$/);
    await entity(sim, "registerSSHKeyPair", { name: "k1", publickey: PUBKEY });
    const userdata = Buffer.from("#cloud-config\nruncmd: [echo hi]\n").toString("base64").replace(/=+$/, "");
    const submit = await call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, name: "node-1", keypairs: "k1", userdata });
    expect(submit.kind).toBe("async");
    if (submit.kind !== "async") return;
    expect(submit.work.entityId).toBeDefined();
    const job = await submit.work.run();
    if (job.kind !== "object") throw new Error("object expected");
    const vm = job.entity as any;
    expect(job.entityKey).toBe("virtualmachine");
    expect(vm).toMatchObject({ id: submit.work.entityId, name: "node-1", displayname: "node-1", state: "Running", cpunumber: 2, memory: 4096, keypairs: "k1", account: "k8s-user" });
    expect(vm.nic[0]).toMatchObject({ networkid: net.id, isdefault: true, type: "Isolated", secondaryip: [], extradhcpoption: [] });
    expect(vm).toMatchObject({ userid: SEED_IDS.users.user, username: "k8s-user" });
    const spec = sim.nodes.started[0];
    expect(spec.vmId).toBe(vm.id);
    expect(spec.guestIp).toBe(vm.nic[0].ipaddress);
    expect(Buffer.from(spec.userData!, "base64").toString()).toContain("runcmd");
    expect(spec.userData!.endsWith("=")).toBe(true); // re-encoded with padding
    expect(spec.deployKeys).toEqual([PUBKEY]);
    expect(spec.directAccess).toBe(false);
    const [n] = await items(sim, "listNetworks", { id: net.id });
    expect(n.state).toBe("Implemented");
    const ips = await items(sim, "listPublicIpAddresses", { associatednetworkid: net.id });
    expect(ips).toHaveLength(1);
    expect(ips[0].issourcenat).toBe(true);
    expect(ips[0].ipaddress).toMatch(/^127\./);
  });

  test("startvm=false leaves the VM Stopped without booting it", async () => {
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { startvm: "false", name: "cold" });
    expect(vm.state).toBe("Stopped");
    expect(sim.nodes.started).toHaveLength(0);
  });

  test("synchronous validation: image sources, hostname, unknown template, keypair, userdata", async () => {
    const net = await newNetwork(sim);
    const e1 = await failure(async () => call(sim, "deployVirtualMachine", { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.small, networkids: net.id }));
    expect(e1.code).toBe(431);
    const e2 = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, volumeid: "x" }));
    expect(e2.code).toBe(431);
    const e3 = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, name: "bad_name" }));
    expect(e3.code).toBe(431);
    expect(e3.text).toMatch(/hostname/);
    const e4 = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, templateid: "nope" }));
    expect(e4).toMatchObject({ code: 431 });
    expect(e4.text).toMatch(/templateid/);
    const e5 = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, keypair: "missing" }));
    expect(e5.code).toBe(431);
    const e6 = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, userdata: "not base64!!" }));
    expect(e6.text).toMatch(/base64/);
    const big = Buffer.alloc(30000, 1).toString("base64");
    const e7 = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, userdata: big }));
    expect(e7.text).toMatch(/max length : 32768/);
    expect(await items(sim, "listVirtualMachines")).toHaveLength(0);
  });

  test("account limits give 535 synchronously", async () => {
    const seed = defaultSeed();
    seed.limits.cpu = 4;
    await sim.close();
    sim = await makeSim(seed);
    const net = await newNetwork(sim);
    await deploy(sim, net.id, { name: "a" });
    await deploy(sim, net.id, { name: "b" });
    const e = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, name: "c" }));
    expect(e).toMatchObject({ code: 535, cs: 4370 });
    expect(e.text).toMatch(/'cpu'/);
  });

  test("zone capacity gives 533 synchronously; the deploy-capacity fault fails the job with 533", async () => {
    const seed = defaultSeed();
    seed.zones[0].capacity.cpuCores = 4;
    await sim.close();
    sim = await makeSim(seed);
    const net = await newNetwork(sim);
    await deploy(sim, net.id, { name: "a", serviceofferingid: SEED_IDS.offerings.large });
    const e = await failure(async () => call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, name: "b" }));
    expect(e).toMatchObject({ code: 533, cs: 4325 });

    sim.faults.armed.add("deploy-capacity:unlucky");
    const r = await call(sim, "deployVirtualMachine", { ...base(), networkids: net.id, name: "unlucky", serviceofferingid: SEED_IDS.offerings.tiny, startvm: "false" });
    if (r.kind !== "async") throw new Error("async expected");
    const j = await failure(() => r.work.run());
    expect(j.code).toBe(533);
    const [vm] = await items(sim, "listVirtualMachines", { name: "unlucky" });
    expect(vm.state).toBe("Error");
  });
});

describe("state machine", () => {
  test("start a Running VM fails the job with 431; stop a Stopped VM is a no-op success", async () => {
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "sm" });
    const startJob = await call(sim, "startVirtualMachine", { id: vm.id });
    if (startJob.kind !== "async") throw new Error("async expected");
    const e = await failure(() => startJob.work.run());
    expect(e.code).toBe(431);
    expect(e.text).toMatch(/already running/);
    const stopped = await entity(sim, "stopVirtualMachine", { id: vm.id });
    expect(stopped.state).toBe("Stopped");
    expect(sim.nodes.stopped).toEqual([vm.id]);
    const again = await entity(sim, "stopVirtualMachine", { id: vm.id });
    expect(again.state).toBe("Stopped");
    expect(sim.nodes.stopped).toHaveLength(1);
    const started = await entity(sim, "startVirtualMachine", { id: vm.id });
    expect(started.state).toBe("Running");
    expect(sim.nodes.started).toHaveLength(2);
  });

  test("reboot needs Running and restarts the node", async () => {
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "rb" });
    const r = await entity(sim, "rebootVirtualMachine", { id: vm.id });
    expect(r.state).toBe("Running");
    expect(sim.nodes.stopped).toEqual([vm.id]);
    expect(sim.nodes.started).toHaveLength(2);
    await entity(sim, "stopVirtualMachine", { id: vm.id });
    const job = await call(sim, "rebootVirtualMachine", { id: vm.id });
    if (job.kind !== "async") throw new Error();
    expect((await failure(() => job.work.run())).code).toBe(530);
  });

  test("reset SSH key and userdata need Stopped; update works on Running", async () => {
    const net = await newNetwork(sim);
    await entity(sim, "registerSSHKeyPair", { name: "k2", publickey: PUBKEY });
    const vm = await deploy(sim, net.id, { name: "rs" });
    const job = await call(sim, "resetSSHKeyForVirtualMachine", { id: vm.id, keypairs: "k2" });
    if (job.kind !== "async") throw new Error();
    expect((await failure(() => job.work.run())).code).toBe(431);
    const e = await failure(async () => call(sim, "resetUserDataForVirtualMachine", { id: vm.id, userdata: "aGk=" }));
    expect(e.code).toBe(431);
    const upd = await entity(sim, "updateVirtualMachine", { id: vm.id, displayname: "pretty" });
    expect(upd.displayname).toBe("pretty");
    await entity(sim, "stopVirtualMachine", { id: vm.id });
    const reset = await entity(sim, "resetSSHKeyForVirtualMachine", { id: vm.id, keypairs: "k2" });
    expect(reset.keypairs).toBe("k2");
    await entity(sim, "resetUserDataForVirtualMachine", { id: vm.id, userdata: "aGk" });
    const [listed] = await items(sim, "listVirtualMachines", { id: vm.id, userdata: "true" });
    expect(listed.userdata).toBe("aGk=");
  });

  test("destroy, expunge permissions, recover, expunge", async () => {
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "dx" });
    const j = await call(sim, "destroyVirtualMachine", { id: vm.id, expunge: "true" });
    if (j.kind !== "async") throw new Error();
    expect((await failure(() => j.work.run())).code).toBe(530);
    const d = await entity(sim, "destroyVirtualMachine", { id: vm.id });
    expect(d.state).toBe("Destroyed");
    expect(sim.nodes.stopped).toContain(vm.id);
    // users do not see destroyed VMs; admins do
    expect(await items(sim, "listVirtualMachines")).toHaveLength(0);
    expect(await items(sim, "listVirtualMachines", { listall: "true" }, sim.admin)).toHaveLength(1);
    const again = await entity(sim, "destroyVirtualMachine", { id: vm.id });
    expect(again.state).toBe("Destroyed");
    expect((await failure(async () => call(sim, "recoverVirtualMachine", { id: vm.id }))).code).toBe(531);
    const rec = await entity(sim, "recoverVirtualMachine", { id: vm.id }, sim.admin);
    expect(rec.state).toBe("Stopped");
    const ex = await call(sim, "expungeVirtualMachine", { id: vm.id }, sim.admin);
    if (ex.kind !== "async") throw new Error();
    expect((await failure(() => ex.work.run())).text).toMatch(/destroy/);
    await entity(sim, "destroyVirtualMachine", { id: vm.id, expunge: "true" }, sim.admin);
    expect(sim.nodes.removed).toEqual([vm.id]);
    expect(await items(sim, "listVirtualMachines", { listall: "true" }, sim.admin)).toHaveLength(0);
  });

  test("a destroyed VM is expunged after expunge.delay unless recovered; its hostname is free again", async () => {
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "gone" });
    await entity(sim, "destroyVirtualMachine", { id: vm.id });
    const again = await deploy(sim, net.id, { name: "gone" });
    expect(again.state).toBe("Running");
    const kept = await deploy(sim, net.id, { name: "kept" });
    await entity(sim, "destroyVirtualMachine", { id: kept.id });
    await entity(sim, "recoverVirtualMachine", { id: kept.id }, sim.admin);
    expect(sim.nodes.removed).toEqual([]);
    await sim.clock.elapse();
    expect(sim.nodes.removed).toEqual([vm.id]);
    const all = await items(sim, "listVirtualMachines", { listall: "true" }, sim.admin);
    expect(all.map((v) => v.id).sort()).toEqual([again.id, kept.id].sort());
  });

  test("scale needs Stopped and a different offering", async () => {
    const net = await newNetwork(sim);
    const vm = await deploy(sim, net.id, { name: "sc" });
    expect(vm.isdynamicallyscalable).toBe(false);
    const j = await call(sim, "scaleVirtualMachine", { id: vm.id, serviceofferingid: SEED_IDS.offerings.large });
    if (j.kind !== "async") throw new Error();
    // enable.dynamic.scale.vm defaults to false: a running VM cannot be scaled.
    expect(await failure(() => j.work.run())).toMatchObject({ code: 530, text: expect.stringContaining("Dynamically scaling virtual machines is disabled") });
    await entity(sim, "stopVirtualMachine", { id: vm.id });
    const s = await entity(sim, "scaleVirtualMachine", { id: vm.id, serviceofferingid: SEED_IDS.offerings.large });
    expect(s).toMatchObject({ cpunumber: 4, memory: 8192, serviceofferingname: "Large" });
  });
});

describe("scaleVirtualMachine on a Running VM (UserVmManagerImpl.upgradeRunningVirtualMachine)", () => {
  async function liveSim(hypervisor: string, scalableTemplate: boolean): Promise<Sim> {
    const seed = defaultSeed();
    seed.zones[0].hypervisor = hypervisor;
    seed.templates[0].isdynamicallyscalable = scalableTemplate;
    seed.settings["enable.dynamic.scale.vm"] = "true";
    return makeSim(seed);
  }
  const scale = async (s: Sim, id: string, offering: string) => {
    const j = await call(s, "scaleVirtualMachine", { id, serviceofferingid: offering });
    if (j.kind !== "async") throw new Error("async expected");
    return j.work.run();
  };

  test("scales up live on a hypervisor that can, with a scalable template; never down", async () => {
    const live = await liveSim("VMware", true);
    try {
      const net = await newNetwork(live);
      const vm = await deploy(live, net.id, { name: "up" });
      expect(vm.isdynamicallyscalable).toBe(true);
      expect(await scale(live, vm.id, SEED_IDS.offerings.large)).toMatchObject({ entity: { state: "Running", cpunumber: 4, memory: 8192 } });
      expect(await failure(() => scale(live, vm.id, SEED_IDS.offerings.small))).toMatchObject({ code: 431, text: expect.stringContaining("only scalling up it is supported") });
    } finally {
      await live.close();
    }
  });

  test("a VM from a template without scaling tools, or deployed with dynamicscalingenabled=false, is not scalable live", async () => {
    const live = await liveSim("VMware", false);
    try {
      const net = await newNetwork(live);
      const vm = await deploy(live, net.id, { name: "fixed" });
      expect(await failure(() => scale(live, vm.id, SEED_IDS.offerings.large))).toMatchObject({ code: 530, text: expect.stringContaining("not configured to be dynamically scalable") });
    } finally {
      await live.close();
    }
    const flagged = await liveSim("VMware", true);
    try {
      const net = await newNetwork(flagged);
      const vm = await deploy(flagged, net.id, { name: "optout", dynamicscalingenabled: "false" });
      expect(vm.isdynamicallyscalable).toBe(false);
    } finally {
      await flagged.close();
    }
  });

  test("KVM scales live only from a custom offering, so a fixed one is refused; Hyper-V never", async () => {
    const kvm = await liveSim("KVM", true);
    try {
      const net = await newNetwork(kvm);
      const vm = await deploy(kvm, net.id, { name: "kvm" });
      expect(await failure(() => scale(kvm, vm.id, SEED_IDS.offerings.large))).toMatchObject({ code: 431, text: expect.stringContaining('"Fixed Offering"') });
    } finally {
      await kvm.close();
    }
    const hyperv = await liveSim("Hyperv", true);
    try {
      const net = await newNetwork(hyperv);
      const vm = await deploy(hyperv, net.id, { name: "hv" });
      expect(await failure(() => scale(hyperv, vm.id, SEED_IDS.offerings.large))).toMatchObject({ code: 431, text: "Scaling the VM dynamically is not supported for VMs running on Hypervisor [Hyperv]." });
    } finally {
      await hyperv.close();
    }
  });
});

describe("listing and scoping", () => {
  test("name is a substring; users see only their own VMs; admin listall sees all", async () => {
    const net = await newNetwork(sim);
    await deploy(sim, net.id, { name: "cluster-a-control-1" });
    await deploy(sim, net.id, { name: "cluster-a-worker-1" });
    const adminNet = await newNetwork(sim, "adm", sim.admin);
    await deploy(sim, adminNet.id, { name: "admin-vm" }, sim.admin);
    expect((await items(sim, "listVirtualMachines", { name: "cluster-a" })).map((v) => v.name).sort()).toEqual(["cluster-a-control-1", "cluster-a-worker-1"]);
    expect(await items(sim, "listVirtualMachines", { name: "admin" })).toHaveLength(0);
    expect(await items(sim, "listVirtualMachines", {}, sim.admin)).toHaveLength(1);
    expect(await items(sim, "listVirtualMachines", { listall: "true" }, sim.admin)).toHaveLength(3);
    const other = await failure(async () => call(sim, "stopVirtualMachine", { id: (await items(sim, "listVirtualMachines", {}, sim.admin))[0].id }));
    expect(other.code).toBe(531);
  });

  test("tag filters are OR-ed and a key without value is 431", async () => {
    const net = await newNetwork(sim);
    const a = await deploy(sim, net.id, { name: "ta" });
    const b = await deploy(sim, net.id, { name: "tb" });
    await deploy(sim, net.id, { name: "tc" });
    await exec(sim, "createTags", { resourcetype: "uservm", resourceids: a.id, "tags[0].key": "role", "tags[0].value": "control" });
    await exec(sim, "createTags", { resourcetype: "UserVm", resourceids: b.id, "tags[0].key": "role", "tags[0].value": "worker", "tags[1].key": "pool", "tags[1].value": "p1" });
    const or = await items(sim, "listVirtualMachines", { "tags[0].key": "role", "tags[0].value": "control", "tags[1].key": "pool", "tags[1].value": "p1" });
    expect(or.map((v) => v.name).sort()).toEqual(["ta", "tb"]);
    const tagged = await items(sim, "listVirtualMachines", { "tags[0].key": "role", "tags[0].value": "worker" });
    expect(tagged.map((v) => v.name)).toEqual(["tb"]);
    expect(tagged[0].tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: "role", value: "worker", resourcetype: "UserVm", resourceid: b.id })]));
    const e = await failure(async () => call(sim, "listVirtualMachines", { "tags[0].key": "role" }));
    expect(e.code).toBe(431);
    const tags = await items(sim, "listTags", { resourceid: b.id });
    expect(tags).toHaveLength(2);
    await exec(sim, "deleteTags", { resourcetype: "UserVm", resourceids: b.id, "tags[0].key": "pool" });
    expect(await items(sim, "listTags", { resourceid: b.id })).toHaveLength(1);
    const dup = await failure(async () => call(sim, "createTags", { resourcetype: "UserVm", resourceids: a.id, "tags[0].key": "role", "tags[0].value": "x" }));
    expect(dup.code).toBe(431);
    const bad = await failure(async () => call(sim, "createTags", { resourcetype: "UserVm", resourceids: "nope", "tags[0].key": "k", "tags[0].value": "v" }));
    expect(bad.code).toBe(431);
  });
});
