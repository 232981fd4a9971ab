// zod schemas of the CloudStack entities the orchestration reads: only the fields we use are required,
// the rest passes through. Numbers that CloudStack sends as strings in some responses are coerced.
import { z } from "zod";

export const TagSchema = z.looseObject({
  key: z.string(),
  value: z.string().optional().default(""),
  resourcetype: z.string().optional(),
  resourceid: z.string().optional(),
});
export type Tag = z.infer<typeof TagSchema>;

const tags = z.array(TagSchema).optional().default([]);

export const NicSchema = z.looseObject({
  id: z.string().optional(),
  networkid: z.string().optional(),
  ipaddress: z.string().optional(),
  isdefault: z.boolean().optional(),
});

export const VmSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  displayname: z.string().optional(),
  state: z.string(),
  nic: z.array(NicSchema).optional().default([]),
  isoid: z.string().optional(),
  cpunumber: z.coerce.number().optional(),
  memory: z.coerce.number().optional(),
  tags,
});
export type Vm = z.infer<typeof VmSchema>;

export const ServiceOfferingSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  cpunumber: z.coerce.number().optional(),
  memory: z.coerce.number().optional(),
  iscustomized: z.boolean().optional(),
});

export const TemplateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  isready: z.boolean().optional(),
  /** USER, BUILTIN, SYSTEM, ROUTING, PERHOST (CloudStack Storage.TemplateType). */
  templatetype: z.string().optional(),
  zoneid: z.string().optional(),
});

export const IsoSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  isready: z.boolean().optional(),
  status: z.string().optional(),
  zoneid: z.string().optional(),
  tags,
});
export type Iso = z.infer<typeof IsoSchema>;

export const NetworkSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  displaytext: z.string().optional(),
  type: z.string().optional(),
  state: z.string().optional(),
  zoneid: z.string().optional(),
  service: z.array(z.looseObject({ name: z.string() })).optional().default([]),
  tags,
});
export type Network = z.infer<typeof NetworkSchema>;

export const NetworkOfferingSchema = z.looseObject({ id: z.string(), name: z.string(), state: z.string().optional() });

export const PublicIpSchema = z.looseObject({
  id: z.string(),
  ipaddress: z.string(),
  issourcenat: z.boolean().optional(),
  associatednetworkid: z.string().optional(),
  state: z.string().optional(),
  tags,
});
export type PublicIp = z.infer<typeof PublicIpSchema>;

export const FirewallRuleSchema = z.looseObject({
  id: z.string(),
  protocol: z.string().optional(),
  startport: z.coerce.number().optional(),
  endport: z.coerce.number().optional(),
  ipaddressid: z.string().optional(),
  tags,
});
export type FirewallRule = z.infer<typeof FirewallRuleSchema>;

export const PortForwardingRuleSchema = z.looseObject({
  id: z.string(),
  publicport: z.coerce.number(),
  privateport: z.coerce.number().optional(),
  virtualmachineid: z.string().optional(),
  ipaddressid: z.string().optional(),
  tags,
});
export type PortForwardingRule = z.infer<typeof PortForwardingRuleSchema>;

export const LoadBalancerRuleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  publicport: z.coerce.number().optional(),
  publicipid: z.string().optional(),
  tags,
});
export type LoadBalancerRule = z.infer<typeof LoadBalancerRuleSchema>;

export const SshKeyPairSchema = z.looseObject({ name: z.string(), fingerprint: z.string().optional() });

export const UserDataSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  userdata: z.string().optional(),
  params: z.string().optional(),
});
export type UserDataEntity = z.infer<typeof UserDataSchema>;

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
