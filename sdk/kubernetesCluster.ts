import * as pulumi from "@pulumi/pulumi";
import { withSecretInputs, type ConnectionArgs } from "./connection";
import { kubernetesClusterShim } from "./shims";
import type { ExternalManagedClusterArgs } from "./externalManagedCluster";
import { CLUSTER_SECRET_INPUTS, CLUSTER_SECRET_OUTPUTS } from "../provider/resources/schema/resourceSpecs";

export interface PerNodeType<T> {
  control?: pulumi.Input<T>;
  worker?: pulumi.Input<T>;
  etcd?: pulumi.Input<T>;
}

export interface PrivateRegistryArgs {
  url: pulumi.Input<string>;
  username: pulumi.Input<string>;
  /** Secret. */
  password: pulumi.Input<string>;
  email?: pulumi.Input<string>;
}

export interface KubernetesClusterArgs extends ConnectionArgs {
  /** "CloudManaged" (default): built by this provider. For "ExternalManaged" see ExternalManagedClusterArgs. */
  clusterType?: "CloudManaged";
  /** Also record the cluster in CloudStack's Kubernetes plugin so it shows in the UI (needs the plugin). */
  registerInCloudStack?: pulumi.Input<boolean>;
  name: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
  /** The KubernetesSupportedVersion id. */
  kubernetesVersionId: pulumi.Input<string>;
  /** The version's semantic version (e.g. version.semanticVersion), so preview can check the HA floor. */
  kubernetesVersion?: pulumi.Input<string>;
  serviceOfferingId?: pulumi.Input<string>;
  /** Workers (default 1). */
  size?: pulumi.Input<number>;
  /** Default 1; more than 1 needs Kubernetes ≥ 1.16. */
  controlNodes?: pulumi.Input<number>;
  /** External etcd members (default 0). */
  etcdNodes?: pulumi.Input<number>;
  /** Raise the controlNodes + size limit (default 10, cloud.kubernetes.cluster.max.size). */
  maxClusterSize?: pulumi.Input<number>;
  /** An existing isolated network (or a Shared one with externalLoadBalancerIpAddress); created when absent. */
  networkId?: pulumi.Input<string>;
  /** An extra existing keypair for operators. */
  keypair?: pulumi.Input<string>;
  /** GB, default 8, ≥ 8. */
  nodeRootDiskSize?: pulumi.Input<number>;
  externalLoadBalancerIpAddress?: pulumi.Input<string>;
  privateRegistry?: pulumi.Input<PrivateRegistryArgs>;
  hypervisor?: pulumi.Input<string>;
  /** A VPC: the cluster gets its own tier in it (networkId absent), or networkId must be a tier of it. */
  vpcId?: pulumi.Input<string>;
  /** The CIDR of the tier created in vpcId; the VPC's first free /24 when absent. */
  vpcTierCidr?: pulumi.Input<string>;
  /** Affinity group ids for every node; nodeAffinityGroups[role] wins for its role. */
  affinityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  nodeAffinityGroups?: pulumi.Input<PerNodeType<pulumi.Input<string>[]>>;
  /** Put every control node on its own host (a host anti-affinity group the provider creates). */
  controlNodeAntiAffinity?: pulumi.Input<boolean>;
  nodeOfferings?: pulumi.Input<PerNodeType<string>>;
  nodeTemplates?: pulumi.Input<PerNodeType<string>>;
  /** The default node template; a CKS-ready template of the zone when absent. */
  templateId?: pulumi.Input<string>;
  asNumber?: pulumi.Input<number>;
  cniConfigurationId?: pulumi.Input<string>;
  cniConfigDetails?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  account?: pulumi.Input<string>;
  domainId?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  /** true stops every VM (workers, control, etcd); false (default) starts a stopped cluster. */
  stopped?: pulumi.Input<boolean>;
  /** Renew the control-plane certificates on `pulumi up` when they expire within this many days (default 30). */
  certificateRenewalDays?: pulumi.Input<number>;
  /** Rolling upgrades and offering changes: workers at once (a count or "N%", default 1), drain and readiness limits. */
  upgrade?: pulumi.Input<{ maxUnavailable?: pulumi.Input<number | string>; drainTimeout?: pulumi.Input<string>; force?: pulumi.Input<boolean>; nodeReadyTimeout?: pulumi.Input<string> }>;
  /** Durations such as "45m" (defaults create 60m, update 60m, delete 30m). */
  timeouts?: pulumi.Input<{ create?: pulumi.Input<string>; update?: pulumi.Input<string>; delete?: pulumi.Input<string> }>;
}

export interface ClusterNodeInfo {
  virtualMachineId: string;
  name: string;
  role: "control" | "worker" | "etcd";
  privateIp: string;
  sshPort: number;
  kubeletVersion?: string;
}

