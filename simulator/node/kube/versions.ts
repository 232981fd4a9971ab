// Kubernetes version arithmetic and the images kubeadm wants for a version.
import semver from "semver";

export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
}

/** "1.31.4", "v1.31.4" → parts; undefined when it is not MAJOR.MINOR.PATCH. */
export function parseKubeVersion(text: string): KubeVersion | undefined {
  const parsed = semver.parse(text.trim().replace(/^v/, ""));
  if (!parsed) return undefined;
  return { major: parsed.major, minor: parsed.minor, patch: parsed.patch };
}

export function formatVersion(v: KubeVersion): string {
  return `v${v.major}.${v.minor}.${v.patch}`;
}

/** Without the leading "v". */
export function plainVersion(v: KubeVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

export function compareVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Version of the installed stand-in binary: `# kubelet v1.31.4 (cloudstack-sim stand-in)`. */
export function standInVersion(content: string | undefined, tool: string): KubeVersion | undefined {
  if (!content) return undefined;
  const match = new RegExp(`#\\s*${tool}\\s+(v?\\d+\\.\\d+\\.\\d+)`).exec(content);
  return match?.[1] ? parseKubeVersion(match[1]) : undefined;
}

interface AddonVersions {
  pause: string;
  etcd: string;
  coredns: string;
}

// Per minor, what `kubeadm config images list` prints for the add-on images (latest patch of each line).
const ADDONS: Record<number, AddonVersions> = {
  27: { pause: "3.9", etcd: "3.5.12-0", coredns: "v1.10.1" },
  28: { pause: "3.9", etcd: "3.5.15-0", coredns: "v1.10.1" },
  29: { pause: "3.9", etcd: "3.5.16-0", coredns: "v1.11.1" },
  30: { pause: "3.9", etcd: "3.5.15-0", coredns: "v1.11.3" },
  31: { pause: "3.10", etcd: "3.5.15-0", coredns: "v1.11.3" },
  32: { pause: "3.10", etcd: "3.5.16-0", coredns: "v1.11.3" },
  33: { pause: "3.10", etcd: "3.5.21-0", coredns: "v1.12.0" },
  34: { pause: "3.10.1", etcd: "3.6.4-0", coredns: "v1.12.1" },
  35: { pause: "3.10.1", etcd: "3.6.5-0", coredns: "v1.13.1" },
};

function addonsFor(v: KubeVersion): AddonVersions {
  const known = Object.keys(ADDONS).map(Number).sort((a, b) => a - b);
  const minor = Math.min(Math.max(v.minor, known[0] ?? 27), known[known.length - 1] ?? 35);
  return ADDONS[minor] ?? { pause: "3.10", etcd: "3.5.15-0", coredns: "v1.11.3" };
}

/** `kubeadm config images list` for a version (registry.k8s.io). */
export function requiredImages(v: KubeVersion, repository = "registry.k8s.io"): string[] {
  const tag = formatVersion(v);
  const addons = addonsFor(v);
  return [
    `${repository}/kube-apiserver:${tag}`,
    `${repository}/kube-controller-manager:${tag}`,
    `${repository}/kube-scheduler:${tag}`,
    `${repository}/kube-proxy:${tag}`,
    `${repository}/coredns/coredns:${addons.coredns}`,
    `${repository}/pause:${addons.pause}`,
    `${repository}/etcd:${addons.etcd}`,
  ];
}

/** The etcd server version the stacked etcd of a version runs (for `etcdctl`-style answers). */
export function etcdVersionFor(v: KubeVersion): string {
  return addonsFor(v).etcd.replace(/-\d+$/, "");
}

export function corednsVersionFor(v: KubeVersion): string {
  return addonsFor(v).coredns;
}
