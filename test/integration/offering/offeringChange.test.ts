import { SEED_IDS, type Simulator } from "../../../simulator";
import { defaultSeed } from "../../../simulator/cloud";
import { api, clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "../cluster/harness";
import { recorder } from "../upgrade/helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

async function offeringsOf(simulator: Simulator, ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const r = (await api(simulator).request("listVirtualMachines", { id })) as { virtualmachine?: { serviceofferingid?: string }[] };
    out.push(r.virtualmachine?.[0]?.serviceofferingid ?? "?");
  }
  return out;
}

test("a serviceOfferingId change rolls every node onto the new offering (KVM cannot scale fixed offerings live); smaller is refused", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const version = await createVersion(sim, p);
  const olds = clusterArgs(sim, version.id, version.semanticVersion, { name: "offr", size: 2, serviceOfferingId: SEED_IDS.offerings.medium });
  const { id, outs } = await p.cluster.create(olds);
  const vmIds = outs.virtualMachineIds as string[];

  const smaller = { ...olds, serviceOfferingId: SEED_IDS.offerings.small };
  const refused = await p.cluster.update!(id, outs, smaller).then(() => undefined, (e: Error) => e);
  expect(refused?.message).toMatch(/only scale up.*Medium \(2 vCPU × \d+ MHz, 4096 MB\) → Small \(2 vCPU × \d+ MHz, 2048 MB\).*Nothing was changed/s);
  expect(await offeringsOf(sim, vmIds)).toEqual(vmIds.map(() => SEED_IDS.offerings.medium));

  rec.lines.length = 0;
  const larger = { ...olds, serviceOfferingId: SEED_IDS.offerings.large, upgrade: { maxUnavailable: 2 } };
  const { outs: resized } = await p.cluster.update!(id, outs, larger);
  expect(resized).toMatchObject({ state: "Running", cpuNumber: 12, memory: 3 * 8192 });
  expect(await offeringsOf(sim, vmIds)).toEqual(vmIds.map(() => SEED_IDS.offerings.large));
  expect(rec.lines.some((l) => /scale live/.test(l))).toBe(false);
  expect(rec.lines.filter((l) => /stop the VM: done/.test(l))).toHaveLength(3);
  expect(rec.lines.filter((l) => /(control|worker): drain: done/.test(l))).toHaveLength(3);
  expect((await kubectlNodes(String(resized.kubeconfig))).every((n) => n.ready)).toBe(true);

  await p.cluster.delete!(id, resized);
  await expectNoLeaks(sim, resized);
});

test("on a hypervisor that scales live (XenServer, enable.dynamic.scale.vm) with a dynamically scalable template, nodes scale without a restart", async () => {
  const seed = defaultSeed();
  const live = {
    ...seed,
    settings: { ...seed.settings, "enable.dynamic.scale.vm": "true" },
    zones: seed.zones.map((z) => ({ ...z, hypervisor: "XenServer" })),
    templates: seed.templates.map((t) => ({ ...t, hypervisor: "XenServer", isdynamicallyscalable: true })),
  };
  const liveSim = await startSim({ seed: live });
  try {
    const rec = recorder();
    const p = providers(rec.sink);
    const version = await createVersion(liveSim, p);
    const olds = clusterArgs(liveSim, version.id, version.semanticVersion, { name: "live", size: 1, serviceOfferingId: SEED_IDS.offerings.medium });
    const { id, outs } = await p.cluster.create(olds);
    rec.lines.length = 0;
    const { outs: resized } = await p.cluster.update!(id, outs, { ...olds, serviceOfferingId: SEED_IDS.offerings.large });
    expect(resized).toMatchObject({ state: "Running", cpuNumber: 8 });
    expect(rec.lines.filter((l) => /scale live \(scaleVirtualMachine\): done/.test(l))).toHaveLength(2);
    expect(rec.lines.some((l) => /drain|stop the VM/.test(l))).toBe(false);
    expect(await offeringsOf(liveSim, outs.virtualMachineIds as string[])).toEqual([SEED_IDS.offerings.large, SEED_IDS.offerings.large]);
    await p.cluster.delete!(id, resized);
    await expectNoLeaks(liveSim, resized);
  } finally {
    await liveSim.stop();
  }
});

test("a start that fails mid-roll leaves the cluster in Alert; the next up starts that node on its new offering and rolls the rest", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const version = await createVersion(sim, p);
  const olds = clusterArgs(sim, version.id, version.semanticVersion, { name: "offf", size: 2, serviceOfferingId: SEED_IDS.offerings.medium });
  const { id, outs } = await p.cluster.create(olds);
  const news = { ...olds, serviceOfferingId: SEED_IDS.offerings.large };
  sim.faults.set("job=startVirtualMachine:count=1:code=530");
  const failure = await p.cluster.update!(id, outs, news).then(() => undefined, (e: { message: string; properties?: Record<string, unknown> }) => e);
  sim.faults.clear();
  expect(failure?.message).toMatch(/control failed on offf-[0-9a-f]+-control-1: start the VM: CloudStack startVirtualMachine failed \(530\).*carries on node by node/);
  expect(failure?.properties).toMatchObject({ state: "Alert" });

  rec.lines.length = 0;
  const { outs: resized } = await p.cluster.update!(id, failure?.properties as Record<string, unknown>, news);
  expect(resized).toMatchObject({ state: "Running", cpuNumber: 12 });
  expect(await offeringsOf(sim, outs.virtualMachineIds as string[])).toEqual((outs.virtualMachineIds as string[]).map(() => SEED_IDS.offerings.large));
  // control-1 was stopped and already on the new offering: only started, not drained again.
  const control1 = rec.lines.filter((l) => /control-1\)$/.test(l));
  expect(control1.some((l) => /start the VM: done/.test(l))).toBe(true);
  expect(control1.some((l) => /drain|change the offering/.test(l))).toBe(false);
  expect((await kubectlNodes(String(resized.kubeconfig))).every((n) => n.ready)).toBe(true);
  await p.cluster.delete!(id, resized);
  await expectNoLeaks(sim, resized);
});
