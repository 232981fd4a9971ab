// The CloudStack entities the orchestration reads. The schemas are the client's own
// (provider/cloudstack/schemas, the one set of entity schemas), so a phase and the typed client
// coerce every field the same way; this module only adds the orchestration's names for them and
// the parse helpers that name the command when CloudStack answered something unexpected.
import { z } from "zod";
import {
  AffinityGroupSchema,
  NetworkAclItemSchema,
  NetworkAclListSchema,
  VpcSchema,
  FirewallRuleSchema,
  IsoSchema,
  LoadBalancerRuleSchema,
  NetworkOfferingSchema,
  NetworkSchema,
  NicSchema,
  PortForwardingRuleSchema,
  PublicIpAddressSchema,
  ServiceOfferingSchema,
  SshKeyPairSchema,
  TagSchema,
  TemplateSchema,
  UserDataSchema,
  VirtualMachineSchema,
  type FirewallRule,
  type Iso,
  type LoadBalancerRule,
  type Network,
  type PortForwardingRule,
  type PublicIpAddress,
  type Tag,
  type UserData,
  type VirtualMachine,
} from "../cloudstack/schemas";

export {
  AffinityGroupSchema,
  NetworkAclItemSchema,
  NetworkAclListSchema,
  VpcSchema,
  FirewallRuleSchema,
  IsoSchema,
  LoadBalancerRuleSchema,
  NetworkOfferingSchema,
  NetworkSchema,
  NicSchema,
  PortForwardingRuleSchema,
  ServiceOfferingSchema,
  SshKeyPairSchema,
  TagSchema,
  TemplateSchema,
  UserDataSchema,
};
export type { FirewallRule, Iso, LoadBalancerRule, Network, PortForwardingRule, Tag };
export type { AffinityGroup, NetworkAclList, NetworkAclItem, Vpc } from "../cloudstack/schemas";
export const VmSchema = VirtualMachineSchema;
export type Vm = VirtualMachine;
export const PublicIpSchema = PublicIpAddressSchema;
export type PublicIp = PublicIpAddress;
export type UserDataEntity = UserData;

/** Parses a list, naming the command in the error when CloudStack answered something unexpected. */
export function parseList<T extends z.ZodType>(schema: T, items: unknown[], command: string): z.infer<T>[] {
  return items.map((item, i) => {
    const r = schema.safeParse(item);
    if (!r.success) throw new Error(`unexpected ${command} response (item ${i}): ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return r.data;
  });
}

/** The entity under `key` of a single-object response (e.g. `{ virtualmachine: {...} }`). */
export function parseEntity<T extends z.ZodType>(schema: T, response: unknown, key: string, command: string): z.infer<T> {
  const holder = z.looseObject({ [key]: z.unknown() }).safeParse(response);
  const raw = holder.success ? holder.data[key] : undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`unexpected ${command} response: no valid "${key}" (${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")})`);
  return r.data;
}

export function tagMap(list: readonly Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list) out[t.key] = t.value;
  return out;
}
