// The seed world: what exists before the first API call (zone, offerings, templates, accounts, keys,
// settings, capacity, limits). The default seed uses fixed UUIDs and fixed API keys so that tests and
// docs can reference them; a --seed FILE is validated against the same schema.
import { z } from "zod";

const uuid = z.string().min(1);

export const SeedZoneSchema = z.object({
  id: uuid,
  name: z.string(),
  networktype: z.enum(["Advanced", "Basic"]).default("Advanced"),
  hypervisor: z.string().default("KVM"),
  allocationstate: z.enum(["Enabled", "Disabled"]).default("Enabled"),
  capacity: z.object({
    cpuCores: z.number().int().positive(),
    memoryMb: z.number().int().positive(),
    publicIps: z.number().int().positive().max(250),
  }),
});

/**
 * A hypervisor host (HostVO, type Routing). A zone without any listed host gets hosts derived from its
 * capacity (see hosts.ts zoneHosts); `dedicated` is a seeded dedicateHost.
 */
export const SeedHostSchema = z.object({
  id: uuid,
  name: z.string(),
  zoneid: uuid,
  hypervisor: z.string().default("KVM"),
  cpunumber: z.number().int().positive(),
  cpuspeed: z.number().int().positive().default(2000),
  /** MB */
  memory: z.number().int().positive(),
  hosttags: z.array(z.string()).default([]),
  state: z.enum(["Up", "Down"]).default("Up"),
  resourcestate: z.enum(["Enabled", "Disabled", "Maintenance"]).default("Enabled"),
  dedicated: z.object({ domainid: uuid, accountid: uuid.optional() }).optional(),
});

export const SeedServiceOfferingSchema = z.object({
  id: uuid,
  name: z.string(),
  displaytext: z.string().optional(),
  cpunumber: z.number().int().positive(),
  memory: z.number().int().positive(),
  cpuspeed: z.number().int().positive().default(2000),
  /** CreateServiceOfferingCmd's dynamicscalingenabled defaults to true. */
  dynamicscalingenabled: z.boolean().default(true),
});

export const SeedDiskOfferingSchema = z.object({
  id: uuid,
  name: z.string(),
  displaytext: z.string().optional(),
  disksize: z.number().int().nonnegative(),
  iscustomized: z.boolean().default(false),
});

export const SeedOsTypeSchema = z.object({ id: uuid, description: z.string(), oscategoryid: uuid, oscategoryname: z.string() });

export const SeedTemplateSchema = z.object({
  id: uuid,
  name: z.string(),
  displaytext: z.string().optional(),
  ostypeid: uuid,
  hypervisor: z.string().default("KVM"),
  isready: z.boolean().default(true),
  isfeatured: z.boolean().default(true),
  ispublic: z.boolean().default(true),
  forcks: z.boolean().default(false),
  /** Storage.TemplateType: SYSTEM for the SystemVM template (CKS's default node template). */
  templatetype: z.enum(["USER", "BUILTIN", "SYSTEM"]).default("USER"),
  arch: z.string().default("x86_64"),
  size: z.number().int().default(8589934592),
  /** RegisterTemplateCmd's isdynamicallyscalable defaults to false (the image has no scaling tools). */
  isdynamicallyscalable: z.boolean().default(false),
  /**
   * The containerd the template ships: 1.x writes and reads config version 2, 2.x version 3
   * (containerd docs/cri/config.md). Default 1.7 as on containerd.io's Debian 12 packages.
   */
  containerd: z.string().regex(/^\d+\.\d+\.\d+$/).default("1.7.24"),
});

export const SeedNetworkOfferingSchema = z.object({
  id: uuid,
  name: z.string(),
  displaytext: z.string().optional(),
  guestiptype: z.enum(["Isolated", "Shared"]),
  services: z.array(z.string()),
  egressdefaultpolicy: z.boolean().default(true),
  state: z.enum(["Enabled", "Disabled"]).default("Enabled"),
  isdefault: z.boolean().default(false),
  /**
   * Which provider serves the UserData service. With "ConfigDrive", CloudStack attaches a config drive
   * (an ISO 9660 image labelled config-2) to every VM of the network (CloudStack ConfigDriveBuilder,
   * cloud-init DataSourceConfigDrive).
   */
  userDataProvider: z.enum(["VirtualRouter", "ConfigDrive"]).default("VirtualRouter"),
  /** An offering for VPC tiers (NetworkOfferingVO.forVpc): only tiers may use it, and tiers only these. */
  forvpc: z.boolean().default(false),
});

export const SeedVpcOfferingSchema = z.object({
  id: uuid,
  name: z.string(),
  displaytext: z.string().optional(),
  services: z.array(z.string()),
  state: z.enum(["Enabled", "Disabled"]).default("Enabled"),
  isdefault: z.boolean().default(false),
});

export const SeedSharedNetworkSchema = z.object({
  id: uuid,
  name: z.string(),
  networkofferingid: uuid,
  zoneid: uuid,
});

