import * as pulumi from "@pulumi/pulumi";
import { withSecretInputs, type ConnectionArgs } from "./connection";
import type { KubernetesCluster } from "./kubernetesCluster";
import { clusterNodeShim } from "./shims";
import { CLUSTER_NODE_SECRET_INPUTS, CLUSTER_NODE_SECRET_OUTPUTS } from "../provider/resources/schema/clusterNodeDocs";

export interface NodeTaintArgs {
  key: pulumi.Input<string>;
  value?: pulumi.Input<string>;
  effect: pulumi.Input<"NoSchedule" | "PreferNoSchedule" | "NoExecute">;
}

export interface ClusterNodeArgs extends ConnectionArgs {
  /** The cluster to join; its key, IP, network, nodes and version are taken from its outputs. */
  cluster: KubernetesCluster;
  /** An existing VM on the cluster's network, deployed with `keypair: cluster.keypairName` (or see resetSshKey). */
  virtualMachineId: pulumi.Input<string>;
  /** The Kubernetes node name; the VM's name when absent. */
  nodeName?: pulumi.Input<string>;
  /** true: the cluster's upgrades skip this node; it upgrades when kubernetesVersionId/kubernetesVersion change. Default false. */
  manualUpgrade?: pulumi.Input<boolean>;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  taints?: pulumi.Input<pulumi.Input<NodeTaintArgs>[]>;
  /** The public SSH port on the cluster's IP; the next free one above the cluster's range when absent. */
  sshPort?: pulumi.Input<number>;
  /** Reset the VM's SSH key to the cluster's keypair: this STOPS AND STARTS the VM. Default false. */
  resetSshKey?: pulumi.Input<boolean>;
  /** The template's login user (default "cloud"). */
  loginUser?: pulumi.Input<string>;
  /** The node's version (ISO id); the cluster's when absent. Required with manualUpgrade: true (the node upgrades when it changes). */
  kubernetesVersionId?: pulumi.Input<string>;
  /** The semantic version of kubernetesVersionId; the cluster's when absent. */
  kubernetesVersion?: pulumi.Input<string>;
  /** Durations such as "20m" (defaults create 30m, update 30m, delete 15m). */
  timeouts?: pulumi.Input<{ create?: pulumi.Input<string>; update?: pulumi.Input<string>; delete?: pulumi.Input<string> }>;
}

const OUTPUTS = ["state", "stateReason", "nodeName", "privateIp", "sshPort", "hostKey", "kubeletVersion", "kubernetesVersion", "keyReset", "vmState"] as const;

/** An existing VM joined to a KubernetesCluster as a worker; delete takes it out again and keeps the VM. */
export class ClusterNode extends pulumi.dynamic.Resource {
  declare public readonly state: pulumi.Output<"Ready" | "Error">;
  declare public readonly stateReason: pulumi.Output<string | undefined>;
  declare public readonly nodeName: pulumi.Output<string>;
  declare public readonly privateIp: pulumi.Output<string>;
  declare public readonly sshPort: pulumi.Output<number>;
  declare public readonly kubeletVersion: pulumi.Output<string | undefined>;
  declare public readonly kubernetesVersion: pulumi.Output<string>;
  declare public readonly keyReset: pulumi.Output<boolean>;
  declare public readonly virtualMachineId: pulumi.Output<string>;

  constructor(name: string, args: ClusterNodeArgs, opts?: pulumi.CustomResourceOptions) {
    const { cluster, ...own } = args;
    // Following the cluster's version would upgrade a manual node in the same `pulumi up` as the cluster.
    if (own.manualUpgrade === true && own.kubernetesVersionId === undefined) {
      throw new Error(`ClusterNode ${name}: with manualUpgrade: true, set kubernetesVersionId (and kubernetesVersion) to the version the node runs; change them to upgrade it`);
    }
    const props: Record<string, unknown> = withSecretInputs(
      {
        ...own,
        clusterId: cluster.clusterId,
        clusterName: cluster.name,
        zoneId: cluster.zoneId,
        networkId: cluster.networkId,
        ipAddress: cluster.ipAddress,
        ipAddressId: cluster.ipAddressId,
        keypairName: cluster.keypairName,
        sshPrivateKey: cluster.sshPrivateKey,
        sshPublicKey: cluster.sshPublicKey,
        clusterNodes: cluster.nodes,
        hostKeys: cluster.hostKeys,
        maxClusterSize: cluster.maxClusterSize,
        externalLoadBalancerIpAddress: cluster.externalLoadBalancerIpAddress,
        kubernetesVersionId: own.kubernetesVersionId ?? cluster.kubernetesVersionId,
        kubernetesVersion: own.kubernetesVersion ?? cluster.kubernetesVersion,
      },
      CLUSTER_NODE_SECRET_INPUTS,
    );
    for (const key of OUTPUTS) if (!(key in props)) props[key] = undefined;
    super(
      clusterNodeShim,
      name,
      props,
      // The cluster goes after its nodes on delete: the dependency is explicit as well as through the inputs.
      { ...opts, dependsOn: [cluster, ...toArray(opts?.dependsOn)], additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...CLUSTER_NODE_SECRET_OUTPUTS] },
      "cloudstack-kubernetes",
      "ClusterNode",
    );
  }
}

function toArray(deps: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (deps === undefined) return [];
  return Array.isArray(deps) ? deps : [deps as pulumi.Input<pulumi.Resource>];
}
