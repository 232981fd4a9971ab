// VPCs, network ACL lists and ACL items. Tiers are created by createNetwork with vpcid (networks.ts
// calls createTier here); rules on VPC IPs are in rules.ts. Rules and messages follow apache/cloudstack
// server/src/main/java/com/cloud/network/vpc/VpcManagerImpl.java (createVpc, deleteVpc,
// validateNewVpcGuestNetwork) and NetworkACLServiceImpl.java (createNetworkACL, createNetworkACLItem,
// deleteNetworkACL, replaceNetworkACL, deleteNetworkACLItem).
import type { Caller, CommandHandler, Params } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import type { NetworkAclItemRecord, NetworkAclListRecord, NetworkRecord, VpcRecord } from "../model";
import { allocatePublicIp, checkPublicIpAvailable, DURATIONS } from "../netops";
import { aclItemsOf, GLOBAL_ACLS, isGlobalAcl, tierSubnet } from "../vpcs";
import { int, invalidValue, list, paramError, permissionDenied, required } from "../util";

export function renderVpc(ctx: CloudContext, v: VpcRecord): Record<string, unknown> {
  const offering = ctx.seed.vpcOfferings.find((o) => o.id === v.offeringId);
  return {
    id: v.id,
    name: v.name,
    displaytext: v.displayText,
    cidr: v.cidr,
    state: v.state,
    zoneid: v.zoneId,
    zonename: ctx.zone(v.zoneId)?.name,
    vpcofferingid: v.offeringId,
    vpcofferingname: offering?.name,
    ...ctx.owner(v.accountId),
    created: v.created,
    restartrequired: false,
    redundantvpcrouter: false,
    regionlevelvpc: false,
    distributedvpcrouter: false,
    service: (offering?.services ?? []).map((s) => ({ name: s, provider: [{ name: "VpcVirtualRouter" }] })),
    network: [...ctx.world.networks.values()].filter((n) => n.vpcId === v.id).map((n) => ({ id: n.id, name: n.name, cidr: `${n.subnet}.0/24` })),
    tags: ctx.tagsOf("Vpc", v.id),
  };
}

function renderAclList(l: { id: string; name: string; description: string; vpcId?: string }, ctx: CloudContext): Record<string, unknown> {
  return { id: l.id, name: l.name, description: l.description, vpcid: l.vpcId, vpcname: l.vpcId ? ctx.world.vpcs.get(l.vpcId)?.name : undefined, fordisplay: true };
}

function renderAclItem(ctx: CloudContext, i: NetworkAclItemRecord): Record<string, unknown> {
  return {
    id: i.id,
    aclid: i.aclId,
    aclname: GLOBAL_ACLS.find((a) => a.id === i.aclId)?.name ?? ctx.world.networkAclLists.get(i.aclId)?.name,
    number: i.number,
    protocol: i.protocol,
    startport: i.startPort,
    endport: i.endPort,
    traffictype: i.trafficType,
    action: i.action,
    cidrlist: i.cidrs.join(","),
    state: i.state,
    fordisplay: true,
    tags: isGlobalAcl(i.aclId) ? [] : ctx.tagsOf("NetworkACL", i.id),
  };
}

