// The mutable world of one simulated cloud: every record is plain JSON so that snapshot() is a copy
// and restore() a zod parse. Types are inferred from the schemas, so the two cannot drift apart.
import { z } from "zod";

const str = z.string();
const opt = z.string().optional();

export const VmSchema = z.object({
  id: str,
  name: str,
  displayName: str,
  instanceNumber: z.number().int(),
  accountId: str,
  /** VMInstanceVO.isDynamicallyScalable, fixed at deploy; older snapshots have none (false). */
  dynamicallyScalable: z.boolean().optional(),
  /** The user who deployed it (user_vm_view.user_id); older snapshots have none. */
  userId: opt,
  zoneId: str,
  templateId: str,
  serviceOfferingId: str,
  cpuNumber: z.number().int(),
  cpuSpeed: z.number().int(),
  memory: z.number().int(),
  state: z.enum(["Starting", "Running", "Stopping", "Stopped", "Destroyed", "Expunging", "Error"]),
  keypairs: z.array(str),
  userData: opt,
  userDataId: opt,
  isoId: opt,
  networkId: str,
  guestIp: str,
  nicId: str,
  macAddress: str,
  group: opt,
  haEnable: z.boolean(),
  deleteProtection: z.boolean(),
  details: z.record(z.string(), z.string()),
  created: str,
  /** HostVO the VM runs on (host_id) and the last one it ran on (last_host_id, kept while Stopped). */
  hostId: opt,
  lastHostId: opt,
  /** The deploy's hypervisor (the template's when not given). */
  hypervisor: opt,
});
export type VmRecord = z.infer<typeof VmSchema>;

export const NetworkSchema = z.object({
  id: str,
  name: str,
  displayText: str,
  accountId: str.optional(),
  zoneId: str,
  offeringId: str,
  type: z.enum(["Isolated", "Shared"]),
  state: z.enum(["Allocated", "Implementing", "Implemented", "Setup"]),
  gateway: str,
  netmask: str,
  /** First three octets of the guest /24, e.g. "10.1.7". */
  subnet: str,
  nextHost: z.number().int(),
  created: str,
  /** A VPC tier: its VPC and network ACL list (vpcs.ts). */
  vpcId: opt,
  aclId: opt,
});
export type NetworkRecord = z.infer<typeof NetworkSchema>;

export const PublicIpSchema = z.object({
  id: str,
  address: str,
  accountId: str,
  zoneId: str,
  networkId: opt,
  /** An IP of a VPC; `networkId` is the tier a rule tied it to, if any. */
  vpcId: opt,
  isSourceNat: z.boolean(),
  state: z.enum(["Allocating", "Allocated", "Releasing"]),
  created: str,
});
export type PublicIpRecord = z.infer<typeof PublicIpSchema>;

export const VpcSchema = z.object({
  id: str,
  name: str,
  displayText: str,
  accountId: str,
  zoneId: str,
  offeringId: str,
  cidr: str,
  state: z.enum(["Enabled", "Inactive"]),
  created: str,
});
export type VpcRecord = z.infer<typeof VpcSchema>;

/** A VPC's own ACL list (the global default_allow / default_deny lists are not stored: vpcs.ts). */
export const NetworkAclListSchema = z.object({ id: str, name: str, description: str, vpcId: str });
export type NetworkAclListRecord = z.infer<typeof NetworkAclListSchema>;

export const NetworkAclItemSchema = z.object({
  id: str,
  aclId: str,
  number: z.number().int(),
  protocol: str,
  startPort: z.number().int().optional(),
  endPort: z.number().int().optional(),
  trafficType: z.enum(["Ingress", "Egress"]),
  action: z.enum(["Allow", "Deny"]),
  cidrs: z.array(str),
  state: z.enum(["Add", "Active"]),
});
export type NetworkAclItemRecord = z.infer<typeof NetworkAclItemSchema>;

/** affinity_group rows with their affinity_group_vm_map members. */
export const AffinityGroupSchema = z.object({
  id: str,
  name: str,
  type: str,
  description: str.optional(),
  /** undefined for a domain-level group (owner SYSTEM, ACLType.Domain). */
  accountId: str.optional(),
  domainId: str,
  vmIds: z.array(str),
});
export type AffinityGroupRecord = z.infer<typeof AffinityGroupSchema>;

export const FirewallRuleSchema = z.object({
  id: str,
  ipId: str,
  accountId: str,
  protocol: str,
  startPort: z.number().int().optional(),
  endPort: z.number().int().optional(),
  cidrs: z.array(str),
  state: z.enum(["Add", "Active"]),
});
export type FirewallRuleRecord = z.infer<typeof FirewallRuleSchema>;

