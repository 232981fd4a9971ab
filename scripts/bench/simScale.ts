// `npm run bench -- --sim-vms N`: the simulator under load (issue 14 §7). One simulator process gets N
// VMs (spread over isolated networks of `perNetwork` VMs, tagged like cluster nodes), each handed to the
// node runtime at power-on (whether every one finished booting is not checked here: see the notes in
// docs/bench.md). It reports the memory the process holds and the API
// latency of the calls the provider makes, at an empty world and at N VMs, so a list filter that grows
// with the world (O(n) per item, O(n²) per call) shows up as latency that grows faster than the world.
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { performance } from "node:perf_hooks";
import { startSimulator, SEED_IDS, type Simulator } from "../../simulator";
import { CloudStackClient } from "../../provider/cloudstack";
import { mapLimit } from "../../provider/cluster/concurrency";
import { benchSeed } from "./runCluster";
import { median } from "./stats";

export interface SimScaleOptions {
  vms: number;
  perNetwork: number;
  timeScale: number;
  note: (line: string) => void;
}

export interface Memory {
  heapUsedMb: number;
  rssMb: number;
}

export interface Latency {
  call: string;
  emptyP50: number;
  emptyP95: number;
  loadedP50: number;
  loadedP95: number;
}

export interface SimScaleResult {
  vms: number;
  networks: number;
  tags: number;
  deploySeconds: number;
  memoryEmpty: Memory;
  memoryLoaded: Memory;
  latencies: Latency[];
}

/** A full GC before reading the heap, so the numbers are what the world holds, not garbage. */
function collect(): void {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as (() => void) | undefined;
  gc?.();
}

