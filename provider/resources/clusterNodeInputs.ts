// ClusterNode inputs (issue 13): an existing VM joined to a KubernetesCluster as a worker. The cluster's
// facts (SSH key, public IP, network, nodes, version) come in as plain inputs taken from the cluster's
// outputs; the SDK maps `cluster: myCluster` onto them. check() is offline (DESIGN rule 7).
import { z } from "zod";
import * as semver from "semver";
import { connectionShape, CONNECTION_KEYS } from "./common/connection";
import { failure, zodFailures, type CheckFailure } from "./common/failures";
import type { DiffPlan } from "./common/diff";
import { isValidDuration } from "../cluster/duration";
import { NodeRecordSchema } from "../cluster/clusterState";
import { assertUpgrade, parseVersion } from "../kubernetes/versions";

export const DEFAULT_NODE_TIMEOUTS = { create: "30m", update: "30m", delete: "15m" } as const;

const duration = z.string().refine(isValidDuration, { error: 'must be a duration such as "45m", "1h30m" or "90s"' });

// Label keys and values as Kubernetes validates them (apimachinery validation IsQualifiedName,
// IsValidLabelValue), simplified to the character rules.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

export const TaintSchema = z
  .object({
    key: z.string().regex(LABEL_KEY, "must be a qualified name such as dedicated or example.com/gpu"),
    value: z.string().regex(LABEL_VALUE, "must be a label value (63 characters at most: letters, digits, '-', '_', '.')").optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], { error: "must be NoSchedule, PreferNoSchedule or NoExecute" }),
  })
  .strict();

export const ClusterNodeInputsSchema = z.object({
  ...connectionShape,
  // The cluster (its outputs).
  clusterId: z.string({ error: "is required: the cluster's clusterId output" }).min(1),
  clusterName: z.string().min(1).optional(),
  zoneId: z.string().min(1).optional(),
  networkId: z.string({ error: "is required: the cluster's networkId output" }).min(1),
  ipAddress: z.string().min(1).optional(),
  ipAddressId: z.string().min(1).optional(),
  externalLoadBalancerIpAddress: z.string().min(1).optional(),
  keypairName: z.string({ error: "is required: the cluster's keypairName output" }).min(1),
  sshPrivateKey: z.string({ error: "is required: the cluster's sshPrivateKey output (secret)" }).min(1),
  sshPublicKey: z.string({ error: "is required: the cluster's sshPublicKey output" }).min(1),
  clusterNodes: z.array(NodeRecordSchema.loose()).min(1, "must list the cluster's nodes (its nodes output)"),
  hostKeys: z.record(z.string(), z.string()).default({}),
  maxClusterSize: z.int().min(2).optional(),
  kubernetesVersionId: z.string({ error: "is required: the cluster's kubernetesVersionId (its ISO)" }).min(1),
  kubernetesVersion: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  domainId: z.string().min(1).optional(),
  projectId: z.string().min(1).optional(),
  // The node.
  virtualMachineId: z.string({ error: "is required: the id of the existing VM to add" }).min(1),
  nodeName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lower-case DNS name").max(63).optional(),
  manualUpgrade: z.boolean().default(false),
  labels: z.record(z.string().regex(LABEL_KEY, "must be a qualified label key"), z.string().regex(LABEL_VALUE, "must be a label value")).default({}),
  taints: z.array(TaintSchema).default([]),
  sshPort: z.int().min(1).max(65535).optional(),
  resetSshKey: z.boolean().default(false),
  loginUser: z.string().min(1).default("cloud"),
  timeouts: z.object({ create: duration.optional(), update: duration.optional(), delete: duration.optional() }).strict().optional(),
});
export type ClusterNodeInputs = z.infer<typeof ClusterNodeInputsSchema>;

/**
 * Moving to another cluster or VM is a new membership; labels, taints, the upgrade flag and the node's
 * version change in place. The cluster facts used only to reach it (its nodes list, which a refresh
 * extends with the external nodes themselves, host keys, key) are not desired state: no diff.
 */
export const CLUSTER_NODE_DIFF_PLAN: DiffPlan = {
  replacing: ["clusterId", "virtualMachineId", "nodeName", "networkId"],
  inPlace: ["labels", "taints", "manualUpgrade", "kubernetesVersionId", "kubernetesVersion", "timeouts", "resetSshKey", ...CONNECTION_KEYS],
  optionalComputed: [...CONNECTION_KEYS, "nodeName"],
  defaults: { labels: {}, taints: [], manualUpgrade: false, resetSshKey: false },
};

export function validateClusterNodeInputs(raw: unknown, olds?: Record<string, unknown>): { inputs?: ClusterNodeInputs; failures: CheckFailure[] } {
  const parsed = ClusterNodeInputsSchema.safeParse(raw);
  if (!parsed.success) return { failures: zodFailures(parsed.error) };
  const inputs = parsed.data;
  const out: CheckFailure[] = [];
  if (!inputs.clusterNodes.some((n) => n.role === "control")) {
    out.push(failure("clusterNodes", "lists no control node; pass the cluster's nodes output"));
  }
  const seen = new Set<string>();
  inputs.taints.forEach((t, i) => {
    const k = `${t.key}:${t.effect}`;
    if (seen.has(k)) out.push(failure(`taints[${i}]`, `taint ${k} is given twice; a node has one taint per key and effect`));
    seen.add(k);
  });
  if (inputs.kubernetesVersion !== undefined) {
    try {
      parseVersion(inputs.kubernetesVersion);
    } catch (err) {
      out.push(failure("kubernetesVersion", err instanceof Error ? err.message : String(err)));
    }
  }
  out.push(...upgradeRules(inputs, olds));
  return { inputs, failures: out };
}

/**
 * The node's own upgrade (manualUpgrade: true): the cluster's rules, one minor step at a time and never
 * down (cks-day2.md §1). With manualUpgrade: false the cluster's upgrade moves the node, so a version
 * change that follows the cluster is only recorded.
 */
export function upgradeRules(inputs: Pick<ClusterNodeInputs, "kubernetesVersion" | "manualUpgrade">, olds?: Record<string, unknown>): CheckFailure[] {
  const from = olds?.kubernetesVersion;
  const to = inputs.kubernetesVersion;
  if (typeof from !== "string" || to === undefined || from === to || !semver.valid(from) || !semver.valid(to)) return [];
  try {
    assertUpgrade(from, to);
    return [];
  } catch (err) {
    return [failure("kubernetesVersion", `cannot change ${from} → ${to}: ${err instanceof Error ? err.message : String(err)}`, ["manualUpgrade"])];
  }
}
