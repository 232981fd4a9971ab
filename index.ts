// pulumi-cloudstack-kubernetes: declarative Kubernetes clusters on Apache CloudStack.
// Resource classes for Pulumi programs, and the raw providers so they can be driven without an engine.
export * from "./sdk";
import { provider as kubernetesSupportedVersion } from "./provider/resources/kubernetesSupportedVersion";
import { provider as cniConfiguration } from "./provider/resources/cniConfiguration";
import { provider as kubernetesCluster } from "./provider/resources/kubernetesCluster";

export const providers = { kubernetesSupportedVersion, cniConfiguration, kubernetesCluster };