function memory(): Memory {
  collect();
  const m = process.memoryUsage();
  return { heapUsedMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

type Probe = { call: string; run: () => Promise<unknown> };

/** CloudStack refuses a tag key twice on one resource: every probe tag gets a fresh key. */
let probeCount = 0;

async function time(probe: Probe, rounds: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await probe.run();
    out.push(performance.now() - t);
  }
  return out;
}

function probes(client: CloudStackClient, sample: { vmId: string; networkId: string; clusterId: string }): Probe[] {
  const tagFilter = { "cks.cloudstack.io/cluster-id": sample.clusterId };
  return [
    { call: "listVirtualMachines (one cluster, by tag)", run: () => client.listAll("listVirtualMachines", { listall: true, tags: tagFilter }, "virtualmachine") },
    { call: "listVirtualMachines (by id)", run: () => client.listAll("listVirtualMachines", { listall: true, id: sample.vmId }, "virtualmachine") },
    { call: "listVirtualMachines (one network)", run: () => client.listAll("listVirtualMachines", { listall: true, networkid: sample.networkId }, "virtualmachine") },
    { call: "listTags (one cluster)", run: () => client.listAll("listTags", { listall: true, key: "cks.cloudstack.io/cluster-id", value: sample.clusterId }, "tag") },
    { call: "listNetworks (by id)", run: () => client.listAll("listNetworks", { listall: true, id: sample.networkId }, "network") },
    { call: "listPublicIpAddresses (all)", run: () => client.listAll("listPublicIpAddresses", { listall: true }, "publicipaddress") },
    { call: "createTags (one VM, async)", run: () => client.request("createTags", { resourcetype: "UserVm", resourceids: [sample.vmId], tags: { [`bench-probe-${++probeCount}`]: "x" } }) },
  ];
}

async function deployNetwork(client: CloudStackClient, index: number, count: number, firstVm: number): Promise<{ networkId: string; clusterId: string; vmIds: string[] }> {
  const created = (await client.request("createNetwork", { name: `scale-${index}`, displaytext: `scale-${index}`, networkofferingid: SEED_IDS.networkOfferings.isolated, zoneid: SEED_IDS.zone })) as { network?: { id: string }; id?: string };
  const net = { id: (created.network?.id ?? created.id) as string };
  if (!net.id) throw new Error("createNetwork returned no network id");
  const clusterId = `scale-cluster-${index}`;
  const vmIds = await mapLimit(Array.from({ length: count }, (_, i) => i), count, async (i) => {
    const vm = (await client.request("deployVirtualMachine", {
      zoneid: SEED_IDS.zone,
      serviceofferingid: SEED_IDS.offerings.tiny,
      templateid: SEED_IDS.templates.debianCks,
      networkids: [net.id],
      name: `scale-${index}-node-${firstVm + i}`,
    })) as { virtualmachine?: { id: string }; id?: string };
    return vm.virtualmachine?.id ?? (vm.id as string);
  });
  // Tagged as the provider tags a cluster's nodes: one createTags for all of them.
  await client.request("createTags", { resourcetype: "UserVm", resourceids: vmIds, tags: { "cks.cloudstack.io/cluster-id": clusterId, "cks.cloudstack.io/role": "worker", "cks.cloudstack.io/managed-by": "bench" } });
  return { networkId: net.id, clusterId, vmIds };
}

export async function simScale(opts: SimScaleOptions): Promise<SimScaleResult> {
  const sim: Simulator = await startSimulator({ timeScale: opts.timeScale, randomSeed: 1, seed: benchSeed() });
  try {
    const client = new CloudStackClient({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey, asyncPollMs: 50, asyncPollInitialMs: 5 });
    const rounds = 20;
    // The empty world: one network and one VM, so every probe has something to find.
    const first = await deployNetwork(client, 0, 1, 0);
    const sample = { vmId: first.vmIds[0] as string, networkId: first.networkId, clusterId: first.clusterId };
    const empty = new Map<string, number[]>();
    for (const p of probes(client, sample)) empty.set(p.call, await time(p, rounds));
    const memoryEmpty = memory();

    const networks = Math.ceil((opts.vms - 1) / opts.perNetwork);
    const started = performance.now();
    let made = 1;
    // A few networks at a time: each deploys its VMs at once, as a cluster create does.
    await mapLimit(Array.from({ length: networks }, (_, i) => i + 1), 4, async (index) => {
      const count = Math.min(opts.perNetwork, opts.vms - 1 - (index - 1) * opts.perNetwork);
      if (count <= 0) return;
      await deployNetwork(client, index, count, 0);
      made += count;
      if (index % 5 === 0) opts.note(`sim-scale: ${made}/${opts.vms} VMs, heap ${memory().heapUsedMb.toFixed(0)} MB`);
    });
    const deploySeconds = (performance.now() - started) / 1000;
    // Let every node finish booting (boot, cloud-init) before measuring: the runtime's steady state.
    await new Promise((r) => setTimeout(r, Math.max(2000, 60_000 * opts.timeScale * 2)));
    const memoryLoaded = memory();
    const latencies: Latency[] = [];
    for (const p of probes(client, sample)) {
      const loaded = await time(p, rounds);
      const before = empty.get(p.call) ?? [0];
      latencies.push({ call: p.call, emptyP50: median(before), emptyP95: percentile(before, 95), loadedP50: median(loaded), loadedP95: percentile(loaded, 95) });
    }
    const tags = ((await client.listAll("listTags", { listall: true }, "tag")) as unknown[]).length;
    return { vms: made, networks: networks + 1, tags, deploySeconds, memoryEmpty, memoryLoaded, latencies };
  } finally {
    await sim.stop();
  }
}

export function simScaleMarkdown(r: SimScaleResult, timeScale: number): string {
  const mb = (n: number) => n.toFixed(0);
  const perVmKb = ((r.memoryLoaded.heapUsedMb - r.memoryEmpty.heapUsedMb) * 1024) / Math.max(1, r.vms - 1);
  const lines = [
    `${r.vms} VMs on ${r.networks} isolated networks, ${r.tags} tags, one simulator process, time scale ${timeScale}; deployed in ${r.deploySeconds.toFixed(1)} s wall.`,
    "",
    "| | heap used (MB) | RSS (MB) |",
    "|---|---:|---:|",
    `| 1 VM | ${mb(r.memoryEmpty.heapUsedMb)} | ${mb(r.memoryEmpty.rssMb)} |`,
    `| ${r.vms} VMs | ${mb(r.memoryLoaded.heapUsedMb)} | ${mb(r.memoryLoaded.rssMb)} |`,
    `| per VM | ${perVmKb.toFixed(0)} KB | |`,
    "",
    `API latency, wall ms over ${20} calls each (the simulator's own 30 ms base latency is scaled to ${(30 * timeScale).toFixed(2)} ms):`,
    "",
    "| call | 1 VM p50 | 1 VM p95 | loaded p50 | loaded p95 | loaded ÷ empty (p50) |",
    "|---|---:|---:|---:|---:|---:|",
    ...r.latencies.map((l) => `| ${l.call} | ${l.emptyP50.toFixed(1)} | ${l.emptyP95.toFixed(1)} | ${l.loadedP50.toFixed(1)} | ${l.loadedP95.toFixed(1)} | ${(l.loadedP50 / Math.max(0.01, l.emptyP50)).toFixed(1)}× |`),
  ];
  return lines.join("\n");
}