export const PortForwardingRuleSchema = z.object({
  id: str,
  ipId: str,
  accountId: str,
  protocol: str,
  publicPort: z.number().int(),
  publicEndPort: z.number().int(),
  privatePort: z.number().int(),
  privateEndPort: z.number().int(),
  vmId: str,
  vmGuestIp: str,
  networkId: str,
  cidrs: z.array(str),
  state: z.enum(["Add", "Active"]),
  /** The firewall rule created with it (openfirewall=true), deleted with it. */
  firewallRuleId: opt,
});
export type PortForwardingRuleRecord = z.infer<typeof PortForwardingRuleSchema>;

export const LoadBalancerRuleSchema = z.object({
  id: str,
  name: str,
  description: opt,
  ipId: str,
  accountId: str,
  zoneId: str,
  networkId: str,
  publicPort: z.number().int(),
  privatePort: z.number().int(),
  algorithm: str,
  protocol: str,
  cidrs: z.array(str),
  members: z.array(str),
  state: z.enum(["Add", "Active"]),
  firewallRuleId: opt,
});
export type LoadBalancerRuleRecord = z.infer<typeof LoadBalancerRuleSchema>;

export const TagSchema = z.object({
  key: str,
  value: str,
  resourceType: str,
  resourceId: str,
  accountId: str,
  customer: opt,
});
export type TagRecord = z.infer<typeof TagSchema>;

export const KeyPairSchema = z.object({ id: str, name: str, publicKey: str, fingerprint: str, accountId: str });
export type KeyPairRecord = z.infer<typeof KeyPairSchema>;

/** Registered user data; CNI configurations are user data with kind "cni" (as in CloudStack 4.21). */
export const UserDataSchema = z.object({
  id: str,
  name: str,
  kind: z.enum(["userdata", "cni"]),
  userData: str,
  params: opt,
  accountId: str,
});
export type UserDataRecord = z.infer<typeof UserDataSchema>;

export const IsoSchema = z.object({
  id: str,
  name: str,
  displayText: str,
  url: str,
  zoneId: opt,
  accountId: str,
  isReady: z.boolean(),
  status: str,
  checksum: opt,
  size: z.number().optional(),
  filePath: opt,
  bootable: z.boolean(),
  isPublic: z.boolean(),
  isFeatured: z.boolean(),
  isExtractable: z.boolean(),
  osTypeId: opt,
  created: str,
});
export type IsoRecord = z.infer<typeof IsoSchema>;

/**
 * A CKS cluster record (kubernetes_cluster + kubernetes_cluster_vm_map rows). Only ExternalManaged
 * clusters are created here (KubernetesClusterManagerImpl createUnmanagedKubernetesCluster): a record
 * with its VM ids and which of them are control nodes.
 */
export const KubernetesClusterSchema = z.object({
  id: str,
  name: str,
  description: opt,
  zoneId: str,
  accountId: str,
  clusterType: z.enum(["CloudManaged", "ExternalManaged"]),
  state: str,
  networkId: opt,
  keypair: opt,
  kubernetesVersionId: opt,
  serviceOfferingId: opt,
  externalLoadBalancerIpAddress: opt,
  nodeRootDiskSize: z.number().int().optional(),
  vms: z.array(z.object({ vmId: str, control: z.boolean() })),
  created: str,
});
export type KubernetesClusterRecord = z.infer<typeof KubernetesClusterSchema>;

export const WorldSchema = z.object({
  version: z.literal(1),
  /** "127.a.b": prefix of the public IPs; "127.c.d": prefix of the shared network's guest IPs. */
  publicPrefix: str,
  sharedPrefix: str,
  nextSubnet: z.number().int(),
  nextInstance: z.number().int(),
  vms: z.array(VmSchema),
  networks: z.array(NetworkSchema),
  publicIps: z.array(PublicIpSchema),
  firewallRules: z.array(FirewallRuleSchema),
  portForwardingRules: z.array(PortForwardingRuleSchema),
  loadBalancerRules: z.array(LoadBalancerRuleSchema),
  tags: z.array(TagSchema),
  keyPairs: z.array(KeyPairSchema),
  userData: z.array(UserDataSchema),
  isos: z.array(IsoSchema),
  /** CKS cluster records (older snapshots have none). */
  kubernetesClusters: z.array(KubernetesClusterSchema).default([]),
  /** Ids of entities that existed and were removed (older snapshots have none). */
  removedIds: z.array(str).default([]),
  /** VPCs and their ACLs (older snapshots have none). */
  vpcs: z.array(VpcSchema).default([]),
  networkAclLists: z.array(NetworkAclListSchema).default([]),
  networkAclItems: z.array(NetworkAclItemSchema).default([]),
  /** Affinity groups (older snapshots have none). */
  affinityGroups: z.array(AffinityGroupSchema).default([]),
});
export type WorldSnapshot = z.infer<typeof WorldSchema>;

