// Our tags (DESIGN rule 3): every resource we create carries them; they are the source of truth for
// resume, read, delete, leak checks and "in use" checks.
import type { CloudApi } from "./cloudApi";
import { parseList, TagSchema, type Tag } from "./entities";

export const TAG_PREFIX = "cks.cloudstack.io/";
export const TAG = {
  managedBy: `${TAG_PREFIX}managed-by`,
  kind: `${TAG_PREFIX}kind`,
  clusterId: `${TAG_PREFIX}cluster-id`,
  clusterName: `${TAG_PREFIX}cluster-name`,
  role: `${TAG_PREFIX}role`,
  index: `${TAG_PREFIX}index`,
  versionId: `${TAG_PREFIX}version-id`,
  cniId: `${TAG_PREFIX}cni-id`,
  semanticVersion: `${TAG_PREFIX}semantic-version`,
  state: `${TAG_PREFIX}state`,
  minCpu: `${TAG_PREFIX}min-cpu`,
  minMemory: `${TAG_PREFIX}min-memory`,
  // On a VM that a ClusterNode joined to a cluster (issue 13): the cluster's id, whether the cluster's
  // upgrades skip it, the SSH port that reaches it through the cluster's public IP (22 on direct-access
  // networks) and its Kubernetes node name. The cluster's upgrade and read find external nodes by these.
  externalNodeOf: `${TAG_PREFIX}external-node-of`,
  manualUpgrade: `${TAG_PREFIX}manual-upgrade`,
  sshPort: `${TAG_PREFIX}ssh-port`,
  nodeName: `${TAG_PREFIX}node-name`,
  // While a create runs: the hash of the cluster's identity, so a create that died is found again (abandoned.ts).
  createToken: `${TAG_PREFIX}create-token`,
} as const;

export const MANAGED_BY = "pulumi-cloudstack-kubernetes";

/** CloudStack resource types for createTags / listTags. */
export type TaggableType = "UserVm" | "ISO" | "Network" | "PublicIpAddress" | "FirewallRule" | "PortForwardingRule" | "LoadBalancer" | "UserData" | "NetworkACL";

export async function createTags(api: CloudApi, resourceType: TaggableType, ids: readonly string[], tags: Record<string, string>): Promise<void> {
  if (ids.length === 0) return;
  await api.request("createTags", { resourcetype: resourceType, resourceids: ids, tags });
}

export async function deleteTags(api: CloudApi, resourceType: TaggableType, ids: readonly string[], tags: Record<string, string>): Promise<void> {
  if (ids.length === 0) return;
  await api.request("deleteTags", { resourcetype: resourceType, resourceids: ids, tags });
}

export async function listTags(api: CloudApi, filter: { resourcetype?: TaggableType; resourceid?: string; key?: string; value?: string }): Promise<Tag[]> {
  const items = await api.listAll("listTags", { ...filter, listall: true }, "tag");
  return parseList(TagSchema, items, "listTags");
}

/** Ids of resources of a type that carry `key=value`. */
export async function taggedResourceIds(api: CloudApi, resourceType: TaggableType, key: string, value: string): Promise<string[]> {
  const found = await listTags(api, { resourcetype: resourceType, key, value });
  const ids = found.filter((t) => t.key === key && t.value === value && t.resourceid).map((t) => t.resourceid as string);
  return [...new Set(ids)];
}

/** The tags every resource of a cluster carries. */
export function clusterTags(clusterId: string, clusterName: string, role: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [TAG.managedBy]: MANAGED_BY, [TAG.clusterId]: clusterId, [TAG.clusterName]: clusterName, [TAG.role]: role, ...extra };
}

/** Tag filter for list commands (OR-ed by CloudStack when several are given, so we pass one). */
export function clusterTagFilter(clusterId: string): Record<string, string> {
  return { [TAG.clusterId]: clusterId };
}

/** A resource belongs to the cluster when it carries our cluster-id tag. */
export function ownedBy(clusterId: string, tags: readonly Tag[]): boolean {
  return tags.some((t) => t.key === TAG.clusterId && t.value === clusterId);
}
