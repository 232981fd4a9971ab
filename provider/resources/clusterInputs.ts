// KubernetesCluster inputs: the zod schema (types and defaults) and the offline CKS rules
// (reference/cks-behaviour.md §5.2). Every failure names the property path and the fix.
import * as net from "net";
import { z } from "zod";
import { connectionShape } from "./common/connection";
import { failure, zodFailures, type CheckFailure } from "./common/failures";
import { isValidDuration } from "../cluster/duration";
import { sanitiseClusterName } from "../cluster/names";
import { parseVersion, MIN_SUPPORTED_VERSION, HA_MIN_VERSION, supportsHa, assertUpgrade } from "../kubernetes/versions";
import * as semver from "semver";
import { stoppedClusterRules } from "./clusterStoppedRules";
import { placementRules, placementShape } from "./placementInputs";

/** cloud.kubernetes.cluster.max.size default (control + workers). */
export const DEFAULT_MAX_CLUSTER_SIZE = 10;
export const MIN_ROOT_DISK_GB = 8;
export const DEFAULT_TIMEOUTS = { create: "60m", update: "60m", delete: "30m" } as const;

const perRole = z
  .object({ control: z.string().min(1).optional(), worker: z.string().min(1).optional(), etcd: z.string().min(1).optional() })
  .strict();

const duration = z.string().refine(isValidDuration, { error: 'must be a duration such as "45m", "1h30m" or "90s"' });

export const ClusterInputsSchema = z.object({
  ...connectionShape,
  name: z.string({ error: "is required: the cluster name" }).min(1, "is required: the cluster name"),
  description: z.string().optional(),
  zoneId: z.string({ error: "is required: the zone to deploy into" }).min(1),
  kubernetesVersionId: z.string({ error: "is required: the KubernetesSupportedVersion id" }).min(1),
  kubernetesVersion: z.string().optional(),
  serviceOfferingId: z.string().min(1).optional(),
  size: z.int("must be a whole number").min(1, "must be at least 1 worker").default(1),
  controlNodes: z.int("must be a whole number").min(1, "must be at least 1 control node").default(1),
  etcdNodes: z.int("must be a whole number").min(0, "cannot be negative").default(0),
  maxClusterSize: z.int("must be a whole number").min(2).optional(),
  networkId: z.string().min(1).optional(),
  keypair: z.string().min(1).optional(),
  nodeRootDiskSize: z.int("must be a whole number of GB").min(MIN_ROOT_DISK_GB, `must be at least ${MIN_ROOT_DISK_GB} GB`).default(MIN_ROOT_DISK_GB),
  externalLoadBalancerIpAddress: z.string().optional(),
  privateRegistry: z
    .object({ url: z.string().optional(), username: z.string().optional(), password: z.string().optional(), email: z.string().optional() })
    .strict()
    .optional(),
  hypervisor: z.string().min(1).optional(),
  ...placementShape,
  nodeOfferings: perRole.optional(),
  nodeTemplates: perRole.optional(),
  templateId: z.string().min(1).optional(),
  asNumber: z.int("must be a whole number").min(1).optional(),
  cniConfigurationId: z.string().min(1).optional(),
  cniConfigDetails: z.record(z.string(), z.string()).optional(),
  account: z.string().min(1).optional(),
  domainId: z.string().min(1).optional(),
  projectId: z.string().min(1).optional(),
  timeouts: z.object({ create: duration.optional(), update: duration.optional(), delete: duration.optional() }).strict().optional(),
  // Issue 13 (provider/resources/externalManaged.ts): ExternalManaged clusters never reach this schema;
  // their inputs are listed here for schema.json, and refused on CloudManaged clusters by clusterRules.
  clusterType: z.enum(["CloudManaged", "ExternalManaged"]).optional(),
  registerInCloudStack: z.boolean().optional(),
  virtualMachines: z.array(z.object({ id: z.string().min(1), role: z.enum(["control", "worker"]).default("worker") }).strict()).optional(),
  kubeconfig: z.string().min(1).optional(),
  /** How rolling changes (upgrades, offering changes) take nodes out of service (upgrade/policy.ts). */
  upgrade: z
    .object({
      maxUnavailable: z.union([z.int("must be a whole number ≥ 1 or a percentage such as \"25%\"").min(1, "must be at least 1"), z.string().regex(/^(100|[1-9]\d?)%$/, 'must be a percentage from "1%" to "100%", or a whole number ≥ 1')]).optional(),
      drainTimeout: duration.optional(),
      force: z.boolean().optional(),
      nodeReadyTimeout: duration.optional(),
    })
    .strict()
    .optional(),
  /** true stops every VM (workers, control, etcd); false starts them again (operations/stop.ts, start.ts). */
  stopped: z.boolean().default(false),
  /** `pulumi up` renews the control plane's certificates when they expire within this many days (operations/renewCertificates.ts). */
  certificateRenewalDays: z.int("must be a whole number of days").min(1, "must be at least 1 day").default(30),
});

