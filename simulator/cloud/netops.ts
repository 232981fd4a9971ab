// Network mechanics shared by VM, IP and rule handlers: guest subnets, guest IPs, public IPs,
// network implementation (with its source NAT IP) and real listeners for PF / LB rules.
import type { SocketAddress } from "../contracts";
import { inCidr } from "./addresses";
import { aclAdmits } from "./vpcs";
import type { CloudContext } from "./context";
import type { LoadBalancerRuleRecord, NetworkRecord, PortForwardingRuleRecord, PublicIpRecord } from "./model";
import { insufficientCapacity, resourceAllocation } from "./util";

export const DURATIONS = {
  deploy: 20_000,
  start: 15_000,
  stop: 10_000,
  destroy: 5_000,
  expunge: 2_000,
  isoDownload: 10_000,
  isoAttach: 3_000,
  rule: 2_000,
  networkImplement: 10_000,
  networkDelete: 5_000,
  tags: 500,
  scale: 5_000,
  ip: 2_000,
} as const;

/** A fresh /24 for an isolated network: 10.1.N.0/24, gateway .1. */
export function allocateSubnet(ctx: CloudContext): string {
  const n = ctx.world.nextSubnet++;
  return `10.${1 + Math.floor((n - 1) / 254)}.${((n - 1) % 254) + 1}`;
}

/** Next free guest IP on a network (hosts .2 upwards; the gateway is .1). */
export function allocateGuestIp(ctx: CloudContext, net: NetworkRecord): string {
  const used = new Set([...ctx.world.vms.values()].filter((v) => v.networkId === net.id).map((v) => v.guestIp));
  for (let host = net.nextHost; host < 255; host++) {
    const ip = `${net.subnet}.${host}`;
    if (!used.has(ip)) {
      net.nextHost = host + 1;
      return ip;
    }
  }
  for (let host = 2; host < 255; host++) {
    const ip = `${net.subnet}.${host}`;
    if (!used.has(ip)) return ip;
  }
  throw insufficientCapacity(`Insufficient address capacity: no free guest IP left in network ${net.name}`);
}

export function accountPublicIpCount(ctx: CloudContext, accountId: string): number {
  return [...ctx.world.publicIps.values()].filter((ip) => ip.accountId === accountId).length;
}

/** Check the zone's public IP pool and the account's public_ip limit (synchronous errors). */
export function checkPublicIpAvailable(ctx: CloudContext, zoneId: string, accountId: string, countLimit: boolean): void {
  const zone = ctx.zone(zoneId);
  const used = [...ctx.world.publicIps.values()].filter((ip) => ip.zoneId === zoneId).length;
  if (zone && used >= zone.capacity.publicIps) {
    throw insufficientCapacity(`Insufficient address capacity: no free public IP addresses left in zone ${zone.name}`);
  }
  const acc = ctx.accounts.get(accountId);
  if (countLimit && !acc?.isAdmin && accountPublicIpCount(ctx, accountId) >= ctx.seed.limits.public_ip) {
    throw resourceAllocation(
      `Maximum number of resources of type 'public_ip' for account name=${acc?.name ?? accountId} in Domain Id=1 has been exceeded.`,
    );
  }
}

/** Allocate a distinct loopback public IP 127.a.b.n (n from 2). */
export function allocatePublicIp(
  ctx: CloudContext,
  zoneId: string,
  accountId: string,
  networkId: string | undefined,
  isSourceNat: boolean,
): PublicIpRecord {
  const used = new Set([...ctx.world.publicIps.values()].map((ip) => ip.address));
  const poolSize = Math.min(ctx.zone(zoneId)?.capacity.publicIps ?? 64, 253);
  let address: string | undefined;
  for (let host = 2; host < 2 + poolSize; host++) {
    const candidate = `${ctx.world.publicPrefix}.${host}`;
    if (!used.has(candidate)) {
      address = candidate;
      break;
    }
  }
  if (address === undefined) throw insufficientCapacity("Insufficient address capacity: the public IP range is exhausted");
  const ip: PublicIpRecord = {
    id: ctx.uuid(),
    address,
    accountId,
    zoneId,
    networkId,
    isSourceNat,
    state: "Allocated",
    created: ctx.now(),
  };
  ctx.world.publicIps.set(ip.id, ip);
  return ip;
}

/**
 * Bring an Allocated network up: the virtual router starts and an isolated network gets its
 * source NAT IP. Concurrent callers share one implementation.
 */