/**
 * A map that remembers the keys it lost. CloudStack keeps removed rows (the `removed` column) and
 * resolves a UUID parameter "including removed" (ParamProcessWorker.translateUuidToInternalId:
 * _entityMgr.findByUuidIncludingRemoved), so an id that once existed lists as empty while one that
 * never existed is a 431.
 */
export class TrackedMap<V> extends Map<string, V> {
  constructor(private readonly removed?: Set<string>) {
    super();
  }

  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.removed?.add(key);
    return had;
  }
}

/** The live world: maps keyed by id (insertion order = creation order, which listings keep). */
export class World {
  /** Ids of removed entities (any kind): see TrackedMap. */
  readonly removedIds = new Set<string>();
  vms = new TrackedMap<VmRecord>(this.removedIds);
  networks = new TrackedMap<NetworkRecord>(this.removedIds);
  publicIps = new TrackedMap<PublicIpRecord>(this.removedIds);
  firewallRules = new TrackedMap<FirewallRuleRecord>(this.removedIds);
  portForwardingRules = new TrackedMap<PortForwardingRuleRecord>(this.removedIds);
  loadBalancerRules = new TrackedMap<LoadBalancerRuleRecord>(this.removedIds);
  tags: TagRecord[] = [];
  keyPairs = new TrackedMap<KeyPairRecord>(this.removedIds);
  userData = new TrackedMap<UserDataRecord>(this.removedIds);
  isos = new TrackedMap<IsoRecord>(this.removedIds);
  kubernetesClusters = new TrackedMap<KubernetesClusterRecord>(this.removedIds);
  vpcs = new TrackedMap<VpcRecord>(this.removedIds);
  networkAclLists = new TrackedMap<NetworkAclListRecord>(this.removedIds);
  networkAclItems = new TrackedMap<NetworkAclItemRecord>(this.removedIds);
  /** A plain Map: deleteAffinityGroup expunges the row (AffinityGroupServiceImpl.deleteAffinityGroup), so a removed id is a 431, not an empty list. */
  affinityGroups = new Map<string, AffinityGroupRecord>();

  /** Did an entity with this id ever exist (present now, or removed)? */
  everExisted(id: string, ...maps: ReadonlyArray<ReadonlyMap<string, unknown>>): boolean {
    return this.removedIds.has(id) || maps.some((m) => m.has(id));
  }
  nextSubnet = 1;
  nextInstance = 2;

  constructor(
    public publicPrefix: string,
    public sharedPrefix: string,
  ) {}

  snapshot(): WorldSnapshot {
    const copy = <T>(m: Map<string, T>): T[] => [...m.values()].map((v) => structuredClone(v));
    return {
      version: 1,
      publicPrefix: this.publicPrefix,
      sharedPrefix: this.sharedPrefix,
      nextSubnet: this.nextSubnet,
      nextInstance: this.nextInstance,
      vms: copy(this.vms),
      networks: copy(this.networks),
      publicIps: copy(this.publicIps),
      firewallRules: copy(this.firewallRules),
      portForwardingRules: copy(this.portForwardingRules),
      loadBalancerRules: copy(this.loadBalancerRules),
      tags: this.tags.map((t) => ({ ...t })),
      keyPairs: copy(this.keyPairs),
      userData: copy(this.userData),
      isos: copy(this.isos),
      kubernetesClusters: copy(this.kubernetesClusters),
      removedIds: [...this.removedIds],
      vpcs: copy(this.vpcs),
      networkAclLists: copy(this.networkAclLists),
      networkAclItems: copy(this.networkAclItems),
      affinityGroups: copy(this.affinityGroups),
    };
  }

  /** Replace the contents in place (handlers hold references to these maps). */
  load(raw: unknown): void {
    const s = WorldSchema.parse(raw);
    const fill = <T extends { id: string }>(m: Map<string, T>, items: T[]) => {
      m.clear();
      items.forEach((i) => m.set(i.id, i));
    };
    this.publicPrefix = s.publicPrefix;
    this.sharedPrefix = s.sharedPrefix;
    this.nextSubnet = s.nextSubnet;
    this.nextInstance = s.nextInstance;
    fill(this.vms, s.vms);
    fill(this.networks, s.networks);
    fill(this.publicIps, s.publicIps);
    fill(this.firewallRules, s.firewallRules);
    fill(this.portForwardingRules, s.portForwardingRules);
    fill(this.loadBalancerRules, s.loadBalancerRules);
    this.tags = s.tags;
    fill(this.keyPairs, s.keyPairs);
    fill(this.userData, s.userData);
    fill(this.isos, s.isos);
    fill(this.kubernetesClusters, s.kubernetesClusters);
    fill(this.vpcs, s.vpcs);
    fill(this.networkAclLists, s.networkAclLists);
    fill(this.networkAclItems, s.networkAclItems);
    fill(this.affinityGroups, s.affinityGroups);
    this.removedIds.clear();
    for (const id of s.removedIds) this.removedIds.add(id);
  }
}
