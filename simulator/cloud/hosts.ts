// Hypervisor hosts and VM placement. A zone's hosts come from seed.hosts; a zone listed there with no
// host gets hosts derived from its zone-wide capacity, so seeds (and tests) that only size the zone
// keep working. The zone-wide check (vmops.ts checkCapacity) still runs first; then a VM needs one
// host with enough free cores and memory (apache/cloudstack server/src/main/java/com/cloud/deploy/
// DeploymentPlanningManagerImpl.java planDeployment → FirstFitAllocator / CapacityManagerImpl
// checkIfHostHasCapacity), else InsufficientServerCapacityException (533) from
// engine/orchestration/.../VirtualMachineManagerImpl.java orchestrateStart
// ("Unable to create a deployment for " + vmProfile).
import { applyAffinity } from "./affinity";
import type { CloudContext } from "./context";
import type { VmRecord } from "./model";
import { SEED_IDS, type Seed } from "./seed";
import { insufficientCapacity, paramError } from "./util";

export type HostRecord = Seed["hosts"][number];

/** States whose VMs hold capacity on their host. */
const ON_HOST: VmRecord["state"][] = ["Starting", "Running", "Stopping"];

const derived = new WeakMap<Seed, HostRecord[]>();

/** Every host of the cloud: the seeded ones plus the ones derived for zones that list none. */
export function allHosts(seed: Seed): HostRecord[] {
  let hosts = derived.get(seed);
  if (hosts) return hosts;
  hosts = [...seed.hosts];
  seed.zones.forEach((zone, zi) => {
    if (seed.hosts.some((h) => h.zoneid === zone.id)) return;
    // Four equal hosts when each can still take the largest offering, else one host with it all.
    const biggest = Math.max(...seed.serviceOfferings.map((o) => o.cpunumber), 1);
    const biggestMem = Math.max(...seed.serviceOfferings.map((o) => o.memory), 1);
    const n = zone.capacity.cpuCores / 4 >= biggest && zone.capacity.memoryMb / 4 >= biggestMem ? 4 : 1;
    for (let i = 0; i < n; i++) {
      hosts!.push({
        id: zi === 0 && n === 4 ? SEED_IDS.hosts[i] : `0f000000-0000-4000-8000-${String(zi).padStart(4, "0")}${String(i + 1).padStart(8, "0")}`,
        name: `sim-host-${zi === 0 ? "" : `${zi + 1}-`}${i + 1}`,
        zoneid: zone.id,
        hypervisor: zone.hypervisor,
        cpunumber: Math.ceil(zone.capacity.cpuCores / n),
        cpuspeed: 2000,
        memory: Math.ceil(zone.capacity.memoryMb / n),
        hosttags: [],
        state: "Up",
        resourcestate: "Enabled",
      });
    }
  });
  derived.set(seed, hosts);
  return hosts;
}

export function zoneHosts(ctx: CloudContext, zoneId: string): HostRecord[] {
  return allHosts(ctx.seed).filter((h) => h.zoneid === zoneId);
}

export function hostById(ctx: CloudContext, id: string | undefined): HostRecord | undefined {
  return id === undefined ? undefined : allHosts(ctx.seed).find((h) => h.id === id);
}

/** Cores and memory held on a host by the VMs placed there. */
export function hostUsage(ctx: CloudContext, hostId: string, excludeVmId?: string): { cpu: number; memory: number; vms: number } {
  const on = [...ctx.world.vms.values()].filter((v) => v.hostId === hostId && v.id !== excludeVmId && ON_HOST.includes(v.state));
  return { cpu: on.reduce((s, v) => s + v.cpuNumber, 0), memory: on.reduce((s, v) => s + v.memory, 0), vms: on.length };
}

/**
 * Pick a host for a VM about to power on and record it (hostId). The VM's hypervisor, when set,
 * restricts the candidates (DeploymentPlanningManagerImpl: plan by vm hypervisor type); the VM's
 * affinity groups and host dedication filter and order them (affinity.ts applyAffinity). The last host is
 * tried first (DeploymentPlanningManagerImpl.planDeployment: "Trying to deploy on the last host").
 */
export function placeVm(
  ctx: CloudContext,
  vm: Pick<VmRecord, "id" | "name" | "zoneId" | "cpuNumber" | "memory" | "hypervisor" | "lastHostId">,
): HostRecord {
  const candidates = applyAffinity(
    ctx,
    vm.id,
    zoneHosts(ctx, vm.zoneId).filter(
      (h) => h.state === "Up" && h.resourcestate === "Enabled" && (vm.hypervisor === undefined || h.hypervisor.toLowerCase() === vm.hypervisor.toLowerCase()),
    ),
  );
  const last = candidates.find((h) => h.id === vm.lastHostId);
  const ordered = last ? [last, ...candidates.filter((h) => h !== last)] : candidates;
  const fits = ordered.find((h) => {
    const used = hostUsage(ctx, h.id, vm.id);
    return h.cpunumber >= vm.cpuNumber && used.cpu + vm.cpuNumber <= h.cpunumber && used.memory + vm.memory <= h.memory;
  });
  if (!fits) throw insufficientCapacity(`Unable to create a deployment for VM instance {"name":"${vm.name}","uuid":"${vm.id}"}`);
  return fits;
}

/** Hypervisor.HypervisorType names (api/src/main/java/com/cloud/hypervisor/Hypervisor.java). */
const HYPERVISOR_TYPES = ["XenServer", "KVM", "VMware", "Hyperv", "VirtualBox", "Parallels", "BareMetal", "Simulator", "Ovm", "Ovm3", "LXC", "Custom", "External"];

/**
 * deployVirtualMachine's hypervisor: BaseDeployVMCmd.getHypervisor maps it with HypervisorType.getType,
 * unknown names become None, which CloudStack refuses (wording as QueryManagerImpl's "Invalid
 * HypervisorType"); a known type with no host in the zone fails the planner like any capacity shortage.
 * Returns the canonical name.
 */
export function checkHypervisor(raw: string): string {
  const type = HYPERVISOR_TYPES.find((t) => t.toLowerCase() === raw.toLowerCase());
  if (!type) throw paramError(`Invalid HypervisorType ${raw}`);
  return type;
}