const implementing = new WeakMap<NetworkRecord, Promise<void>>();
export async function implementNetwork(ctx: CloudContext, net: NetworkRecord): Promise<void> {
  if (net.state === "Implemented" || net.state === "Setup") return;
  const running = implementing.get(net);
  if (running) return running;
  const work = (async () => {
    net.state = "Implementing";
    try {
      await ctx.sleep(DURATIONS.networkImplement);
    } catch (err) {
      net.state = "Allocated";
      throw err;
    }
    // A VPC tier shares its VPC's source NAT IP (allocated by createVPC).
    if (net.type === "Isolated" && net.accountId !== undefined && !net.vpcId) {
      const hasSourceNat = [...ctx.world.publicIps.values()].some((ip) => ip.networkId === net.id && ip.isSourceNat);
      if (!hasSourceNat) allocatePublicIp(ctx, net.zoneId, net.accountId, net.id, true);
    }
    net.state = "Implemented";
  })();
  implementing.set(net, work);
  try {
    await work;
  } finally {
    implementing.delete(net);
  }
}

/**
 * Ingress to a public port: on isolated networks a covering firewall rule; on a VPC IP the tier's ACL
 * list, which sees the VM's port after NAT (`privatePort`, vpcs.ts).
 */
export function ingressAllows(ctx: CloudContext, ipId: string, remote: string, port: number, privatePort: number, protocol: string): boolean {
  const ip = ctx.world.publicIps.get(ipId);
  if (ip?.vpcId) {
    const tier = ip.networkId ? ctx.world.networks.get(ip.networkId) : undefined;
    return tier !== undefined && aclAdmits(ctx, tier, remote, privatePort, protocol);
  }
  return firewallAllows(ctx, ipId, remote, port, protocol);
}

/** Firewall on isolated networks: ingress to a public port needs a covering firewall rule. */
export function firewallAllows(ctx: CloudContext, ipId: string, remote: string, port: number, protocol: string): boolean {
  return [...ctx.world.firewallRules.values()].some(
    (r) =>
      r.ipId === ipId &&
      (r.protocol.toLowerCase() === protocol.toLowerCase() || r.protocol.toLowerCase() === "all") &&
      (r.startPort === undefined || (port >= r.startPort && port <= (r.endPort ?? r.startPort))) &&
      (r.cidrs.length === 0 || r.cidrs.some((c) => inCidr(remote, c))),
  );
}

/** Open the real listeners of a port-forwarding rule (one per port of the range). */
export async function openPortForwarding(ctx: CloudContext, rule: PortForwardingRuleRecord): Promise<void> {
  const ip = ctx.world.publicIps.get(rule.ipId);
  if (!ip || rule.protocol.toLowerCase() !== "tcp") return;
  const specs = [];
  for (let offset = 0; offset <= rule.publicEndPort - rule.publicPort; offset++) {
    const publicPort = rule.publicPort + offset;
    const privatePort = rule.privatePort + offset;
    specs.push({
      host: ip.address,
      port: publicPort,
      pick: (): SocketAddress | null => {
        const vm = ctx.world.vms.get(rule.vmId);
        if (!vm || vm.state !== "Running") return null;
        return ctx.options.nodes.endpoint(vm.id, privatePort);
      },
      allow: (remote: string, port: number) => ingressAllows(ctx, rule.ipId, remote, port, privatePort, rule.protocol),
    });
  }
  await ctx.listeners.open(rule.id, specs);
}

/** Open the listener of a load-balancer rule: round robin over members that serve the private port. */
export async function openLoadBalancer(ctx: CloudContext, rule: LoadBalancerRuleRecord): Promise<void> {
  const ip = ctx.world.publicIps.get(rule.ipId);
  if (!ip || rule.protocol.toLowerCase() !== "tcp") return;
  let next = 0;
  await ctx.listeners.open(rule.id, [
    {
      host: ip.address,
      port: rule.publicPort,
      pick: (): SocketAddress | null => {
        const live = ctx.world.loadBalancerRules.get(rule.id);
        if (!live) return null;
        const targets = live.members
          .map((id) => ctx.world.vms.get(id))
          .filter((vm) => vm !== undefined && vm.state === "Running")
          .map((vm) => ctx.options.nodes.endpoint(vm!.id, live.privatePort))
          .filter((e): e is SocketAddress => e !== null);
        if (targets.length === 0) return null;
        const target = targets[next % targets.length];
        next = (next + 1) % Number.MAX_SAFE_INTEGER;
        return target;
      },
      allow: (remote: string, port: number) => ingressAllows(ctx, rule.ipId, remote, port, rule.privatePort, rule.protocol),
    },
  ]);
}

/** Remove the rules that point at a VM being expunged (CloudStack cleans them up too). */
export async function cleanupVmRules(ctx: CloudContext, vmId: string): Promise<void> {
  for (const r of [...ctx.world.portForwardingRules.values()]) {
    if (r.vmId !== vmId) continue;
    ctx.world.portForwardingRules.delete(r.id);
    ctx.removeTagsOf("PortForwardingRule", r.id);
    await ctx.listeners.close(r.id);
  }
  for (const lb of ctx.world.loadBalancerRules.values()) lb.members = lb.members.filter((m) => m !== vmId);
}
