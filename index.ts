// pulumi-cloudstack-kubernetes: declarative Kubernetes clusters on Apache CloudStack.
// Resource classes for Pulumi programs, and the raw providers so they can be driven without an engine.
export * from "./sdk";
import { provider as kubernetesSupportedVersion } from "./provider/resources/kubernetesSupportedVersion";
import { provider as cniConfiguration } from "./provider/resources/cniConfiguration";
import { provider as kubernetesCluster } from "./provider/resources/kubernetesCluster";
import { provider as clusterNode } from "./provider/resources/clusterNode";

export const providers = { kubernetesSupportedVersion, cniConfiguration, kubernetesCluster, clusterNode };

// The CloudStack API client the providers use, for programs and scripts of their own.
export {
  CloudStackClient,
  CloudStackError,
  CloudStackConnectionError,
  CloudStackTimeoutError,
  CloudStackAbortError,
  isNotFound,
  type CloudStackClientOptions,
  type CommandParams,
  type ParamValue,
} from "./provider/cloudstack";

// Kubernetes version rules (strict MAJOR.MINOR.PATCH, upgrade steps, HA floor).
export {
  MIN_SUPPORTED_VERSION,
  HA_MIN_VERSION,
  parseVersion,
  supportsHa,
  checkUpgrade,
  assertUpgrade,
} from "./provider/kubernetes/versions";
