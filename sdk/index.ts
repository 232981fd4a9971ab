// What users import: the resource classes and their argument types.
export { KubernetesSupportedVersion, type KubernetesSupportedVersionArgs } from "./kubernetesSupportedVersion";
export { CniConfiguration, type CniConfigurationArgs } from "./cniConfiguration";
export { KubernetesCluster, type KubernetesClusterArgs, type ClusterNodeInfo, type PerNodeType, type PrivateRegistryArgs } from "./kubernetesCluster";
export type { ExternalManagedClusterArgs } from "./externalManagedCluster";
export { ClusterNode, type ClusterNodeArgs, type NodeTaintArgs } from "./clusterNode";
export type { ConnectionArgs } from "./connection";
export { kubernetesClusterShim, kubernetesSupportedVersionShim, cniConfigurationShim, clusterNodeShim } from "./shims";