export function vpcHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const w = ctx.world;

  /** An ACL list the caller may use: a global one, or one of a VPC it owns. */
  function aclListFor(caller: Caller, cmd: string, param: string, id: string): { id: string; name: string; vpcId?: string; global: boolean } {
    const global = GLOBAL_ACLS.find((a) => a.id === id);
    if (global) return { ...global, global: true };
    const l = w.networkAclLists.get(id);
    if (!l) throw invalidValue(cmd, param, id);
    ctx.owned(w.vpcs, caller, cmd, param, l.vpcId);
    return { ...l, global: false };
  }

  return {
    createVPC: (params, caller) => {
      const cmd = "createVPC";
      const name = required(params, cmd, "name");
      const cidr = required(params, cmd, "cidr");
      const offeringId = required(params, cmd, "vpcofferingid");
      const zoneId = required(params, cmd, "zoneid");
      ctx.zoneOrThrow(cmd, "zoneid", zoneId);
      const offering = ctx.seed.vpcOfferings.find((o) => o.id === offeringId);
      if (!offering) throw invalidValue(cmd, "vpcofferingid", offeringId);
      if (offering.state !== "Enabled") throw paramError(`VPC offering ${offering.name} is not in Enabled state`);
      if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr)) throw paramError(`Invalid CIDR specified ${cidr}`);
      const accountId = ctx.actingAccount(caller, params);
      // The VPC's source NAT IP is allocated with it (VpcManagerImpl.startVpc → assignSourceNatIpAddressToVpc).
      checkPublicIpAvailable(ctx, zoneId, accountId, true);
      const vpc: VpcRecord = { id: ctx.uuid(), name, displayText: params["displaytext"] ?? name, accountId, zoneId, offeringId, cidr, state: "Enabled", created: ctx.now() };
      w.vpcs.set(vpc.id, vpc);
      const nat = allocatePublicIp(ctx, zoneId, accountId, undefined, true);
      nat.vpcId = vpc.id;
      return {
        kind: "async",
        work: {
          entityId: vpc.id,
          instanceType: "Vpc",
          instanceId: vpc.id,
          run: async () => {
            await ctx.sleep(DURATIONS.networkImplement);
            return { kind: "object", entityKey: "vpc", entity: renderVpc(ctx, vpc) };
          },
        },
      };
    },

    listVPCs: (params, caller) => {
      ctx.checkListIds("listVPCs", params, { id: [w.vpcs] });
      const inScope = ctx.listScope(caller, params);
      const byTag = ctx.tagFilter(params, "Vpc");
      const items = [...w.vpcs.values()]
        .filter((v) => inScope(v.accountId))
        .filter((v) => basicFilter(params, v, [v.name, v.displayText]))
        .filter((v) => params["name"] === undefined || v.name === params["name"])
        .filter((v) => params["zoneid"] === undefined || v.zoneId === params["zoneid"])
        .filter((v) => params["vpcofferingid"] === undefined || v.offeringId === params["vpcofferingid"])
        .filter((v) => byTag === undefined || byTag(v.id))
        .map((v) => renderVpc(ctx, v));
      return { kind: "list", entityKey: "vpc", items };
    },

    deleteVPC: (params, caller) => {
      const cmd = "deleteVPC";
      const vpc = ctx.owned(w.vpcs, caller, cmd, "id", required(params, cmd, "id"));
      return {
        kind: "async",
        work: {
          instanceType: "Vpc",
          instanceId: vpc.id,
          run: async () => {
            // VpcManagerImpl.destroyVpc: a VPC with tiers cannot go.
            const tiers = [...w.networks.values()].filter((n) => n.vpcId === vpc.id);
            if (tiers.length > 0) throw paramError(`Can't delete VPC ${vpc.name} as it has ${tiers.length} networks that have to be deleted first`);
            await ctx.sleep(DURATIONS.networkDelete);
            for (const ip of [...w.publicIps.values()].filter((ip) => ip.vpcId === vpc.id)) {
              ctx.removeTagsOf("PublicIpAddress", ip.id);
              w.publicIps.delete(ip.id);
            }
            for (const l of [...w.networkAclLists.values()].filter((l) => l.vpcId === vpc.id)) {
              for (const item of aclItemsOf(ctx, l.id)) {
                w.networkAclItems.delete(item.id);
                ctx.removeTagsOf("NetworkACL", item.id);
              }
              w.networkAclLists.delete(l.id);
            }
            ctx.removeTagsOf("Vpc", vpc.id);
            w.vpcs.delete(vpc.id);
            return { kind: "success" };
          },
        },
      };
    },

    listVPCOfferings: (params) => ({
      kind: "list",
      entityKey: "vpcoffering",
      items: ctx.seed.vpcOfferings
        .filter((o) => basicFilter(params, o, [o.name]))
        .filter((o) => params["name"] === undefined || o.name === params["name"])
        .filter((o) => params["state"] === undefined || o.state.toLowerCase() === params["state"].toLowerCase())
        .map((o) => ({ id: o.id, name: o.name, displaytext: o.displaytext ?? o.name, state: o.state, isdefault: o.isdefault, service: o.services.map((s) => ({ name: s, provider: [{ name: "VpcVirtualRouter" }] })) })),
    }),

    createNetworkACLList: (params, caller) => {
      const cmd = "createNetworkACLList";
      const name = required(params, cmd, "name");
      const vpc = ctx.owned(w.vpcs, caller, cmd, "vpcid", required(params, cmd, "vpcid"));
      const acl: NetworkAclListRecord = { id: ctx.uuid(), name, description: params["description"] ?? name, vpcId: vpc.id };
      w.networkAclLists.set(acl.id, acl);
      return { kind: "async", work: { entityId: acl.id, instanceType: "NetworkAcl", instanceId: acl.id, run: async () => ({ kind: "object", entityKey: "networkacllist", entity: renderAclList(acl, ctx) }) } };
    },

    listNetworkACLLists: (params, caller) => {
      ctx.checkListIds("listNetworkACLLists", params, { id: [w.networkAclLists, GLOBAL_ACLS], vpcid: [w.vpcs], networkid: [w.networks] });
      const inScope = ctx.listScope(caller, params);
      const tier = params["networkid"] !== undefined ? w.networks.get(params["networkid"]) : undefined;
      const all = [...GLOBAL_ACLS.map((g) => ({ ...g, vpcId: undefined as string | undefined })), ...w.networkAclLists.values()];
      const items = all
        .filter((l) => l.vpcId === undefined || inScope(w.vpcs.get(l.vpcId)?.accountId))
        .filter((l) => params["id"] === undefined || l.id === params["id"])
        .filter((l) => params["name"] === undefined || l.name === params["name"])
        // The global lists belong to every VPC (NetworkACLServiceImpl.listNetworkACLs: vpc_id IN (vpcId, 0)).
        .filter((l) => params["vpcid"] === undefined || l.vpcId === undefined || l.vpcId === params["vpcid"])
        .filter((l) => params["networkid"] === undefined || tier?.aclId === l.id)
        .filter((l) => basicFilter(params, l, [l.name, l.description]))
        .map((l) => renderAclList(l, ctx));
      return { kind: "list", entityKey: "networkacllist", items };
    },

    deleteNetworkACLList: (params, caller) => {
      const cmd = "deleteNetworkACLList";
      const acl = aclListFor(caller, cmd, "id", required(params, cmd, "id"));
      if (acl.global) throw paramError("Default ACL cannot be removed");
      return {
        kind: "async",
        work: {
          instanceType: "NetworkAcl",
          instanceId: acl.id,
          run: async () => {
            const user = [...w.networks.values()].find((n) => n.aclId === acl.id);
            if (user) throw paramError(`ACL is still associated with ${user.name} network. Cannot delete network ACL: ${acl.id}`);
            if (aclItemsOf(ctx, acl.id).length > 0) throw paramError(`ACL is not empty. Cannot delete network ACL: ${acl.id}`);
            w.networkAclLists.delete(acl.id);
            return { kind: "success" };
          },
        },
      };
    },

    createNetworkACL: (params, caller) => {
      const cmd = "createNetworkACL";
      const protocol = required(params, cmd, "protocol").toLowerCase();
      let aclId = params["aclid"];
      if (aclId === undefined) {
        // Without aclid the item goes to the tier's list (createNetworkACLItem: networkid → its acl).
        if (params["networkid"] === undefined) throw paramError("Network ID and ACL ID are both null. One of them must be specified");
        const tier = ctx.owned(w.networks, caller, cmd, "networkid", params["networkid"]);
        if (!tier.vpcId) throw paramError(`Network ${tier.name} is not a VPC tier`);
        aclId = tier.aclId as string;
      }
      const acl = aclListFor(caller, cmd, "aclid", aclId);
      if (acl.global) throw paramError("Default ACL cannot be modified");
      if (!["tcp", "udp", "icmp", "all"].includes(protocol) && !/^\d+$/.test(protocol)) throw paramError(`Invalid protocol ${protocol}`);
      const start = int(params, cmd, "startport");
      const end = int(params, cmd, "endport") ?? start;
      if ((protocol === "all" || protocol === "icmp") && start !== undefined) throw paramError("Can specify start/end port only when protocol is TCP, UDP or a number");
      if (start !== undefined && (start < 0 || start > 65535)) throw paramError(`Invalid start port ${start}`);
      if (end !== undefined && (end < 0 || end > 65535)) throw paramError(`Invalid end port ${end}`);
      if (start !== undefined && end !== undefined && start > end) throw paramError("Start port can't be bigger than end port");
      const trafficRaw = params["traffictype"] ?? "Ingress";
      const trafficType = trafficRaw.toLowerCase() === "egress" ? "Egress" : trafficRaw.toLowerCase() === "ingress" ? "Ingress" : undefined;
      if (!trafficType) throw paramError(`Invalid traffic type ${trafficRaw}`);
      const actionRaw = params["action"] ?? "Allow";
      const action = actionRaw.toLowerCase() === "deny" ? "Deny" : actionRaw.toLowerCase() === "allow" ? "Allow" : undefined;
      if (!action) throw paramError(`Invalid action. Allowed actions are Allow and Deny`);
      const cidrs = list(params, "cidrlist");
      for (const c of cidrs) if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(c)) throw paramError(`Invalid cidr ${c}`);
      const items = aclItemsOf(ctx, acl.id);
      let number = int(params, cmd, "number");
      if (number !== undefined) {
        if (items.some((i) => i.number === number)) throw paramError(`ACL item with number ${number} already exists in ACL: ${acl.id}`);
      } else number = items.reduce((m, i) => Math.max(m, i.number), 0) + 1;
      const item: NetworkAclItemRecord = { id: ctx.uuid(), aclId: acl.id, number, protocol, startPort: start, endPort: end, trafficType, action, cidrs: cidrs.length > 0 ? cidrs : ["0.0.0.0/0"], state: "Add" };
      w.networkAclItems.set(item.id, item);
      return {
        kind: "async",
        work: {
          entityId: item.id,
          instanceType: "NetworkACL",
          instanceId: item.id,
          run: async () => {
            await ctx.sleep(DURATIONS.rule);
            item.state = "Active";
            return { kind: "object", entityKey: "networkacl", entity: renderAclItem(ctx, item) };
          },
        },
      };
    },

    listNetworkACLs: (params, caller) => {
      ctx.checkListIds("listNetworkACLs", params, { id: [w.networkAclItems], aclid: [w.networkAclLists, GLOBAL_ACLS], networkid: [w.networks] });
      const inScope = ctx.listScope(caller, params);
      const byTag = ctx.tagFilter(params, "NetworkACL");
      let aclId = params["aclid"];
      if (params["networkid"] !== undefined) aclId = w.networks.get(params["networkid"])?.aclId ?? "none";
      const pool: NetworkAclItemRecord[] = aclId !== undefined ? aclItemsOf(ctx, aclId) : [...w.networkAclItems.values()];
      const items = pool
        .filter((i) => isGlobalAcl(i.aclId) || inScope(w.vpcs.get(w.networkAclLists.get(i.aclId)?.vpcId ?? "")?.accountId))
        .filter((i) => params["id"] === undefined || i.id === params["id"])
        .filter((i) => params["traffictype"] === undefined || i.trafficType.toLowerCase() === params["traffictype"].toLowerCase())
        .filter((i) => params["protocol"] === undefined || i.protocol === params["protocol"].toLowerCase())
        .filter((i) => params["action"] === undefined || i.action.toLowerCase() === params["action"].toLowerCase())
        .filter((i) => byTag === undefined || byTag(i.id))
        .map((i) => renderAclItem(ctx, i));
      return { kind: "list", entityKey: "networkacl", items };
    },

    deleteNetworkACL: (params, caller) => {
      const cmd = "deleteNetworkACL";
      const id = required(params, cmd, "id");
      const item = w.networkAclItems.get(id);
      if (!item) throw invalidValue(cmd, "id", id);
      aclListFor(caller, cmd, "id", item.aclId);
      return {
        kind: "async",
        work: {
          instanceType: "NetworkACL",
          instanceId: id,
          run: async () => {
            await ctx.sleep(DURATIONS.rule);
            if (!w.networkAclItems.delete(id)) throw paramError(`Unable to find network ACL item ${id}`);
            ctx.removeTagsOf("NetworkACL", id);
            return { kind: "success" };
          },
        },
      };
    },

    replaceNetworkACLList: (params, caller) => {
      const cmd = "replaceNetworkACLList";
      const acl = aclListFor(caller, cmd, "aclid", required(params, cmd, "aclid"));
      const tier = ctx.owned(w.networks, caller, cmd, "networkid", required(params, cmd, "networkid"));
      if (!tier.vpcId) throw paramError(`Network ${tier.name} is not part of a VPC`);
      if (!acl.global && acl.vpcId !== tier.vpcId) throw paramError("Network and ACL should belong to the same VPC");
      return {
        kind: "async",
        work: {
          instanceType: "Network",
          instanceId: tier.id,
          run: async () => {
            await ctx.sleep(DURATIONS.rule);
            tier.aclId = acl.id;
            return { kind: "success" };
          },
        },
      };
    },
  };
}

