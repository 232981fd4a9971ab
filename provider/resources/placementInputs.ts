// KubernetesCluster inputs that place the nodes: the VPC (an existing tier via networkId, or a new tier
// in vpcId), affinity groups per role and the optional control-node host anti-affinity. The offline rules
// here need no cloud; validate (phases/vpc.ts, phases/affinity.ts) checks the rest against it.
import { z } from "zod";
import { failure, type CheckFailure } from "./common/failures";

const groupIds = z.array(z.string().min(1, "must not be empty: an affinity group id"));

export const placementShape = {
  /** A VPC to create the cluster's own tier in (networkId absent); with networkId, the tier's VPC. */
  vpcId: z.string().min(1).optional(),
  /** The new tier's CIDR (e.g. "10.1.7.0/24"); by default the first free /24 of the VPC's CIDR. */
  vpcTierCidr: z.string().optional(),
  /** Affinity groups for every node (ids); `nodeAffinityGroups[role]` wins for its role. */
  affinityGroupIds: groupIds.optional(),
  nodeAffinityGroups: z.object({ control: groupIds.optional(), worker: groupIds.optional(), etcd: groupIds.optional() }).strict().optional(),
  /** Creates a `host anti-affinity` group for the control nodes, so one host failure cannot take the control plane. */
  controlNodeAntiAffinity: z.boolean().default(false),
};

export interface PlacementInputs {
  networkId?: string;
  externalLoadBalancerIpAddress?: string;
  vpcId?: string;
  vpcTierCidr?: string;
  affinityGroupIds?: string[];
  nodeAffinityGroups?: Partial<Record<"control" | "worker" | "etcd", string[]>>;
}

/** The user's affinity groups for a role: nodeAffinityGroups[role] wins over affinityGroupIds (as nodeOfferings over serviceOfferingId). */
export function userAffinityGroups(inputs: Pick<PlacementInputs, "affinityGroupIds" | "nodeAffinityGroups">, role: "control" | "worker" | "etcd"): string[] {
  return inputs.nodeAffinityGroups?.[role] ?? inputs.affinityGroupIds ?? [];
}

/** CloudStack VPC tiers are IPv4 (VpcManagerImpl.validateNewVpcGuestNetwork); the VR's ranges stop at /28. */
export function parseIpv4Cidr(cidr: string): { base: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix };
}

export function placementRules(inputs: PlacementInputs): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (inputs.vpcTierCidr !== undefined) {
    if (!inputs.vpcId) out.push(failure("vpcTierCidr", "vpcTierCidr is the CIDR of the tier created in vpcId: set vpcId, or remove vpcTierCidr", ["vpcId"]));
    if (inputs.networkId) out.push(failure("vpcTierCidr", "vpcTierCidr applies only to a tier the provider creates; with networkId the tier exists already: remove vpcTierCidr", ["networkId"]));
    const parsed = parseIpv4Cidr(inputs.vpcTierCidr);
    if (!parsed) out.push(failure("vpcTierCidr", `"${inputs.vpcTierCidr}" is not an IPv4 network in CIDR form with its host bits zero; use e.g. "10.1.7.0/24"`));
    else if (parsed.prefix < 16 || parsed.prefix > 28) out.push(failure("vpcTierCidr", `a /${parsed.prefix} tier is outside what a cluster can use: give a prefix from /16 to /28 (e.g. "10.1.7.0/24")`));
  }
  if (inputs.vpcId && inputs.externalLoadBalancerIpAddress) {
    out.push(failure("externalLoadBalancerIpAddress", "an external load balancer is for Shared networks; a VPC tier gets its own public IP with a load-balancer rule: remove externalLoadBalancerIpAddress or vpcId", ["vpcId"]));
  }
  const lists: [string, string[] | undefined][] = [["affinityGroupIds", inputs.affinityGroupIds], ...(["control", "worker", "etcd"] as const).map((r): [string, string[] | undefined] => [`nodeAffinityGroups.${r}`, inputs.nodeAffinityGroups?.[r]])];
  for (const [path, ids] of lists) {
    const dup = ids?.find((id, i) => ids.indexOf(id) !== i);
    if (dup) out.push(failure(path, `affinity group ${dup} is listed twice; list each group once`));
  }
  return out;
}