export type ClusterInputs = z.infer<typeof ClusterInputsSchema>;

/** The offering for each node type: nodeOfferings[type] wins over serviceOfferingId (CKS §5.2). */
export function offeringFor(inputs: Pick<ClusterInputs, "nodeOfferings" | "serviceOfferingId">, role: "control" | "worker" | "etcd"): string | undefined {
  return inputs.nodeOfferings?.[role] ?? inputs.serviceOfferingId;
}

export function rolesInUse(inputs: Pick<ClusterInputs, "etcdNodes">): ("control" | "worker" | "etcd")[] {
  return inputs.etcdNodes > 0 ? ["control", "worker", "etcd"] : ["control", "worker"];
}

/** Parses inputs (already without unknowns) and applies every offline rule; `olds` enables the upgrade rule. */
export function validateClusterInputs(
  raw: unknown,
  olds?: Record<string, unknown>,
): { inputs?: ClusterInputs; failures: CheckFailure[] } {
  const parsed = ClusterInputsSchema.safeParse(raw);
  if (!parsed.success) return { failures: zodFailures(parsed.error) };
  const inputs = parsed.data;
  return { inputs, failures: clusterRules(inputs, olds) };
}

export function clusterRules(inputs: ClusterInputs, olds?: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  if (sanitiseClusterName(inputs.name) === "") {
    out.push(failure("name", `"${inputs.name}" has no letters or digits, so no DNS-compatible node names can be made from it; use e.g. "prod-k8s"`));
  }
  const maxSize = inputs.maxClusterSize ?? DEFAULT_MAX_CLUSTER_SIZE;
  if (inputs.controlNodes + inputs.size > maxSize) {
    out.push(
      failure(
        "size",
        `controlNodes + size = ${inputs.controlNodes + inputs.size} exceeds the maximum cluster size ${maxSize} (cloud.kubernetes.cluster.max.size); reduce size or controlNodes, or raise maxClusterSize if your cloud allows more`,
        ["controlNodes", "maxClusterSize"],
      ),
    );
  }
  for (const role of rolesInUse(inputs)) {
    if (!offeringFor(inputs, role)) {
      out.push(
        failure(inputs.nodeOfferings ? `nodeOfferings.${role}` : "serviceOfferingId", `no service offering for ${role} nodes: set serviceOfferingId, or nodeOfferings.${role}`, [
          "serviceOfferingId",
          "nodeOfferings",
          "etcdNodes",
        ]),
      );
    }
  }
  const registry = inputs.privateRegistry;
  if (registry) {
    const present = (["url", "username", "password"] as const).filter((k) => registry[k] !== undefined && registry[k] !== "");
    if (present.length > 0 && present.length < 3) {
      const missing = (["url", "username", "password"] as const).filter((k) => !present.includes(k));
      out.push(failure(`privateRegistry.${missing[0]}`, `privateRegistry needs url, username and password together (missing: ${missing.join(", ")}); set all three or remove privateRegistry`, ["privateRegistry"]));
    }
    if (registry.url && !isValidRegistryUrl(registry.url)) {
      out.push(failure("privateRegistry.url", `"${registry.url}" is not a valid registry URL; use e.g. "https://registry.example.com:5000" or "registry.example.com"`));
    }
  }
  if (inputs.externalLoadBalancerIpAddress !== undefined) {
    if (net.isIP(inputs.externalLoadBalancerIpAddress) === 0) {
      out.push(failure("externalLoadBalancerIpAddress", `"${inputs.externalLoadBalancerIpAddress}" is not a valid IPv4 or IPv6 address`));
    } else if (inputs.externalLoadBalancerIpAddress.includes("%")) {
      // net.isIP accepts an IPv6 zone ("fe80::1%eth0"), but a zone is local to one host: it cannot be
      // the cluster's endpoint in certificates and kubeconfigs (found by the fuzzed check, issue 14).
      out.push(failure("externalLoadBalancerIpAddress", `"${inputs.externalLoadBalancerIpAddress}" carries an IPv6 zone (%...), which only means something on one host; give the load balancer's address without it`));
    }
    if (!inputs.networkId) {
      out.push(failure("networkId", "externalLoadBalancerIpAddress requires networkId of a Shared network (CKS); set networkId or remove externalLoadBalancerIpAddress", ["externalLoadBalancerIpAddress"]));
    }
  }
  out.push(...placementRules(inputs));
  if (inputs.cniConfigDetails && Object.keys(inputs.cniConfigDetails).length > 0 && !inputs.cniConfigurationId) {
    out.push(failure("cniConfigDetails", "cniConfigDetails is only used with a CNI configuration: set cniConfigurationId or remove cniConfigDetails", ["cniConfigurationId"]));
  }
  for (const key of ["virtualMachines", "kubeconfig"] as const) if (inputs[key] !== undefined) out.push(failure(key, `is only for clusterType "ExternalManaged" (a CloudManaged cluster's VMs and kubeconfig are its own); remove ${key}`, ["clusterType"]));
  if (inputs.kubernetesVersion !== undefined) out.push(...versionRules(inputs.kubernetesVersion, inputs.controlNodes, olds));
  out.push(...stoppedClusterRules(inputs, olds));
  return out;
}

