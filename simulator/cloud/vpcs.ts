// VPC mechanics shared by the network, rule and ACL handlers: the global ACL lists, tier checks and
// the ACL evaluation that stands in for the firewall on a VPC's public IPs.
//
// Sources (apache/cloudstack): the two global lists default_allow / default_deny are rows 2 and 1 of
// network_acl with vpc_id 0, each with an ingress and an egress item (setup/db/db/schema-410to420.sql);
// items are evaluated by the VPC router in `number` order, first match wins, and ingress that no item
// admits is dropped (CsAcl in systemvm/debian/opt/cloud/bin/configure.py writes the items in order into
// the tier's ACL chain, whose policy is DROP); ingress ACLs sit on the tier interface after DNAT, so
// they see the VM's own port, not the public one.
import type { CloudContext } from "./context";
import { inCidr } from "./addresses";
import type { NetworkAclItemRecord, NetworkRecord, VpcRecord } from "./model";
import { SEED_IDS } from "./seed";
import { paramError } from "./util";

export const DEFAULT_ALLOW = { id: SEED_IDS.networkAcls.defaultAllow, name: "default_allow", description: "Default Network ACL Allow All" };
export const DEFAULT_DENY = { id: SEED_IDS.networkAcls.defaultDeny, name: "default_deny", description: "Default Network ACL Deny All" };
export const GLOBAL_ACLS = [DEFAULT_DENY, DEFAULT_ALLOW];

export function isGlobalAcl(id: string | undefined): boolean {
  return GLOBAL_ACLS.some((a) => a.id === id);
}

/** The items of the global lists, as CloudStack seeds them (allow all / deny all, both directions). */
export function globalAclItems(aclId: string): NetworkAclItemRecord[] {
  const action = aclId === DEFAULT_ALLOW.id ? "Allow" : "Deny";
  return (["Ingress", "Egress"] as const).map((trafficType, i) => ({
    id: `${aclId.slice(0, 30)}${String(i + 1).padStart(6, "0")}`,
    aclId,
    number: i + 1,
    protocol: "all",
    trafficType,
    action,
    cidrs: ["0.0.0.0/0"],
    state: "Active",
  }));
}

export function aclItemsOf(ctx: CloudContext, aclId: string): NetworkAclItemRecord[] {
  if (isGlobalAcl(aclId)) return globalAclItems(aclId);
  return [...ctx.world.networkAclItems.values()].filter((i) => i.aclId === aclId).sort((a, b) => a.number - b.number);
}

export function aclListName(ctx: CloudContext, aclId: string | undefined): string | undefined {
  if (!aclId) return undefined;
  return GLOBAL_ACLS.find((a) => a.id === aclId)?.name ?? ctx.world.networkAclLists.get(aclId)?.name;
}

/** Is ingress from `remote` to the VM's `port` admitted by the tier's ACL list? */
export function aclAdmits(ctx: CloudContext, tier: NetworkRecord, remote: string, port: number, protocol: string): boolean {
  if (!tier.aclId) return false;
  for (const item of aclItemsOf(ctx, tier.aclId)) {
    if (item.state !== "Active" || item.trafficType !== "Ingress") continue;
    const proto = item.protocol.toLowerCase();
    if (proto !== "all" && proto !== protocol.toLowerCase()) continue;
    if (item.startPort !== undefined && (port < item.startPort || port > (item.endPort ?? item.startPort))) continue;
    if (!item.cidrs.some((c) => inCidr(remote, c))) continue;
    return item.action === "Allow";
  }
  return false;
}

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return o.reduce((a, x) => a * 256 + x, 0);
}

export function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
  const [addr, bits] = cidr.split("/");
  const base = ipv4(addr ?? "");
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  return { base: base - (base % 2 ** (32 - prefix)), prefix };
}

function contains(outer: { base: number; prefix: number }, inner: { base: number; prefix: number }): boolean {
  return inner.prefix >= outer.prefix && Math.floor(inner.base / 2 ** (32 - outer.prefix)) === Math.floor(outer.base / 2 ** (32 - outer.prefix));
}

/**
 * A new tier's gateway/netmask: inside the VPC's CIDR, overlapping no other tier (VpcManagerImpl
 * .validateNewVpcGuestNetwork: "Network cidr ... is not within vpc ... cidr", "Network ... overlaps with
 * cidr ... of network ..."). The simulator's guest addressing is per /24, so other masks are refused.
 */
export function tierSubnet(ctx: CloudContext, vpc: VpcRecord, gateway: string | undefined, netmask: string | undefined): string {
  if (!gateway || !netmask) throw paramError("Gateway and netmask are required when creating a network in VPC");
  const gw = ipv4(gateway);
  const mask = ipv4(netmask);
  if (gw === undefined) throw paramError(`Invalid gateway ${gateway}`);
  if (mask === undefined) throw paramError(`Invalid netmask ${netmask}`);
  if (netmask !== "255.255.255.0") throw paramError(`The simulator models VPC tiers as /24 networks; netmask ${netmask} is not supported (use 255.255.255.0)`);
  const cidr = { base: gw - (gw % 256), prefix: 24 };
  const vpcCidr = parseCidr(vpc.cidr);
  const cidrText = `${gateway.split(".").slice(0, 3).join(".")}.0/24`;
  if (!vpcCidr || !contains(vpcCidr, cidr)) throw paramError(`Network cidr ${cidrText} is not within vpc ${vpc.name} cidr ${vpc.cidr}`);
  for (const other of ctx.world.networks.values()) {
    if (other.vpcId !== vpc.id) continue;
    if (`${other.subnet}.0/24` === cidrText) throw paramError(`Network cidr ${cidrText} overlaps with cidr ${other.subnet}.0/24 of network ${other.name} in vpc ${vpc.name}`);
  }
  return gateway.split(".").slice(0, 3).join(".");
}
