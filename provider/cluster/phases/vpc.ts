// VPC tiers (cks-behaviour.md §3.3 rule 3 and §4.2 "Network rules, VPC tier"). A cluster lives on an
// existing tier (networkId) or on a tier the provider creates in vpcId. A VPC's public IPs take no
// firewall rules (FirewallManagerImpl refuses them): the tier's network ACL list admits the traffic
// instead, evaluated by the VPC router on the VM's port after NAT, so the items open 22 (node SSH behind
// the 2222+i forwards), 6443 (the API) and egress. Everything created is tagged (ACL items) or named
// after the cluster (the ACL list, whose description carries the cluster id), and removed on delete;
// a VPC is never created or deleted.
import { NetworkAclItemSchema, NetworkAclListSchema, NetworkOfferingSchema, NetworkSchema, parseEntity, parseList, VpcSchema, type Network, type NetworkAclList } from "../entities";
import { PhaseError, type ClusterContext, type ClusterScope } from "../context";
import { API_PORT } from "../clusterState";
import { describeCloudError } from "../cloudErrors";
import { withRetry } from "../retry";
import { clusterTags, createTags, ownedBy } from "../tags";
import { listAllOrGone } from "../listGone";
import { parseIpv4Cidr } from "../../resources/placementInputs";
import { scoped } from "./validate";

/** The tier offering CloudStack ships for VPC tiers (supports Lb, PortForwarding, NetworkACL, UserData, Dhcp). */
export const VPC_TIER_OFFERING = "DefaultIsolatedNetworkOfferingForVpcNetworks";
export const DEFAULT_ALLOW_ACL = "default_allow";
export const DEFAULT_DENY_ACL = "default_deny";
const TIER_SERVICES = ["PortForwarding", "Lb", "NetworkACL", "UserData", "Dhcp"];

export function aclListName(prefix: string): string {
  return `${prefix}-acl`;
}

export function aclListDescription(name: string, clusterId: string): string {
  return `Kubernetes cluster ${name} (${clusterId})`;
}

/** The ACL items a cluster needs on its tier, matched on these fields (ports are the VMs' own). */
export interface AclNeed {
  purpose: string;
  protocol: "tcp" | "all";
  traffictype: "Ingress" | "Egress";
  startport?: number;
  endport?: number;
}

export function aclNeeds(): AclNeed[] {
  return [
    { purpose: "node SSH", protocol: "tcp", traffictype: "Ingress", startport: 22, endport: 22 },
    { purpose: "Kubernetes API", protocol: "tcp", traffictype: "Ingress", startport: API_PORT, endport: API_PORT },
    { purpose: "egress", protocol: "all", traffictype: "Egress" },
  ];
}

function matchesNeed(item: { protocol?: string; traffictype?: string; action?: string; startport?: number; endport?: number; cidrlist?: string }, need: AclNeed): boolean {
  if ((item.protocol ?? "").toLowerCase() !== need.protocol) return false;
  if ((item.traffictype ?? "").toLowerCase() !== need.traffictype.toLowerCase()) return false;
  if ((item.action ?? "Allow").toLowerCase() !== "allow") return false;
  if (need.protocol === "tcp" && (item.startport !== need.startport || item.endport !== need.endport)) return false;
  return (item.cidrlist ?? "0.0.0.0/0").split(",").map((c) => c.trim()).includes("0.0.0.0/0");
}

async function aclList(ctx: ClusterScope, id: string): Promise<NetworkAclList | undefined> {
  const lists = parseList(NetworkAclListSchema, await listAllOrGone(ctx.api, "listNetworkACLLists", { id }, "networkacllist"), "listNetworkACLLists");
  return lists[0];
}

/** networkId names a VPC tier: it must be in vpcId (when given) and not behind default_deny (CKS §5.2). */
export async function validateVpcTier(ctx: ClusterContext, network: Network, fail: (what: string) => never): Promise<void> {
  const { inputs } = ctx;
  const vpcId = network.vpcid as string;
  if (inputs.vpcId && inputs.vpcId !== vpcId) fail(`networkId: tier ${network.name} belongs to VPC ${vpcId}, not to vpcId ${inputs.vpcId}; remove vpcId or give a tier of that VPC`);
  const services = new Set(network.service.map((s) => s.name));
  const missing = TIER_SERVICES.filter((s) => !services.has(s));
  if (network.service.length > 0 && missing.length > 0) fail(`networkId: VPC tier ${network.name} lacks the services ${missing.join(", ")} a cluster needs (its offering must be like ${VPC_TIER_OFFERING})`);
  if (!network.aclid) fail(`networkId: VPC tier ${network.name} has no network ACL list; associate one (replaceNetworkACLList) first`);
  const acl = await aclList(ctx, network.aclid as string);
  if (acl?.name === DEFAULT_DENY_ACL) {
    fail(`networkId: VPC tier ${network.name} uses the ${DEFAULT_DENY_ACL} ACL list, which drops the SSH and API traffic a cluster needs (CKS refuses it too); give the tier a custom ACL list (the provider adds its items to it) or ${DEFAULT_ALLOW_ACL}`);
  }
  ctx.state.vpcId = vpcId;
  ctx.state.networkAclId = network.aclid;
}

