// VM mechanics shared by several handlers and by restore(): boot specs, limits, capacity, expunge.
import type { VmBootSpec } from "../contracts";
import type { CloudContext } from "./context";
import type { VmRecord } from "./model";
import { dropMemberships } from "./affinity";
import { cleanupVmRules } from "./netops";
import { insufficientCapacity, paramError, resourceAllocation } from "./util";

/** States whose resources count against the account limits (CloudStack decrements on destroy). */
const COUNTED: VmRecord["state"][] = ["Starting", "Running", "Stopping", "Stopped"];
/** States that hold host capacity. */
const ON_HOST: VmRecord["state"][] = ["Starting", "Running", "Stopping"];

export function bootSpec(ctx: CloudContext, vm: VmRecord): VmBootSpec {
  const net = ctx.world.networks.get(vm.networkId);
  const iso = vm.isoId ? ctx.world.isos.get(vm.isoId) : undefined;
  const template = ctx.seed.templates.find((t) => t.id === vm.templateId);
  const offering = net ? ctx.seed.networkOfferings.find((o) => o.id === net.offeringId) : undefined;
  const deployKeys = vm.keypairs
    .map((name) => [...ctx.world.keyPairs.values()].find((k) => k.accountId === vm.accountId && k.name === name))
    .filter((k) => k !== undefined)
    .map((k) => k!.publicKey);
  return {
    vmId: vm.id,
    name: vm.name,
    displayName: vm.displayName,
    userData: vm.userData,
    deployKeys,
    guestIp: vm.guestIp,
    networkId: vm.networkId,
    directAccess: net?.type === "Shared",
    cpuNumber: vm.cpuNumber,
    memoryMb: vm.memory,
    isoPath: iso?.filePath,
    ...(template ? { containerdVersion: template.containerd } : {}),
    ...(offering?.userDataProvider === "ConfigDrive" ? { configDrive: true } : {}),
  };
}

/**
 * Account limits (user_vm, cpu, memory) for adding `delta` to an account: 535 when exceeded.
 * Admin accounts are unlimited, as CloudStack's root admin is.
 */
export function checkVmLimits(ctx: CloudContext, accountId: string, delta: { vms: number; cpu: number; memory: number }): void {
  const acc = ctx.accounts.get(accountId);
  if (!acc || acc.isAdmin) return;
  const mine = [...ctx.world.vms.values()].filter((v) => v.accountId === accountId && COUNTED.includes(v.state));
  const used = {
    user_vm: mine.length,
    cpu: mine.reduce((s, v) => s + v.cpuNumber, 0),
    memory: mine.reduce((s, v) => s + v.memory, 0),
  };
  const want = { user_vm: used.user_vm + delta.vms, cpu: used.cpu + delta.cpu, memory: used.memory + delta.memory };
  for (const type of ["user_vm", "cpu", "memory"] as const) {
    if (want[type] > ctx.seed.limits[type]) {
      throw resourceAllocation(
        `Maximum number of resources of type '${type}' for account name=${acc.name} in Domain Id=1 has been exceeded. Amount of resources needed: ${want[type]}, limit: ${ctx.seed.limits[type]}`,
      );
    }
  }
}

/** Zone host capacity (cores, memory) for powering on a VM of the given size: 533 when short. */
export function checkCapacity(ctx: CloudContext, zoneId: string, vmName: string, cpu: number, memory: number, excludeVmId?: string): void {
  const zone = ctx.zone(zoneId);
  if (!zone) return;
  const onHost = [...ctx.world.vms.values()].filter((v) => v.zoneId === zoneId && v.id !== excludeVmId && ON_HOST.includes(v.state));
  const cpuUsed = onHost.reduce((s, v) => s + v.cpuNumber, 0);
  const memUsed = onHost.reduce((s, v) => s + v.memory, 0);
  if (cpuUsed + cpu > zone.capacity.cpuCores || memUsed + memory > zone.capacity.memoryMb) {
    throw insufficientCapacity(
      `Unable to create a deployment for VM instance {"name":"${vmName}"}: insufficient server capacity in zone ${zone.name} (cpu ${cpuUsed}+${cpu}/${zone.capacity.cpuCores} cores, memory ${memUsed}+${memory}/${zone.capacity.memoryMb} MB)`,
    );
  }
}

/** Remove a VM for good: disk gone, rules pointing at it removed, tags dropped. */
export async function expungeVm(ctx: CloudContext, vm: VmRecord): Promise<void> {
  vm.state = "Expunging";
  dropMemberships(ctx, vm.id);
  await ctx.options.nodes.remove(vm.id);
  await cleanupVmRules(ctx, vm.id);
  ctx.removeTagsOf("UserVm", vm.id);
  ctx.world.vms.delete(vm.id);
}

/** RFC 1123 hostname label as CloudStack's RFCComplianceDomainName validation wants it. */
export function checkHostname(name: string): void {
  if (!/^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(name)) {
    throw paramError(
      `Invalid value for parameter name: ${name}. The name must be an RFC-compliant hostname: 1-63 characters, ASCII letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    );
  }
}

/**
 * Userdata rules (§1.3): URL-decoded if it contains '%', base64, ≥ 1 byte, ≤ vm.userdata.max.length
 * characters; stored re-encoded with padding.
 */
export function normaliseUserData(ctx: CloudContext, raw: string): string {
  let value = raw;
  if (value.includes("%")) {
    try {
      value = decodeURIComponent(value);
    } catch {
      throw paramError("User data is not base64 encoded");
    }
  }
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw paramError("User data is not base64 encoded");
  const max = Number(ctx.setting("vm.userdata.max.length") ?? "32768");
  if (compact.length > max) throw paramError(`User data has exceeded configurable max length : ${max}`);
  const bytes = Buffer.from(compact, "base64");
  if (bytes.length < 1) throw paramError("User data is too short");
  return bytes.toString("base64");
}

/**
 * CloudStack's expunge thread: a VM destroyed without expunge is removed after expunge.delay
 * seconds (realistic time, scaled by the clock) unless it was recovered meanwhile.
 */
export function scheduleExpunge(ctx: CloudContext, vm: VmRecord): void {
  const delaySeconds = Number(ctx.setting("expunge.delay") ?? "86400");
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) return;
  ctx.spawn(async () => {
    await ctx.backgroundSleep(delaySeconds * 1000);
    if (ctx.closed || ctx.world.vms.get(vm.id) !== vm || vm.state !== "Destroyed") return;
    await expungeVm(ctx, vm);
  });
}
