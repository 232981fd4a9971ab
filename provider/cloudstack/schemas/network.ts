// Networks, public IPs and the rules on them.
import { z } from "zod";
import { boolLike, intLike, tagsField } from "./common";

export const NetworkSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string().optional(),
  zoneid: z.string().optional(),
  networkofferingid: z.string().optional(),
  type: z.string().optional(),
  cidr: z.string().optional(),
  gateway: z.string().optional(),
  vpcid: z.string().optional(),
  /** The tier's network ACL list (VPC tiers only). */
  aclid: z.string().optional(),
  displaytext: z.string().optional(),
  /** The network's services (SourceNat, Firewall, PortForwarding, Lb, ...): validate reads them. */
  service: z.array(z.looseObject({ name: z.string() })).optional().default([]),
  tags: tagsField,
});
export type Network = z.infer<typeof NetworkSchema>;

export const PublicIpAddressSchema = z.looseObject({
  id: z.string(),
  ipaddress: z.string(),
  state: z.string().optional(),
  zoneid: z.string().optional(),
  associatednetworkid: z.string().optional(),
  networkid: z.string().optional(),
  vpcid: z.string().optional(),
  issourcenat: boolLike.optional(),
  isstaticnat: boolLike.optional(),
  tags: tagsField,
});
export type PublicIpAddress = z.infer<typeof PublicIpAddressSchema>;

export const FirewallRuleSchema = z.looseObject({
  id: z.string(),
  protocol: z.string(),
  ipaddressid: z.string().optional(),
  ipaddress: z.string().optional(),
  startport: intLike.optional(),
  endport: intLike.optional(),
  cidrlist: z.string().optional(),
  state: z.string().optional(),
  tags: tagsField,
});
export type FirewallRule = z.infer<typeof FirewallRuleSchema>;

export const PortForwardingRuleSchema = z.looseObject({
  id: z.string(),
  protocol: z.string(),
  ipaddressid: z.string(),
  ipaddress: z.string().optional(),
  privateport: intLike,
  privateendport: intLike.optional(),
  publicport: intLike,
  publicendport: intLike.optional(),
  virtualmachineid: z.string(),
  vmguestip: z.string().optional(),
  networkid: z.string().optional(),
  state: z.string().optional(),
  cidrlist: z.string().optional(),
  tags: tagsField,
});
export type PortForwardingRule = z.infer<typeof PortForwardingRuleSchema>;

/** Both `createLoadBalancerRule` (entity `loadbalancer`) and `listLoadBalancerRules` (`loadbalancerrule`). */
export const LoadBalancerRuleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  algorithm: z.string().optional(),
  publicip: z.string().optional(),
  publicipid: z.string().optional(),
  publicport: intLike,
  privateport: intLike,
  protocol: z.string().optional(),
  networkid: z.string().optional(),
  zoneid: z.string().optional(),
  state: z.string().optional(),
  cidrlist: z.string().optional(),
  tags: tagsField,
});
export type LoadBalancerRule = z.infer<typeof LoadBalancerRuleSchema>;