/** vpcId without networkId: the VPC exists in the zone, is Enabled, and the tier offering is there. */
export async function validateVpc(ctx: ClusterContext, fail: (what: string) => never): Promise<void> {
  const { api, inputs } = ctx;
  const vpcs = parseList(VpcSchema, await listAllOrGone(api, "listVPCs", scoped(inputs, { id: inputs.vpcId }), "vpc"), "listVPCs");
  const vpc = vpcs[0];
  if (!vpc) fail(`vpcId: VPC ${inputs.vpcId} was not found (or is not visible to this account)`);
  if (vpc.zoneid && vpc.zoneid !== inputs.zoneId) fail(`vpcId: VPC ${vpc.name} is in zone ${vpc.zoneid}, not in zoneId ${inputs.zoneId}`);
  if (vpc.state && vpc.state !== "Enabled") fail(`vpcId: VPC ${vpc.name} is ${vpc.state}; it must be Enabled`);
  if (inputs.vpcTierCidr && vpc.cidr && !cidrInside(inputs.vpcTierCidr, vpc.cidr)) fail(`vpcTierCidr: ${inputs.vpcTierCidr} is not inside the CIDR ${vpc.cidr} of VPC ${vpc.name}`);
  await tierOffering(ctx, "validate");
  ctx.state.vpcId = vpc.id;
}

async function tierOffering(ctx: ClusterContext, phase: string): Promise<string> {
  const { api, inputs } = ctx;
  const offerings = parseList(NetworkOfferingSchema, await api.listAll("listNetworkOfferings", { name: VPC_TIER_OFFERING, zoneid: inputs.zoneId, forvpc: true, state: "Enabled" }, "networkoffering"), "listNetworkOfferings");
  const offering = offerings.find((o) => o.name === VPC_TIER_OFFERING);
  if (!offering) throw new PhaseError(phase, undefined, `vpcId: the VPC tier offering ${VPC_TIER_OFFERING} is not enabled in zone ${inputs.zoneId}; create the tier yourself and pass it as networkId`);
  return offering.id;
}

/** The tier the provider creates: its ACL list first (a tier is created with it), then the network. */
export async function createClusterTier(ctx: ClusterContext, name: string, displayText: string): Promise<Network> {
  const phase = "network";
  const { api, inputs, state } = ctx;
  const vpcId = state.vpcId as string;
  const retry = { deadline: ctx.deadline, what: "creating the cluster's VPC tier" };
  const acl = await withRetry(() => ensureClusterAclList(ctx), retry);
  const vpc = parseList(VpcSchema, await withRetry(() => api.listAll("listVPCs", scoped(inputs, { id: vpcId }), "vpc"), retry), "listVPCs")[0];
  const tiers = parseList(NetworkSchema, await withRetry(() => api.listAll("listNetworks", scoped(inputs, { vpcid: vpcId }), "network"), retry), "listNetworks");
  const cidr = inputs.vpcTierCidr ?? firstFreeSubnet(vpc?.cidr ?? "", tiers.map((t) => t.cidr).filter((c): c is string => typeof c === "string"), 24);
  if (!cidr) throw new PhaseError(phase, undefined, `vpcId: VPC ${vpc?.name ?? vpcId} (${vpc?.cidr ?? "no CIDR"}) has no free /24 for the cluster's tier; set vpcTierCidr or pass an existing tier as networkId`);
  const { gateway, netmask } = gatewayAndNetmask(cidr);
  ctx.progress.line(phase, `creating VPC tier ${name} (${cidr}) with ACL list ${acl.name}`);
  const created = await api.request("createNetwork", {
    ...scoped(inputs, {}),
    name,
    displaytext: displayText,
    networkofferingid: await tierOffering(ctx, phase),
    zoneid: inputs.zoneId,
    vpcid: vpcId,
    aclid: acl.id,
    gateway,
    netmask,
  });
  return parseEntity(NetworkSchema, created, "network", "createNetwork");
}

/** Our ACL list in the VPC, found by name and description on resume, else created. */
async function ensureClusterAclList(ctx: ClusterContext): Promise<NetworkAclList> {
  const found = await findClusterAclList(ctx.api, { vpcId: ctx.state.vpcId as string, prefix: ctx.state.prefix, name: ctx.inputs.name, clusterId: ctx.clusterId });
  if (found) return found;
  const created = await ctx.api.request("createNetworkACLList", { name: aclListName(ctx.state.prefix), description: aclListDescription(ctx.inputs.name, ctx.clusterId), vpcid: ctx.state.vpcId });
  return parseEntity(NetworkAclListSchema, created, "networkacllist", "createNetworkACLList");
}