const OUTPUTS = [
  "state",
  "endpoint",
  "ipAddress",
  "ipAddressId",
  "networkId",
  "networkCreated",
  "vpcId",
  "networkAclId",
  "controlAffinityGroupId",
  "kubeconfig",
  "kubernetesVersion",
  "nodes",
  "virtualMachineIds",
  "cpuNumber",
  "memory",
  "certificatesExpireAt",
  "upgradeInProgress",
  "interruptedOperation",
  "sshPrivateKey",
  "sshPublicKey",
  "hostKeys",
  "keypairName",
  "clusterId",
  "stateReason",
  // Inputs a ClusterNode reads from its cluster (sdk/clusterNode.ts); present even when not given.
  "maxClusterSize",
  "externalLoadBalancerIpAddress",
  "cloudStackClusterId",
  "registeredInCloudStack",
] as const;

// The same lists schema.json is generated from (provider/resources/schema/resourceSpecs.ts).
const SECRET_OUTPUTS: readonly string[] = CLUSTER_SECRET_OUTPUTS;
/** Inputs that are secrets however they were passed: encrypted in the state's inputs as well. */
const SECRET_INPUTS: readonly string[] = CLUSTER_SECRET_INPUTS;

/** A Kubernetes cluster on CloudStack, built client-side the way CKS builds it. */
export class KubernetesCluster extends pulumi.dynamic.Resource {
  declare public readonly state: pulumi.Output<"Running" | "Stopped" | "Alert" | "Error">;
  declare public readonly stateReason: pulumi.Output<string | undefined>;
  /** https://<public ip>:6443/ */
  declare public readonly endpoint: pulumi.Output<string>;
  declare public readonly ipAddress: pulumi.Output<string>;
  declare public readonly ipAddressId: pulumi.Output<string>;
  declare public readonly networkId: pulumi.Output<string>;
  declare public readonly networkCreated: pulumi.Output<boolean>;
  /** The VPC of the cluster's tier, when on one. */
  declare public readonly vpcId: pulumi.Output<string | undefined>;
  /** The tier's network ACL list, when on a VPC tier. */
  declare public readonly networkAclId: pulumi.Output<string | undefined>;
  /** The control nodes' host anti-affinity group (controlNodeAntiAffinity). */
  declare public readonly controlAffinityGroupId: pulumi.Output<string | undefined>;
  /** Admin kubeconfig (secret), server = the public endpoint. */
  declare public readonly kubeconfig: pulumi.Output<string>;
  declare public readonly kubernetesVersion: pulumi.Output<string>;
  declare public readonly nodes: pulumi.Output<ClusterNodeInfo[]>;
  declare public readonly virtualMachineIds: pulumi.Output<string[]>;
  declare public readonly controlNodes: pulumi.Output<number>;
  declare public readonly size: pulumi.Output<number>;
  declare public readonly etcdNodes: pulumi.Output<number>;
  declare public readonly cpuNumber: pulumi.Output<number>;
  /** When the control plane's certificates expire (ISO 8601). */
  declare public readonly certificatesExpireAt: pulumi.Output<string>;
  declare public readonly stopped: pulumi.Output<boolean>;
  declare public readonly certificateRenewalDays: pulumi.Output<number>;
  /** Set while an upgrade is unfinished; the next `pulumi up` carries on. */
  /** Set while an offering or size change is unfinished; the next `pulumi up` runs it again. */
  declare public readonly interruptedOperation: pulumi.Output<string | undefined>;
  declare public readonly upgradeInProgress: pulumi.Output<{ version: string; versionId: string; fromVersion: string } | undefined>;
  declare public readonly memory: pulumi.Output<number>;
  /** Secret. */
  declare public readonly sshPrivateKey: pulumi.Output<string>;
  declare public readonly sshPublicKey: pulumi.Output<string>;
  /** Node name → pinned SSH host key fingerprint. */
  declare public readonly hostKeys: pulumi.Output<Record<string, string>>;
  declare public readonly keypairName: pulumi.Output<string>;
  declare public readonly clusterId: pulumi.Output<string>;
  // Inputs, read back by ClusterNode (sdk/clusterNode.ts).
  declare public readonly name: pulumi.Output<string>;
  declare public readonly zoneId: pulumi.Output<string>;
  declare public readonly kubernetesVersionId: pulumi.Output<string>;
  declare public readonly maxClusterSize: pulumi.Output<number | undefined>;
  declare public readonly externalLoadBalancerIpAddress: pulumi.Output<string | undefined>;
  /** The cluster's record in CloudStack's Kubernetes plugin (ExternalManaged, or registerInCloudStack). */
  declare public readonly cloudStackClusterId: pulumi.Output<string | undefined>;
  declare public readonly registeredInCloudStack: pulumi.Output<boolean>;

  constructor(name: string, args: KubernetesClusterArgs | ExternalManagedClusterArgs, opts?: pulumi.CustomResourceOptions) {
    const props = withSecretInputs(args, SECRET_INPUTS);
    for (const key of OUTPUTS) if (!(key in props)) props[key] = undefined;
    for (const key of ["controlNodes", "size", "etcdNodes"]) if (!(key in props)) props[key] = undefined;
    super(
      kubernetesClusterShim,
      name,
      props,
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS] },
      "cloudstack-kubernetes",
      "KubernetesCluster",
    );
  }
}