/** HA floor, minimum supported version and the upgrade step; also run by create's validate phase when the version is learnt from the cloud. */
export function versionRules(version: string, controlNodes: number, olds?: Record<string, unknown>): CheckFailure[] {
  const out: CheckFailure[] = [];
  try {
    parseVersion(version);
  } catch (err) {
    return [failure("kubernetesVersion", errorMessage(err))];
  }
  if (semver.lt(version, MIN_SUPPORTED_VERSION)) {
    out.push(failure("kubernetesVersion", `${version} is below the minimum supported version ${MIN_SUPPORTED_VERSION}; choose a KubernetesSupportedVersion ≥ ${MIN_SUPPORTED_VERSION}`));
  }
  if (controlNodes > 1 && !supportsHa(version)) {
    out.push(failure("controlNodes", `${controlNodes} control nodes (HA) need Kubernetes ≥ ${HA_MIN_VERSION}, but the version is ${version}; use controlNodes: 1 or a newer version`, ["kubernetesVersion"]));
  }
  const oldVersion = olds?.kubernetesVersion;
  if (typeof oldVersion === "string" && oldVersion !== version) {
    try {
      parseVersion(oldVersion);
      assertUpgrade(oldVersion, version);
    } catch (err) {
      out.push(failure("kubernetesVersion", `cannot change ${oldVersion} → ${version}: ${errorMessage(err)}`));
    }
  }
  return out;
}

function isValidRegistryUrl(url: string): boolean {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  try {
    const parsed = new URL(withScheme);
    return (parsed.protocol === "https:" || parsed.protocol === "http:") && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
