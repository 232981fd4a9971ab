// Node naming, following CKS §3.5 (sanitised, DNS-safe prefix) but deterministic: CKS appends the
// creation time in hex, we append a role and an index so that a re-run finds the same names again.

const DNS_LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;
/** CKS caps the node name prefix at 43 characters. */
const MAX_PREFIX = 43;

export type NodeRole = "control" | "worker" | "etcd";

/**
 * The cluster part of every node name: the name itself when it is already a DNS label, otherwise the
 * name with every non [A-Za-z0-9-] character removed and "k8s-" prepended (as CKS does). Lower case,
 * at most 43 characters, no trailing dash. Returns "" when nothing usable is left.
 */
export function sanitiseClusterName(name: string): string {
  let prefix: string;
  if (DNS_LABEL_RE.test(name) && name.length <= 63) {
    prefix = name;
  } else {
    const stripped = name.replace(/[^a-zA-Z0-9-]/g, "").replace(/^-+/, "");
    if (stripped.length === 0) return "";
    prefix = `k8s-${stripped}`;
  }
  return prefix.toLowerCase().slice(0, MAX_PREFIX).replace(/-+$/, "");
}

/** `<sanitised name>-<6 hex chars of the cluster id>`: unique per cluster, stable across re-runs. */
export function nodePrefix(name: string, clusterId: string): string {
  const hex = clusterId.replace(/[^0-9a-f]/gi, "").toLowerCase().slice(0, 6);
  return `${sanitiseClusterName(name)}-${hex}`;
}

export function nodeName(prefix: string, role: NodeRole, index: number): string {
  return `${prefix}-${role}-${index}`;
}

/** The CloudStack keypair we register for the cluster key. */
export function clusterKeypairName(prefix: string): string {
  return `cks-${prefix}`;
}

export function clusterNetworkName(name: string): string {
  return `${name}-network`;
}
