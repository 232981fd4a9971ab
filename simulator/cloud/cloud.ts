// createCloud: builds the world from the seed, wires every command handler, the credentials lookup,
// the network fabric, snapshot / restore and shutdown.
import type { Caller, Cloud, CloudOptions, CommandHandler, NetworkFabric, SocketAddress } from "../contracts";
import { claimPrefix, releasePrefix, reserveBindablePrefix } from "./addresses";
import { CloudContext } from "./context";
import { catalogHandlers } from "./handlers/catalog";
import { isoHandlers } from "./handlers/isos";
import { keyPairHandlers } from "./handlers/keypairs";
import { kubernetesClusterHandlers } from "./handlers/kubernetesClusters";
import { networkHandlers } from "./handlers/networks";
import { ruleHandlers } from "./handlers/rules";
import { tagHandlers } from "./handlers/tags";
import { userDataHandlers } from "./handlers/userdata";
import { vmHandlers } from "./handlers/vms";
import { vpcHandlers } from "./handlers/vpcs";
import { World, type NetworkRecord } from "./model";
import { openLoadBalancer, openPortForwarding } from "./netops";
import { affinityGroupHandlers } from "./handlers/affinityGroups";
import { hostHandlers } from "./handlers/hosts";
import { defaultSeed, SeedSchema } from "./seed";
import { bootSpec, scheduleExpunge } from "./vmops";

const CNI_COMMANDS = ["registerCniConfiguration", "listCniConfiguration", "deleteCniConfiguration"];

function sharedNetworks(ctx: CloudContext): NetworkRecord[] {
  return ctx.seed.sharedNetworks.map((s) => ({
    id: s.id,
    name: s.name,
    displayText: s.name,
    accountId: undefined,
    zoneId: s.zoneid,
    offeringId: s.networkofferingid,
    type: "Shared",
    state: "Setup",
    gateway: `${ctx.world.sharedPrefix}.1`,
    netmask: "255.255.255.0",
    subnet: ctx.world.sharedPrefix,
    nextHost: 2,
    created: "2025-01-01T00:00:00+0000",
  }));
}

export async function createCloud(options: CloudOptions): Promise<Cloud> {
  const seed = SeedSchema.parse(options.seed ?? defaultSeed());
  const world = new World(await reserveBindablePrefix(), await reserveBindablePrefix());
  const ctx = new CloudContext(world, seed, options);
  for (const n of sharedNetworks(ctx)) world.networks.set(n.id, n);

  const handlers: Record<string, CommandHandler> = {
    ...catalogHandlers(ctx),
    ...vmHandlers(ctx),
    ...networkHandlers(ctx),
    ...ruleHandlers(ctx),
    ...vpcHandlers(ctx),
    ...tagHandlers(ctx),
    ...keyPairHandlers(ctx),
    ...userDataHandlers(ctx),
    ...isoHandlers(ctx),
    ...hostHandlers(ctx),
    ...affinityGroupHandlers(ctx),
    ...(seed.features.kubernetesServiceApi ? kubernetesClusterHandlers(ctx) : {}),
  };
  if (!seed.features.cniConfigurationApi) for (const c of CNI_COMMANDS) delete handlers[c];

  const users = new Map<string, { caller: Caller; secretKey: string }>();
  for (const acc of seed.accounts) {
    for (const u of acc.users) {
      users.set(u.apikey, {
        caller: { userId: u.id, accountId: acc.id, accountName: acc.name, domainId: seed.domain.id, isAdmin: acc.isAdmin },
        secretKey: u.secretkey,
      });
    }
  }

  const fabric: NetworkFabric = {
    resolve(fromVmId: string, host: string, port: number): SocketAddress | null {
      // Public IPs answer from inside the guest network too: the isolated network's virtual router
      // hair-pins (apache/cloudstack systemvm/debian/opt/cloud/bin/configure.py forward_vr adds a DNAT on
      // the guest interface and an SNAT to the VR's guest IP; load-balancer rules are haproxy on the VR).
      if ([...world.publicIps.values()].some((ip) => ip.address === host)) return { host, port };
      const from = world.vms.get(fromVmId);
      const target = [...world.vms.values()].find(
        (v) => v.guestIp === host && v.state === "Running" && (v.networkId === from?.networkId || world.networks.get(v.networkId)?.type === "Shared"),
      );
      if (!target) return null;
      return options.nodes.endpoint(target.id, port);
    },
  };

  /** Bring the live side (VMs, listeners) in line with a freshly loaded world. */
  async function revive(): Promise<void> {
    for (const vm of world.vms.values()) {
      if (vm.state === "Starting" || vm.state === "Running") {
        vm.state = "Running";
        await options.nodes.start(bootSpec(ctx, vm));
      } else if (vm.state === "Stopping") {
        vm.state = "Stopped";
        vm.hostId = undefined;
      }
      if (vm.state === "Destroyed") scheduleExpunge(ctx, vm);
      if (vm.isoId) {
        const iso = world.isos.get(vm.isoId);
        if (iso?.filePath) options.nodes.setIso(vm.id, iso.filePath);
      }
    }
    for (const net of world.networks.values()) if (net.state === "Implementing") net.state = "Implemented";
    for (const ip of world.publicIps.values()) ip.state = "Allocated";
    for (const iso of world.isos.values()) {
      if (!iso.isReady && /Downloaded$/.test(iso.status)) iso.status = "Failed to download: interrupted by a simulator restart";
    }
    for (const r of world.firewallRules.values()) r.state = "Active";
    for (const r of world.portForwardingRules.values()) {
      r.state = "Active";
      await openPortForwarding(ctx, r);
    }
    for (const r of world.loadBalancerRules.values()) {
      r.state = "Active";
      await openLoadBalancer(ctx, r);
    }
  }

  return {
    handlers,
    credentials: (apiKey) => users.get(apiKey),
    fabric,
    snapshot: () => world.snapshot(),
    async restore(snapshot: unknown): Promise<void> {
      await ctx.listeners.closeAll();
      const before = [world.publicPrefix, world.sharedPrefix];
      world.load(snapshot);
      for (const p of before) if (p !== world.publicPrefix && p !== world.sharedPrefix) releasePrefix(p);
      claimPrefix(world.publicPrefix);
      claimPrefix(world.sharedPrefix);
      for (const n of sharedNetworks(ctx)) if (!world.networks.has(n.id)) world.networks.set(n.id, n);
      await revive();
    },
    async close(): Promise<void> {
      ctx.closed = true;
      ctx.shutdown.abort();
      await ctx.listeners.closeAll();
      await Promise.all([...ctx.background]);
      releasePrefix(world.publicPrefix);
      releasePrefix(world.sharedPrefix);
    },
  };
}
