// Guest networks and public IP addresses.
import type { Caller, CommandHandler } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import type { NetworkRecord, PublicIpRecord } from "../model";
import { allocatePublicIp, allocateSubnet, checkPublicIpAvailable, DURATIONS, implementNetwork } from "../netops";
import { renderNetwork, renderPublicIp } from "../render";
import { bool, invalidValue, paramError, permissionDenied, required, resourceAllocation } from "../util";
import { createTier } from "./vpcs";

/** Networks a caller may use: its own plus shared (domain-wide) ones. */
function usable(caller: Caller, n: NetworkRecord): boolean {
  return n.accountId === undefined || n.accountId === caller.accountId || caller.isAdmin;
}

export function networkHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const nets = ctx.world.networks;

  const releaseIp = async (ip: PublicIpRecord): Promise<void> => {
    ip.state = "Releasing";
    for (const r of [...ctx.world.portForwardingRules.values()].filter((r) => r.ipId === ip.id)) {
      ctx.world.portForwardingRules.delete(r.id);
      ctx.removeTagsOf("PortForwardingRule", r.id);
      await ctx.listeners.close(r.id);
    }
    for (const r of [...ctx.world.loadBalancerRules.values()].filter((r) => r.ipId === ip.id)) {
      ctx.world.loadBalancerRules.delete(r.id);
      ctx.removeTagsOf("LoadBalancer", r.id);
      await ctx.listeners.close(r.id);
    }
    for (const r of [...ctx.world.firewallRules.values()].filter((r) => r.ipId === ip.id)) {
      ctx.world.firewallRules.delete(r.id);
      ctx.removeTagsOf("FirewallRule", r.id);
    }
    ctx.removeTagsOf("PublicIpAddress", ip.id);
    ctx.world.publicIps.delete(ip.id);
  };

  return {
    createNetwork: (params, caller) => {
      const cmd = "createNetwork";
      const name = required(params, cmd, "name");
      const offeringId = required(params, cmd, "networkofferingid");
      const zoneId = required(params, cmd, "zoneid");
      ctx.zoneOrThrow(cmd, "zoneid", zoneId);
      const offering = ctx.seed.networkOfferings.find((o) => o.id === offeringId);
      if (!offering) throw invalidValue(cmd, "networkofferingid", offeringId);
      if (offering.state !== "Enabled") throw paramError(`Network offering ${offering.name} is not in Enabled state`);
      if (offering.guestiptype === "Shared" && !caller.isAdmin) throw permissionDenied("Only admins can create shared networks");
      if (offering.guestiptype === "Shared") throw paramError("Creating further shared networks is not supported by the simulator");
      const accountId = ctx.actingAccount(caller, params);
      const acc = ctx.accounts.get(accountId);
      const owned = [...nets.values()].filter((n) => n.accountId === accountId).length;
      if (!acc?.isAdmin && owned >= ctx.seed.limits.network) {
        throw resourceAllocation(`Maximum number of resources of type 'network' for account name=${acc?.name} in Domain Id=1 has been exceeded.`);
      }
      if (params["vpcid"] === undefined && offering.forvpc) throw paramError(`Network offering ${offering.name} can be used for VPC networks only`);
      if (params["vpcid"] !== undefined) {
        const tier = createTier(ctx, params, caller, { id: ctx.uuid(), name, displayText: params["displaytext"] ?? name, accountId, zoneId, offeringId, type: "Isolated", state: "Allocated", nextHost: 2, created: ctx.now() });
        nets.set(tier.id, tier);
        return { kind: "object", entityKey: "network", entity: renderNetwork(ctx, tier) };
      }
      const subnet = allocateSubnet(ctx);
      const net: NetworkRecord = {
        id: ctx.uuid(),
        name,
        displayText: params["displaytext"] ?? name,
        accountId,
        zoneId,
        offeringId,
        type: "Isolated",
        state: "Allocated",
        gateway: `${subnet}.1`,
        netmask: "255.255.255.0",
        subnet,
        nextHost: 2,
        created: ctx.now(),
      };
      nets.set(net.id, net);
      return { kind: "object", entityKey: "network", entity: renderNetwork(ctx, net) };
    },

    deleteNetwork: (params, caller) => {
      const cmd = "deleteNetwork";
      const net = ctx.owned(nets, caller, cmd, "id", required(params, cmd, "id"));
      if (net.accountId === undefined && !caller.isAdmin) throw permissionDenied("Only admins can delete shared networks");
      return {
        kind: "async",
        work: {
          instanceType: "Network",
          instanceId: net.id,
          run: async () => {
            const onIt = [...ctx.world.vms.values()].filter((v) => v.networkId === net.id && v.state !== "Expunging");
            if (onIt.length > 0) {
              throw paramError(
                `Can't delete the network ${net.name}, not all user vms are expunged. Vm ${onIt[0].name} is in ${onIt[0].state} state`,
              );
            }
            await ctx.sleep(DURATIONS.networkDelete);
            for (const ip of [...ctx.world.publicIps.values()].filter((ip) => ip.networkId === net.id)) {
              // A VPC's IPs stay with the VPC; the tier only lets go of them (VpcManagerImpl.unassignIPFromVpcNetwork).
              if (ip.vpcId) ip.networkId = undefined;
              else await releaseIp(ip);
            }
            ctx.removeTagsOf("Network", net.id);
            nets.delete(net.id);
            return { kind: "success" };
          },
        },
      };
    },

    listNetworks: (params, caller) => {
      ctx.checkListIds("listNetworks", params, { id: [nets], vpcid: [ctx.world.vpcs] });
      const inScope = ctx.listScope(caller, params);
      const byTag = ctx.tagFilter(params, "Network");
      const items = [...nets.values()]
        .filter((n) => (n.accountId === undefined ? params["account"] === undefined : inScope(n.accountId)))
        .filter((n) => basicFilter(params, n, [n.name, n.displayText]))
        .filter((n) => params["name"] === undefined || n.name === params["name"])
        .filter((n) => params["zoneid"] === undefined || n.zoneId === params["zoneid"])
        .filter((n) => params["type"] === undefined || n.type.toLowerCase() === params["type"].toLowerCase())
        .filter((n) => params["networkofferingid"] === undefined || n.offeringId === params["networkofferingid"])
        .filter((n) => params["canusefordeploy"] === undefined || bool(params, "canusefordeploy") === usable(caller, n))
        .filter((n) => params["vpcid"] === undefined || n.vpcId === params["vpcid"])
        .filter((n) => {
          const wanted = (params["supportedservices"] ?? "").split(",").filter((s) => s !== "");
          const services = ctx.seed.networkOfferings.find((o) => o.id === n.offeringId)?.services ?? [];
          return wanted.every((w) => services.some((s) => s.toLowerCase() === w.toLowerCase()));
        })
        .filter((n) => byTag === undefined || byTag(n.id))
        .map((n) => renderNetwork(ctx, n));
      return { kind: "list", entityKey: "network", items };
    },

    associateIpAddress: (params, caller) => {
      const cmd = "associateIpAddress";
      const accountId = ctx.actingAccount(caller, params);
      let net: NetworkRecord | undefined;
      let vpcId: string | undefined;
      if (params["vpcid"] !== undefined) {
        // An IP of the VPC, tied to a tier by its first rule (IpAddressManagerImpl.associateIPToVpc).
        if (params["networkid"] !== undefined) throw paramError("Only one of networkId or vpcId can be specified");
        vpcId = ctx.owned(ctx.world.vpcs, caller, cmd, "vpcid", params["vpcid"]).id;
      }
      if (params["networkid"] !== undefined) {
        net = ctx.owned(nets, caller, cmd, "networkid", params["networkid"]);
        if (net.type === "Shared") throw paramError(`Can't associate a public IP address with the shared network ${net.name}`);
        if (net.vpcId) throw paramError(`Can't assign ip to the network directly when network belongs to VPC. Specify vpcId to associate ip address to VPC`);
      }
      const zoneId = net?.zoneId ?? (vpcId ? ctx.world.vpcs.get(vpcId)?.zoneId : undefined) ?? params["zoneid"];
      if (zoneId === undefined) throw paramError("Unable to figure out zone to assign ip to. Please specify either zoneId, or networkId, or vpcId in the call");
      ctx.zoneOrThrow(cmd, "zoneid", zoneId);
      if (params["ipaddress"] !== undefined) throw paramError(`Specific public IP ${params["ipaddress"]} is not available in the simulator's ranges`);
      checkPublicIpAvailable(ctx, zoneId, accountId, true);
      const ip = allocatePublicIp(ctx, zoneId, accountId, net?.id, false);
      if (vpcId) ip.vpcId = vpcId;
      ip.state = "Allocating";
      return {
        kind: "async",
        work: {
          entityId: ip.id,
          instanceType: "IpAddress",
          instanceId: ip.id,
          run: async () => {
            // An IP for a network that is not up yet brings the network up (with its source NAT).
            if (net) await implementNetwork(ctx, net);
            await ctx.sleep(DURATIONS.ip);
            ip.state = "Allocated";
            return { kind: "object", entityKey: "ipaddress", entity: renderPublicIp(ctx, ip) };
          },
        },
      };
    },

    disassociateIpAddress: (params, caller) => {
      const cmd = "disassociateIpAddress";
      let ip: PublicIpRecord | undefined;
      if (params["id"] !== undefined) ip = ctx.owned(ctx.world.publicIps, caller, cmd, "id", params["id"]);
      else if (params["ipaddress"] !== undefined) {
        ip = [...ctx.world.publicIps.values()].find((i) => i.address === params["ipaddress"]);
        if (!ip) throw invalidValue(cmd, "ipaddress", params["ipaddress"]);
        ip = ctx.owned(ctx.world.publicIps, caller, cmd, "ipaddress", ip.id);
      } else throw paramError("Either id or ipaddress must be specified");
      const target = ip;
      if (target.isSourceNat) throw paramError(`IP address ${target.address} is a source NAT IP and cannot be released while its ${target.vpcId ? "VPC" : "network"} exists`);
      return {
        kind: "async",
        work: {
          instanceType: "IpAddress",
          instanceId: target.id,
          run: async () => {
            await ctx.sleep(DURATIONS.ip);
            await releaseIp(target);
            return { kind: "success" };
          },
        },
      };
    },

    listPublicIpAddresses: (params, caller) => {
      ctx.checkListIds("listPublicIpAddresses", params, { id: [ctx.world.publicIps], associatednetworkid: [nets], vpcid: [ctx.world.vpcs] });
      const inScope = ctx.listScope(caller, params);
      const byTag = ctx.tagFilter(params, "PublicIpAddress");
      const items = [...ctx.world.publicIps.values()]
        .filter((ip) => inScope(ip.accountId))
        .filter((ip) => basicFilter(params, ip, [ip.address]))
        .filter((ip) => params["ipaddress"] === undefined || ip.address === params["ipaddress"])
        .filter((ip) => {
          const n = params["associatednetworkid"] ?? params["networkid"];
          return n === undefined || ip.networkId === n;
        })
        .filter((ip) => params["issourcenat"] === undefined || bool(params, "issourcenat") === ip.isSourceNat)
        .filter(() => params["isstaticnat"] === undefined || !bool(params, "isstaticnat"))
        .filter((ip) => params["zoneid"] === undefined || ip.zoneId === params["zoneid"])
        .filter((ip) => params["state"] === undefined || ip.state.toLowerCase() === params["state"].toLowerCase())
        .filter((ip) => params["vpcid"] === undefined || ip.vpcId === params["vpcid"])
        .filter((ip) => byTag === undefined || byTag(ip.id))
        .map((ip) => renderPublicIp(ctx, ip));
      return { kind: "list", entityKey: "publicipaddress", items };
    },
  };
}