export async function findClusterAclList(api: ClusterScope["api"], t: { vpcId: string; prefix: string; name: string; clusterId: string }): Promise<NetworkAclList | undefined> {
  const lists = parseList(NetworkAclListSchema, await listAllOrGone(api, "listNetworkACLLists", { vpcid: t.vpcId, name: aclListName(t.prefix) }, "networkacllist"), "listNetworkACLLists");
  return lists.find((l) => l.name === aclListName(t.prefix) && l.description === aclListDescription(t.name, t.clusterId));
}

/** Phase "acl": the tier's ACL list admits SSH, the API and egress (nothing to do on default_allow). */
export async function aclPhase(ctx: ClusterContext): Promise<void> {
  const phase = "acl";
  const { api, inputs, state } = ctx;
  if (!state.vpcId) return;
  const aclId = state.networkAclId ?? (await currentAclId(ctx));
  state.networkAclId = aclId;
  const retry = { deadline: ctx.deadline, what: "creating the tier's ACL items" };
  const list = await withRetry(() => aclList(ctx, aclId), retry);
  if (list?.name === DEFAULT_ALLOW_ACL) {
    ctx.progress.line(phase, `tier ACL is ${DEFAULT_ALLOW_ACL}: no items needed`);
    return;
  }
  if (list?.name === DEFAULT_DENY_ACL) throw new PhaseError(phase, undefined, `networkId: the tier's ACL list became ${DEFAULT_DENY_ACL}; give it a custom list or ${DEFAULT_ALLOW_ACL}`);
  const items = parseList(NetworkAclItemSchema, await withRetry(() => listAllOrGone(api, "listNetworkACLs", { aclid: aclId, listall: true }, "networkacl"), retry), "listNetworkACLs");
  const untagged: string[] = [];
  for (const need of aclNeeds()) {
    const ours = items.find((i) => ownedBy(ctx.clusterId, i.tags) && matchesNeed(i, need));
    if (ours) continue;
    ctx.progress.line(phase, `ACL ${need.traffictype.toLowerCase()} ${need.protocol}${need.startport ? ` ${need.startport}` : ""} (${need.purpose}) on ${list?.name ?? aclId}`);
    try {
      const created = await api.request("createNetworkACL", {
        aclid: aclId,
        protocol: need.protocol,
        startport: need.startport,
        endport: need.endport,
        traffictype: need.traffictype,
        action: "Allow",
        cidrlist: ["0.0.0.0/0"],
      });
      untagged.push(parseEntity(NetworkAclItemSchema, created, "networkacl", "createNetworkACL").id);
    } catch (err) {
      throw new PhaseError(phase, undefined, `ACL item for ${need.purpose}: ${describeCloudError(err)}`);
    }
  }
  if (untagged.length > 0) await withRetry(() => createTags(api, "NetworkACL", untagged, clusterTags(ctx.clusterId, inputs.name, "acl")), retry);
}

async function currentAclId(ctx: ClusterContext): Promise<string> {
  const nets = parseList(NetworkSchema, await listAllOrGone(ctx.api, "listNetworks", scoped(ctx.inputs, { id: ctx.state.networkId }), "network"), "listNetworks");
  const aclid = nets[0]?.aclid;
  if (!aclid) throw new PhaseError("acl", undefined, `the cluster's tier ${ctx.state.networkId} has no ACL list`);
  return aclid;
}


function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

export function cidrInside(inner: string, outer: string): boolean {
  const a = parseIpv4Cidr(inner);
  const b = parseIpv4Cidr(outer);
  if (!a || !b || a.prefix < b.prefix) return false;
  return Math.floor(a.base / 2 ** (32 - b.prefix)) === Math.floor(b.base / 2 ** (32 - b.prefix));
}

function overlaps(x: string, y: string): boolean {
  return cidrInside(x, y) || cidrInside(y, x);
}

/** The first /`prefix` of `vpcCidr` that overlaps none of `taken` (the VPC's tiers). */
export function firstFreeSubnet(vpcCidr: string, taken: readonly string[], prefix: number): string | undefined {
  const vpc = parseIpv4Cidr(vpcCidr);
  if (!vpc || vpc.prefix > prefix) return undefined;
  const step = 2 ** (32 - prefix);
  const end = vpc.base + 2 ** (32 - vpc.prefix);
  for (let base = vpc.base; base < end; base += step) {
    const candidate = `${toIp(base)}/${prefix}`;
    if (!taken.some((t) => overlaps(candidate, t))) return candidate;
  }
  return undefined;
}

/** CloudStack takes a tier as gateway + netmask; the gateway is the subnet's first address. */
export function gatewayAndNetmask(cidr: string): { gateway: string; netmask: string } {
  const parsed = parseIpv4Cidr(cidr) as { base: number; prefix: number };
  return { gateway: toIp(parsed.base + 1), netmask: toIp(2 ** 32 - 2 ** (32 - parsed.prefix)) };
}

