// What kube tools read off a simulated machine: installed binary versions, containerd state and
// imported images, the kubeconfigs kubeadm left behind, and the cluster they belong to.
import type { NodeMachine } from "../types";
import type { KubeCluster } from "./cluster";
import type { KubeToolsContext } from "./context";
import { resolveKubeconfig } from "./kubeconfig";
import { certificateFacts, discoveryHash } from "./pki";
import { standInVersion, type KubeVersion } from "./versions";

export const KUBELET_PATHS = ["/opt/bin/kubelet", "/usr/bin/kubelet", "/usr/local/bin/kubelet"];
export const ETCD_PATHS = ["/opt/bin/etcd", "/usr/bin/etcd", "/usr/local/bin/etcd"];

export function installedVersion(machine: NodeMachine, tool: string, paths: string[]): KubeVersion | undefined {
  for (const path of paths) {
    const content = machine.fs.read(path);
    if (content) return standInVersion(content.toString("utf8"), tool);
  }
  return undefined;
}

export function hasBinary(machine: NodeMachine, paths: string[]): boolean {
  return paths.some((p) => machine.fs.exists(p));
}

/** Images imported with `ctr images import` (node/machine keeps them in ext "containerd.images"). */
export function importedImages(machine: NodeMachine): Set<string> {
  const value = machine.ext.get("containerd.images");
  if (value instanceof Set) return new Set([...value].filter((v): v is string => typeof v === "string").map(normalizeImage));
  return new Set();
}

/** "docker.io/library/x:tag" and "x:tag" name the same image; registry.k8s.io stays as is. */
export function normalizeImage(ref: string): string {
  return ref.trim().replace(/^docker\.io\/library\//, "").replace(/^docker\.io\//, "");
}

/** An image counts as present when the exact reference, or (for add-ons whose tags vary by patch) the repository, was imported. */
export function imagePresent(images: Set<string>, ref: string, tagStrict: boolean): boolean {
  const wanted = normalizeImage(ref);
  if (images.has(wanted)) return true;
  if (tagStrict) return false;
  const repo = wanted.replace(/:[^:/]+$/, "");
  return [...images].some((i) => i.replace(/:[^:/]+$/, "") === repo);
}

export function containerdActive(machine: NodeMachine): boolean {
  return machine.services.get("containerd")?.active === "active";
}

/** The cluster and node name this machine's kubelet belongs to, read from /etc/kubernetes/kubelet.conf. */
export function kubeletIdentity(ctx: KubeToolsContext, machine: NodeMachine): { cluster: KubeCluster; nodeName: string } | undefined {
  const text = machine.fs.read("/etc/kubernetes/kubelet.conf")?.toString("utf8");
  if (!text) return undefined;
  try {
    const cfg = resolveKubeconfig(text, (p) => machine.fs.read(p)?.toString("utf8"));
    if (!cfg.caCertPem || !cfg.clientCertPem) return undefined;
    const cluster = ctx.registry.findByCaHash(discoveryHash(cfg.caCertPem));
    const cn = certificateFacts(cfg.clientCertPem).subjectCommonName;
    if (!cluster || !cn.startsWith("system:node:")) return undefined;
    return { cluster, nodeName: cn.slice("system:node:".length) };
  } catch {
    return undefined;
  }
}

/** The cluster whose CA this machine holds in /etc/kubernetes/pki/ca.crt (control-plane nodes). */
export function controlPlaneCluster(ctx: KubeToolsContext, machine: NodeMachine): KubeCluster | undefined {
  const ca = machine.fs.read("/etc/kubernetes/pki/ca.crt")?.toString("utf8");
  if (!ca) return undefined;
  try {
    return ctx.registry.findByCaHash(discoveryHash(ca));
  } catch {
    return undefined;
  }
}

/** Read a file with `user`'s permissions (owner bits for its owner, "other" bits for everyone else; root reads all). */
export function readAs(machine: NodeMachine, user: string, path: string): { data?: Buffer; denied: boolean } {
  const stat = machine.fs.stat(path);
  if (!stat || stat.type !== "file") return { denied: false };
  if (user !== "root") {
    const bits = stat.owner === user ? (stat.mode >> 6) & 7 : stat.mode & 7;
    if ((bits & 4) === 0) return { denied: true };
  }
  return { data: machine.fs.read(path), denied: false };
}