export const SeedUserSchema = z.object({
  id: uuid,
  username: z.string(),
  apikey: z.string().min(1),
  secretkey: z.string().min(1),
});

export const SeedAccountSchema = z.object({
  id: uuid,
  name: z.string(),
  isAdmin: z.boolean(),
  users: z.array(SeedUserSchema).min(1),
});

export const SeedLimitsSchema = z.object({
  user_vm: z.number().int(),
  cpu: z.number().int(),
  memory: z.number().int(),
  public_ip: z.number().int(),
  network: z.number().int(),
});

export const SeedSchema = z.object({
  domain: z.object({ id: uuid, name: z.string().default("ROOT"), path: z.string().default("ROOT") }),
  zones: z.array(SeedZoneSchema).min(1),
  hosts: z.array(SeedHostSchema).default([]),
  serviceOfferings: z.array(SeedServiceOfferingSchema),
  diskOfferings: z.array(SeedDiskOfferingSchema),
  osTypes: z.array(SeedOsTypeSchema),
  templates: z.array(SeedTemplateSchema),
  networkOfferings: z.array(SeedNetworkOfferingSchema),
  vpcOfferings: z.array(SeedVpcOfferingSchema).default([]),
  sharedNetworks: z.array(SeedSharedNetworkSchema),
  accounts: z.array(SeedAccountSchema).min(1),
  settings: z.record(z.string(), z.string()),
  limits: SeedLimitsSchema,
  features: z
    .object({
      cniConfigurationApi: z.boolean().default(true),
      // The CKS plugin's cluster records (createKubernetesCluster clustertype=ExternalManaged, list, delete,
      // add/removeVirtualMachinesToKubernetesCluster); false = a cloud without the plugin (432).
      kubernetesServiceApi: z.boolean().default(true),
    })
    .default({ cniConfigurationApi: true, kubernetesServiceApi: true }),
});

export type Seed = z.infer<typeof SeedSchema>;

/** Well-known ids of the default seed, for tests and docs. */
export const SEED_IDS = {
  domain: "5f3c1a8e-0000-4000-8000-000000000001",
  zone: "9a1f2d34-0000-4000-8000-000000000010",
  offerings: {
    tiny: "b1000000-0000-4000-8000-000000000101",
    small: "b1000000-0000-4000-8000-000000000102",
    medium: "b1000000-0000-4000-8000-000000000103",
    large: "b1000000-0000-4000-8000-000000000104",
    xlarge: "b1000000-0000-4000-8000-000000000105",
  },
  diskOfferings: {
    small: "d1000000-0000-4000-8000-000000000201",
    medium: "d1000000-0000-4000-8000-000000000202",
    custom: "d1000000-0000-4000-8000-000000000203",
  },
  osTypes: { debian12: "0c000000-0000-4000-8000-000000000301", ubuntu2204: "0c000000-0000-4000-8000-000000000302" },
  osCategory: "0ca00000-0000-4000-8000-000000000300",
  templates: { debianCks: "7e000000-0000-4000-8000-000000000401", ubuntu: "7e000000-0000-4000-8000-000000000402" },
  networkOfferings: {
    kubernetes: "40000000-0000-4000-8000-000000000501",
    isolated: "40000000-0000-4000-8000-000000000502",
    shared: "40000000-0000-4000-8000-000000000503",
    vpcTier: "40000000-0000-4000-8000-000000000504",
  },
  vpcOffering: "40000000-0000-4000-8000-000000000511",
  /** CloudStack's global ACL lists (ids 1 and 2 in network_acl; fixed UUIDs here). */
  networkAcls: { defaultDeny: "ac100000-0000-4000-8000-000000000001", defaultAllow: "ac100000-0000-4000-8000-000000000002" },
  sharedNetwork: "5e000000-0000-4000-8000-000000000601",
  accounts: { admin: "ac000000-0000-4000-8000-000000000701", user: "ac000000-0000-4000-8000-000000000702" },
  users: { admin: "a5000000-0000-4000-8000-000000000801", user: "a5000000-0000-4000-8000-000000000802" },
  /** Hosts derived for the first zone when the seed lists none (4 hosts sharing the zone capacity). */
  hosts: [
    "0f000000-0000-4000-8000-000000000901",
    "0f000000-0000-4000-8000-000000000902",
    "0f000000-0000-4000-8000-000000000903",
    "0f000000-0000-4000-8000-000000000904",
  ],
} as const;

const ISOLATED_SERVICES = ["SourceNat", "StaticNat", "Firewall", "PortForwarding", "Lb", "UserData", "Dhcp", "Dns"];

