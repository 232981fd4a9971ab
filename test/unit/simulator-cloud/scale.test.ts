// The simulator at scale (issue 14 §7): a tag-filtered list must cost about the same per item in a
// big world as in a small one. It scanned every tag of the world for every item (O(items × tags)):
// 0.5 s for one cluster's VMs among 1000 (npm run bench -- --sim-vms 1000, docs/bench.md).
import { performance } from "node:perf_hooks";
import { defaultSeed } from "../../../simulator/cloud";
import { exec, items, makeSim, newNetwork, type Sim } from "./harness";

async function world(vms: number): Promise<{ sim: Sim; clusterTag: Record<string, string> }> {
  const seed = defaultSeed();
  const sim = await makeSim({ ...seed, zones: seed.zones.map((z) => ({ ...z, capacity: { ...z.capacity, cpuCores: 4096, memoryMb: 8 * 2 ** 20 } })) });
  sim.nodes.ports = [];
  const nets = await Promise.all(Array.from({ length: Math.ceil(vms / 200) }, (_, i) => newNetwork(sim, `net-${i}`, sim.admin)));
  for (let i = 0; i < vms; i++) {
    const r = (await exec(sim, "deployVirtualMachine", { zoneid: nets[0].zoneid, serviceofferingid: "b1000000-0000-4000-8000-000000000101", templateid: "7e000000-0000-4000-8000-000000000401", networkids: nets[Math.floor(i / 200)].id, name: `vm-${i}` }, sim.admin)) as { result?: { entity?: { id: string } } };
    void r;
  }
  const all = await items(sim, "listVirtualMachines", { listall: "true" }, sim.admin);
  // Three tags per VM, as the provider tags cluster nodes; 10 VMs per cluster.
  for (let c = 0; c * 10 < all.length; c++) {
    const ids = all.slice(c * 10, c * 10 + 10).map((v: { id: string }) => v.id).join(",");
    await exec(sim, "createTags", { resourcetype: "UserVm", resourceids: ids, "tags[0].key": "cluster", "tags[0].value": `c${c}`, "tags[1].key": "role", "tags[1].value": "worker", "tags[2].key": "managed", "tags[2].value": "yes" }, sim.admin);
  }
  return { sim, clusterTag: { "tags[0].key": "cluster", "tags[0].value": "c1", listall: "true" } };
}

async function msPerCall(sim: Sim, params: Record<string, string>): Promise<number> {
  const rounds = 15;
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const found = await items(sim, "listVirtualMachines", params, sim.admin);
    times.push(performance.now() - t);
    expect(found).toHaveLength(10);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(rounds / 2)] as number;
}

test("a tag-filtered listVirtualMachines grows about linearly with the world, not with its square", async () => {
  const small = await world(60);
  const big = await world(600);
  try {
    const t1 = await msPerCall(small.sim, small.clusterTag);
    const t2 = await msPerCall(big.sim, big.clusterTag);
    // 10× the VMs and 10× the tags: linear is ~10×, the old scan ~100×.
    expect(t2 / Math.max(t1, 0.05)).toBeLessThan(35);
  } finally {
    await small.sim.close();
    await big.sim.close();
  }
}, 120_000);
