// KubernetesCluster diff: which input changes replace the cluster and which are applied in place.
// No network calls (DESIGN rule 7).
import { classify, type DiffPlan, type DiffResult } from "./common/diff";
import { CONNECTION_KEYS } from "./common/connection";

export const CLUSTER_REPLACING_INPUTS = [
  "name",
  "zoneId",
  "networkId",
  "controlNodes",
  "etcdNodes",
  "keypair",
  "nodeRootDiskSize",
  "externalLoadBalancerIpAddress",
  "privateRegistry",
  "hypervisor",
  // Placement: a VM's network and affinity groups are fixed while it runs (updateVMAffinityGroup needs
  // a stopped VM), so a change recreates the cluster rather than half-applying.
  "vpcId",
  "vpcTierCidr",
  "affinityGroupIds",
  "nodeAffinityGroups",
  "controlNodeAntiAffinity",
  "nodeTemplates",
  "templateId",
  "asNumber",
  "cniConfigurationId",
  "cniConfigDetails",
  "account",
  "domainId",
  "projectId",
] as const;

/** A change of these moves the nodes onto new offerings in place (operations/offering.ts). */
export const CLUSTER_OFFERING_INPUTS = ["serviceOfferingId", "nodeOfferings"] as const;

/** A change of these upgrades the cluster in place (operations/upgrade.ts). */
export const CLUSTER_UPGRADE_INPUTS = ["kubernetesVersionId", "kubernetesVersion"] as const;

export const CLUSTER_IN_PLACE_INPUTS = ["description", "timeouts", "maxClusterSize", "size", "upgrade", "stopped", "certificateRenewalDays", "registerInCloudStack", ...CONNECTION_KEYS, ...CLUSTER_UPGRADE_INPUTS, ...CLUSTER_OFFERING_INPUTS] as const;

export const CLUSTER_DIFF_PLAN: DiffPlan = {
  replacing: CLUSTER_REPLACING_INPUTS,
  inPlace: CLUSTER_IN_PLACE_INPUTS,
  // Optional inputs whose output is filled in when absent (the created network, the version's
  // semantic version, credentials from the environment): leaving them out is not a change.
  optionalComputed: ["networkId", "vpcId", "kubernetesVersion", ...CONNECTION_KEYS],
  defaults: { size: 1, controlNodes: 1, etcdNodes: 0, nodeRootDiskSize: 8, stopped: false, certificateRenewalDays: 30, controlNodeAntiAffinity: false },
};

export function diffCluster(olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult & { changed: string[] } {
  const { changed, replaces } = classify(CLUSTER_DIFF_PLAN, olds, news);
  return { changes: changed.length > 0, replaces, changed, deleteBeforeReplace: false };
}
