// Which certificates `upload-certs` puts into the kubeadm-certs Secret, and what a control-plane join
// then requires from it. Upstream: kubernetes/kubernetes cmd/kubeadm/app/phases/copycerts/copycerts.go
// (certsToTransfer, UploadCerts, DownloadCerts). The set depends on the etcd topology of the
// configuration kubeadm was run with: stacked etcd adds etcd/ca.crt and etcd/ca.key, external etcd adds
// the external etcd CA, client certificate and key instead. Without --config, `kubeadm init phase
// upload-certs` runs with kubeadm's defaults, i.e. stacked etcd.
import type { KubeCluster } from "./cluster";
import { phaseFailure } from "./failure";

export type EtcdMode = "stacked" | "external";

/** Secret keys (certOrKeyNameToSecretName: "/" becomes "-") common to both topologies. */
const COMMON = ["ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.pub", "sa.key"];
const STACKED = ["etcd-ca.crt", "etcd-ca.key"];
const EXTERNAL = ["external-etcd-ca.crt", "external-etcd.crt", "external-etcd.key"];

/** The Secret keys `upload-certs` writes for a configuration with this etcd topology. */
export function certsToTransfer(mode: EtcdMode): string[] {
  return [...COMMON, ...(mode === "stacked" ? STACKED : EXTERNAL)];
}

/** The kubeadm-certs Secret's data as uploaded: one (placeholder) encrypted blob per certificate. */
export function kubeadmCertsData(mode: EtcdMode): Record<string, string> {
  return Object.fromEntries(certsToTransfer(mode).map((k) => [k, Buffer.from(`encrypted ${k}`).toString("base64")]));
}

/**
 * DownloadCerts on a joining control-plane node: every certificate its configuration (the cluster's,
 * from the kubeadm-config ConfigMap) needs must be in the Secret, or the join fails.
 */
export function checkDownloadableCerts(cluster: KubeCluster, uploaded: readonly string[]): void {
  const have = new Set(uploaded);
  const missing = certsToTransfer(cluster.etcd.mode).find((k) => !have.has(k));
  if (missing === undefined) return;
  // The path kubeadm names is the one from its config: /etc/kubernetes/pki/<name>, or etcd.external's
  // caFile/certFile/keyFile (empty with plain-HTTP external etcd).
  const path = missing.startsWith("external-") ? "" : `/etc/kubernetes/pki/${missing.replace(/^etcd-/, "etcd/")}`;
  throw phaseFailure("control-plane-prepare/download-certs", `error downloading certs: the Secret does not include the required certificate or key - name: ${missing.replace(/^etcd-/, "etcd/")}, path: ${path}`);
}
