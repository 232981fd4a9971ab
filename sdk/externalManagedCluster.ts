import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "./connection";

/**
 * A KubernetesCluster managed elsewhere (CKS 4.19 ExternalManaged): only recorded, in CloudStack's
 * Kubernetes plugin where the cloud has it. Nothing is provisioned; scale, upgrade, stop and start are refused.
 */
export interface ExternalManagedClusterArgs extends ConnectionArgs {
  clusterType: "ExternalManaged";
  name: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** The cluster's VMs and their roles (default worker). */
  virtualMachines?: pulumi.Input<pulumi.Input<{ id: pulumi.Input<string>; role?: pulumi.Input<"control" | "worker"> }>[]>;
  /** Its kubeconfig, if known (secret). */
  kubeconfig?: pulumi.Input<string>;
  networkId?: pulumi.Input<string>;
  keypair?: pulumi.Input<string>;
  kubernetesVersionId?: pulumi.Input<string>;
  serviceOfferingId?: pulumi.Input<string>;
  account?: pulumi.Input<string>;
  domainId?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
}
