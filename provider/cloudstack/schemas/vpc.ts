// VPCs, their network ACL lists and ACL items (VpcResponse, NetworkACLResponse, NetworkACLItemResponse in
// apache/cloudstack api/src/main/java/org/apache/cloudstack/api/response/).
import { z } from "zod";
import { intLike, tagsField } from "./common";

export const VpcSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string().optional(),
  zoneid: z.string().optional(),
  cidr: z.string().optional(),
  vpcofferingid: z.string().optional(),
  /** The VPC's tiers, when CloudStack includes them. */
  network: z.array(z.looseObject({ id: z.string(), cidr: z.string().optional() })).optional().default([]),
  tags: tagsField,
});
export type Vpc = z.infer<typeof VpcSchema>;

/** An ACL list: `default_allow` and `default_deny` are global (no vpcid); others belong to one VPC. */
export const NetworkAclListSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  vpcid: z.string().optional(),
});
export type NetworkAclList = z.infer<typeof NetworkAclListSchema>;

/** An ACL item (rule) of a list; `number` orders the list, first match wins. */
export const NetworkAclItemSchema = z.looseObject({
  id: z.string(),
  aclid: z.string().optional(),
  protocol: z.string().optional(),
  startport: intLike.optional(),
  endport: intLike.optional(),
  traffictype: z.string().optional(),
  action: z.string().optional(),
  number: intLike.optional(),
  cidrlist: z.string().optional(),
  state: z.string().optional(),
  tags: tagsField,
});
export type NetworkAclItem = z.infer<typeof NetworkAclItemSchema>;