/** createNetwork with vpcid: a tier of that VPC (VpcManagerImpl.validateNewVpcGuestNetwork). */
export function createTier(ctx: CloudContext, params: Params, caller: Caller, base: Omit<NetworkRecord, "vpcId" | "aclId" | "subnet" | "gateway" | "netmask">): NetworkRecord {
  const cmd = "createNetwork";
  const vpc = ctx.owned(ctx.world.vpcs, caller, cmd, "vpcid", params["vpcid"] as string);
  if (vpc.state !== "Enabled") throw paramError(`VPC ${vpc.name} is not in Enabled state`);
  if (vpc.zoneId !== base.zoneId) throw paramError(`New network doesn't belong to vpc zone`);
  const offering = ctx.seed.networkOfferings.find((o) => o.id === base.offeringId);
  if (!offering?.forvpc) throw paramError(`Network offering ${offering?.name ?? base.offeringId} can't be used for VPC networks`);
  if (vpc.accountId !== base.accountId) throw permissionDenied("Network and VPC must belong to the same account");
  const subnet = tierSubnet(ctx, vpc, params["gateway"], params["netmask"]);
  let aclId = params["aclid"];
  if (aclId !== undefined) {
    const global = GLOBAL_ACLS.find((a) => a.id === aclId);
    const own = ctx.world.networkAclLists.get(aclId);
    if (!global && !own) throw invalidValue(cmd, "aclid", aclId);
    if (own && own.vpcId !== vpc.id) throw paramError("Network and ACL should belong to the same VPC");
  } else {
    // Without aclid a tier gets default_deny (NetworkServiceImpl.createGuestNetwork: NetworkACL.DEFAULT_DENY).
    aclId = GLOBAL_ACLS[0].id;
  }
  return { ...base, vpcId: vpc.id, aclId, subnet, gateway: params["gateway"] as string, netmask: params["netmask"] as string };
}
