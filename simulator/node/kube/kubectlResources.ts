// The resource types kubectl understands here: names, aliases, API version, kind and scope.
export interface ResourceType {
  plural: string;
  singular: string;
  aliases: string[];
  apiVersion: string;
  kind: string;
  namespaced: boolean;
}

export const RESOURCE_TYPES: ResourceType[] = [
  { plural: "nodes", singular: "node", aliases: ["no"], apiVersion: "v1", kind: "Node", namespaced: false },
  { plural: "pods", singular: "pod", aliases: ["po"], apiVersion: "v1", kind: "Pod", namespaced: true },
  { plural: "namespaces", singular: "namespace", aliases: ["ns"], apiVersion: "v1", kind: "Namespace", namespaced: false },
  { plural: "configmaps", singular: "configmap", aliases: ["cm"], apiVersion: "v1", kind: "ConfigMap", namespaced: true },
  { plural: "secrets", singular: "secret", aliases: [], apiVersion: "v1", kind: "Secret", namespaced: true },
  { plural: "services", singular: "service", aliases: ["svc"], apiVersion: "v1", kind: "Service", namespaced: true },
  { plural: "serviceaccounts", singular: "serviceaccount", aliases: ["sa"], apiVersion: "v1", kind: "ServiceAccount", namespaced: true },
  { plural: "daemonsets", singular: "daemonset", aliases: ["ds"], apiVersion: "apps/v1", kind: "DaemonSet", namespaced: true },
  { plural: "deployments", singular: "deployment", aliases: ["deploy"], apiVersion: "apps/v1", kind: "Deployment", namespaced: true },
  { plural: "poddisruptionbudgets", singular: "poddisruptionbudget", aliases: ["pdb"], apiVersion: "policy/v1", kind: "PodDisruptionBudget", namespaced: true },
];

/** Kinds that are not namespaced, for objects applied from manifests. */
const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "Node",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PersistentVolume",
  "PriorityClass",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "CSIDriver",
  "IngressClass",
  "RuntimeClass",
  "PodSecurityPolicy",
  "VolumeSnapshotClass",
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** English plural of a kind's lower-case name, as the API server's RESTMapper guesses it. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** A built-in type, or one first seen in applied manifests (`extra`, keyed by plural). */
export function findResourceType(name: string, extra?: Map<string, { apiVersion: string; kind: string; namespaced: boolean }>): ResourceType | undefined {
  const lower = name.toLowerCase();
  const builtin = RESOURCE_TYPES.find((r) => r.plural === lower || r.singular === lower || r.aliases.includes(lower) || `${r.plural}.apps` === lower);
  if (builtin || !extra) return builtin;
  for (const [plural, t] of extra) {
    const group = t.apiVersion.includes("/") ? t.apiVersion.split("/")[0] : "";
    const singular = t.kind.toLowerCase();
    if ([plural, singular, `${plural}.${group}`, `${singular}.${group}`].includes(lower)) return { plural, singular, aliases: [], ...t };
  }
  return undefined;
}

/** "daemonset.apps", "namespace", "clusterrole.rbac.authorization.k8s.io": how kubectl names a kind in messages. */
export function qualifiedKind(apiVersion: string, kind: string): string {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  return group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
}
