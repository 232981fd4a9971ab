// When the control plane's certificates expire: the earliest notAfter among the leaf certificates
// kubeadm issues on every control node (1 year from issue; kubeadm certs check-expiration lists the same
// ones). Recorded after create and after every upgrade (kubeadm upgrade renews them), read from the files
// themselves so the value is the certificates', not a guess from when we ran kubeadm.
import { X509Certificate } from "crypto";
import * as cmd from "../../kubernetes/commands";
import { adminIdentity } from "../../kubernetes/kubeconfig";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { onNode } from "./bootstrap";

/** Leaf certificates present on every kubeadm control node, stacked or external etcd alike. */
export const CONTROL_PLANE_CERTS = ["apiserver.crt", "apiserver-kubelet-client.crt", "front-proxy-client.crt"].map((f) => `/etc/kubernetes/pki/${f}`);

/** Every PEM certificate in `text`, in order. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/** The earliest notAfter of the certificates in `pems` (undefined for none). */
export function earliestExpiry(pems: readonly string[]): Date | undefined {
  let min: Date | undefined;
  for (const pem of pems) {
    const at = new Date(new X509Certificate(pem).validTo);
    if (!min || at < min) min = at;
  }
  return min;
}

/** The earliest expiry among one control node's certificates, its admin.conf client certificate included. */
export async function nodeCertificateExpiry(ctx: ClusterContext, node: NodeRecord): Promise<Date | undefined> {
  const files = (await ctx.run(node, cmd.nodeCommand(["cat", ...CONTROL_PLANE_CERTS], { sudo: true }))).stdout;
  const admin = adminIdentity((await ctx.run(node, cmd.catAdminConf())).stdout).certPem;
  return earliestExpiry([...pemCertificates(files), admin]);
}

export async function recordCertificateExpiry(ctx: ClusterContext): Promise<void> {
  let min: Date | undefined;
  for (const node of ctx.nodesOf("control")) {
    const at = await onNode("certificates", node, () => nodeCertificateExpiry(ctx, node));
    if (at && (!min || at < min)) min = at;
  }
  if (min) {
    ctx.state.certificatesExpireAt = min.toISOString();
    ctx.progress.line("certificates", `control-plane certificates expire at ${ctx.state.certificatesExpireAt}`);
  }
}
