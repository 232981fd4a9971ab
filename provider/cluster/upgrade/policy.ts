// Pure rules of a rolling change (upgrade or offering change): how many workers go at once, and what
// Kubernetes' version-skew policy allows while nodes are at different versions. No I/O.
import { parseVersion } from "../../kubernetes/versions";

/** The `upgrade` input: how workers are rolled (the same for upgrades and offering changes). */
export interface RollingSettings {
  /** Workers out of service at once: a count (≥ 1) or a percentage of the workers ("25%"), at least 1. */
  maxUnavailable: number | string;
  /** How long a drain may wait on PodDisruptionBudgets before the node fails (or, with force, pods are deleted). */
  drainTimeout: string;
  /** After drainTimeout, delete the pods a budget still protects (and pods no controller manages). */
  force: boolean;
  /** How long a node may take to be Ready again after its kubelet restarted; then the operation fails on it. */
  nodeReadyTimeout: string;
}

export const DEFAULT_ROLLING: RollingSettings = { maxUnavailable: 1, drainTimeout: "5m", force: false, nodeReadyTimeout: "10m" };

/** The batch size for `workers` workers: a percentage rounds down (as Kubernetes' maxUnavailable does), never below 1. */
export function batchSize(maxUnavailable: number | string, workers: number): number {
  if (typeof maxUnavailable === "number") return Math.max(1, Math.min(maxUnavailable, Math.max(1, workers)));
  const pct = Number(maxUnavailable.replace("%", ""));
  return Math.max(1, Math.floor((workers * pct) / 100));
}

/** Splits `items` into consecutive batches of `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function minorOf(version: string): { major: number; minor: number } {
  const v = parseVersion(version);
  return { major: v.major, minor: v.minor };
}

/**
 * Kubernetes' version-skew policy (kubernetes/website content/en/releases/version-skew-policy.md) for a
 * cluster mid-upgrade: the kube-apiservers within one minor of each other, and no kubelet newer than the
 * oldest apiserver. Returns the violations, each naming the nodes.
 */
export function skewViolations(apiservers: Record<string, string>, kubelets: Record<string, string>): string[] {
  const out: string[] = [];
  const api = Object.entries(apiservers);
  if (api.length === 0) return out;
  const oldest = api.reduce((a, b) => (compare(a[1], b[1]) <= 0 ? a : b));
  const newest = api.reduce((a, b) => (compare(a[1], b[1]) >= 0 ? a : b));
  const o = minorOf(oldest[1]);
  const n = minorOf(newest[1]);
  if (o.major !== n.major || n.minor - o.minor > 1) out.push(`kube-apiserver on ${newest[0]} (${newest[1]}) and on ${oldest[0]} (${oldest[1]}) are more than one minor apart`);
  for (const [node, version] of Object.entries(kubelets)) {
    if (compare(version, oldest[1]) > 0 && minorOf(version).minor > o.minor) out.push(`the kubelet on ${node} (${version}) is newer than kube-apiserver on ${oldest[0]} (${oldest[1]})`);
  }
  return out;
}

function compare(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}