export function defaultSeed(): Seed {
  const o = SEED_IDS.offerings;
  return SeedSchema.parse({
    domain: { id: SEED_IDS.domain, name: "ROOT", path: "ROOT" },
    zones: [
      {
        id: SEED_IDS.zone,
        name: "Sim-Zone-1",
        networktype: "Advanced",
        hypervisor: "KVM",
        allocationstate: "Enabled",
        capacity: { cpuCores: 256, memoryMb: 524288, publicIps: 64 },
      },
    ],
    serviceOfferings: [
      { id: o.tiny, name: "Tiny", displaytext: "Tiny: 1 vCPU, 1 GB", cpunumber: 1, memory: 1024 },
      { id: o.small, name: "Small", displaytext: "Small: 2 vCPU, 2 GB", cpunumber: 2, memory: 2048 },
      { id: o.medium, name: "Medium", displaytext: "Medium: 2 vCPU, 4 GB", cpunumber: 2, memory: 4096 },
      { id: o.large, name: "Large", displaytext: "Large: 4 vCPU, 8 GB", cpunumber: 4, memory: 8192 },
      { id: o.xlarge, name: "XLarge", displaytext: "XLarge: 8 vCPU, 16 GB", cpunumber: 8, memory: 16384 },
    ],
    diskOfferings: [
      { id: SEED_IDS.diskOfferings.small, name: "Small", disksize: 5 },
      { id: SEED_IDS.diskOfferings.medium, name: "Medium", disksize: 20 },
      { id: SEED_IDS.diskOfferings.custom, name: "Custom", disksize: 0, iscustomized: true },
    ],
    osTypes: [
      { id: SEED_IDS.osTypes.debian12, description: "Debian GNU/Linux 12 (64-bit)", oscategoryid: SEED_IDS.osCategory, oscategoryname: "Debian" },
      { id: SEED_IDS.osTypes.ubuntu2204, description: "Ubuntu 22.04 LTS", oscategoryid: SEED_IDS.osCategory, oscategoryname: "Ubuntu" },
    ],
    templates: [
      { id: SEED_IDS.templates.debianCks, name: "Debian 12 (CKS ready)", ostypeid: SEED_IDS.osTypes.debian12, forcks: true },
      { id: SEED_IDS.templates.ubuntu, name: "Ubuntu 22.04", ostypeid: SEED_IDS.osTypes.ubuntu2204 },
    ],
    networkOfferings: [
      {
        id: SEED_IDS.networkOfferings.kubernetes,
        name: "DefaultNetworkOfferingforKubernetesService",
        displaytext: "Network Offering used for CloudStack Kubernetes service",
        guestiptype: "Isolated",
        services: ISOLATED_SERVICES,
      },
      {
        id: SEED_IDS.networkOfferings.isolated,
        name: "DefaultIsolatedNetworkOfferingWithSourceNatService",
        displaytext: "Offering for Isolated networks with Source Nat service enabled",
        guestiptype: "Isolated",
        services: ISOLATED_SERVICES,
        isdefault: true,
      },
      {
        id: SEED_IDS.networkOfferings.shared,
        name: "DefaultSharedNetworkOffering",
        displaytext: "Offering for Shared networks",
        guestiptype: "Shared",
        services: ["UserData", "Dhcp", "Dns"],
        isdefault: true,
      },
      {
        id: SEED_IDS.networkOfferings.vpcTier,
        name: "DefaultIsolatedNetworkOfferingForVpcNetworks",
        displaytext: "Offering for Isolated VPC networks with Source Nat service enabled",
        guestiptype: "Isolated",
        services: ["SourceNat", "StaticNat", "NetworkACL", "PortForwarding", "Lb", "UserData", "Dhcp", "Dns"],
        forvpc: true,
      },
    ],
    vpcOfferings: [
      {
        id: SEED_IDS.vpcOffering,
        name: "Default VPC offering",
        displaytext: "Default VPC offering",
        services: ["SourceNat", "StaticNat", "NetworkACL", "PortForwarding", "Lb", "UserData", "Dhcp", "Dns", "Vpn"],
        isdefault: true,
      },
    ],
    sharedNetworks: [
      { id: SEED_IDS.sharedNetwork, name: "Sim-Shared-Net", networkofferingid: SEED_IDS.networkOfferings.shared, zoneid: SEED_IDS.zone },
    ],
    accounts: [
      {
        id: SEED_IDS.accounts.admin,
        name: "admin",
        isAdmin: true,
        users: [
          {
            id: SEED_IDS.users.admin,
            username: "admin",
            apikey: "sim-admin-apikey-0000000000000000000000000000000000000000000000000000000000000000000",
            secretkey: "sim-admin-secretkey-000000000000000000000000000000000000000000000000000000000000000000",
          },
        ],
      },
      {
        id: SEED_IDS.accounts.user,
        name: "k8s-user",
        isAdmin: false,
        users: [
          {
            id: SEED_IDS.users.user,
            username: "k8s-user",
            apikey: "sim-user-apikey-00000000000000000000000000000000000000000000000000000000000000000000",
            secretkey: "sim-user-secretkey-0000000000000000000000000000000000000000000000000000000000000000000",
          },
        ],
      },
    ],
    settings: {
      "allow.user.expunge.recover.vm": "false",
      "vm.userdata.max.length": "32768",
      "expunge.delay": "86400",
    },
    limits: { user_vm: 40, cpu: 160, memory: 327680, public_ip: 20, network: 20 },
    features: { cniConfigurationApi: true, kubernetesServiceApi: true },
  });
}
