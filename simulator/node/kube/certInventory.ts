// The certificates kubeadm's renewal manager knows on a control-plane node, in its order (sorted by
// name), with their long names, CAs and files; and their renewal with the local CA at simulated time.
//
// Upstream: kubernetes/kubernetes cmd/kubeadm/app/phases/certs/renewal/manager.go (NewManager: the
// handlers, etcd ones only with local etcd; Certificates() sorted by name), cmd/kubeadm/app/phases/certs/
// certlist.go (LongName of each certificate), cmd/kubeadm/app/cmd/certs.go (renewCert output).
import type { NodeMachine } from "../types";
import type { KubeCluster } from "./cluster";
import { renderKubeconfig, resolveKubeconfig } from "./kubeconfig";
import { certificateFacts, issueCertificate, type CertKeyPair } from "./pki";

export interface CertHandler {
  name: string;
  longName: string;
  caName: "ca" | "etcd-ca" | "front-proxy-ca";
  /** kubeconfig file under /etc/kubernetes, or a pki base name under /etc/kubernetes/pki. */
  kind: "kubeconfig" | "pki";
  /** Only managed with stacked (local) etcd. */
  localEtcdOnly?: boolean;
}

const HANDLERS: readonly CertHandler[] = [
  { name: "admin.conf", longName: "certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself", caName: "ca", kind: "kubeconfig" },
  { name: "apiserver", longName: "certificate for serving the Kubernetes API", caName: "ca", kind: "pki" },
  { name: "apiserver-etcd-client", longName: "certificate the apiserver uses to access etcd", caName: "etcd-ca", kind: "pki", localEtcdOnly: true },
  { name: "apiserver-kubelet-client", longName: "certificate for the API server to connect to kubelet", caName: "ca", kind: "pki" },
  { name: "controller-manager.conf", longName: "certificate embedded in the kubeconfig file for the controller manager to use", caName: "ca", kind: "kubeconfig" },
  { name: "etcd-healthcheck-client", longName: "certificate for liveness probes to healthcheck etcd", caName: "etcd-ca", kind: "pki", localEtcdOnly: true },
  { name: "etcd-peer", longName: "certificate for etcd nodes to communicate with each other", caName: "etcd-ca", kind: "pki", localEtcdOnly: true },
  { name: "etcd-server", longName: "certificate for serving etcd", caName: "etcd-ca", kind: "pki", localEtcdOnly: true },
  { name: "front-proxy-client", longName: "certificate for the front proxy client", caName: "front-proxy-ca", kind: "pki" },
  { name: "scheduler.conf", longName: "certificate embedded in the kubeconfig file for the scheduler manager to use", caName: "ca", kind: "kubeconfig" },
  { name: "super-admin.conf", longName: "certificate embedded in the kubeconfig file for the super-admin", caName: "ca", kind: "kubeconfig" },
];

/** CAs in renewal-manager order. */
export const CA_NAMES = ["ca", "etcd-ca", "front-proxy-ca"] as const;

/**
 * The handlers this node's kubeadm lists. The simulator writes no etcd certificates for stacked etcd,
 * so those rows appear only when their files exist (a real stacked node has them; showing them as
 * "!MISSING!" would be a simulator artefact). super-admin.conf exists from kubeadm v1.29 on.
 */
export function certHandlers(machine: NodeMachine, cluster: KubeCluster): CertHandler[] {
  return HANDLERS.filter((h) => {
    if (h.localEtcdOnly) return cluster.etcd.mode === "stacked" && certificatePem(machine, h) !== undefined;
    return true;
  });
}

function pkiPath(name: string): string {
  // etcd-server → etcd/server.crt, etcd-peer → etcd/peer.crt, etcd-healthcheck-client → etcd/healthcheck-client.crt
  return name.startsWith("etcd-") ? `/etc/kubernetes/pki/etcd/${name.slice(5)}` : `/etc/kubernetes/pki/${name}`;
}

export function caPem(machine: NodeMachine, caName: string): string | undefined {
  const path = caName === "etcd-ca" ? "/etc/kubernetes/pki/etcd/ca.crt" : `/etc/kubernetes/pki/${caName}.crt`;
  return machine.fs.read(path)?.toString("utf8");
}

export function certificatePem(machine: NodeMachine, h: CertHandler): string | undefined {
  if (h.kind === "pki") return machine.fs.read(`${pkiPath(h.name)}.crt`)?.toString("utf8");
  const text = machine.fs.read(`/etc/kubernetes/${h.name}`)?.toString("utf8");
  if (!text) return undefined;
  try {
    return resolveKubeconfig(text, () => undefined).clientCertPem;
  } catch {
    return undefined;
  }
}

function issuerFor(cluster: KubeCluster, caName: string): CertKeyPair | undefined {
  if (caName === "ca") return cluster.ca;
  if (caName === "front-proxy-ca") return cluster.sharedPki.frontProxyCa;
  return undefined;
}

/**
 * RenewUsingLocalCA for one certificate: same subject, SANs and usages, a fresh key, valid for a year
 * from the simulated now. Returns false when the file is missing (kubeadm prints "MISSING! …").
 * The apiserver's new serving certificate is served only after the API server restarts: it reads
 * --tls-cert-file at start (lifecycle.ts startMemberApi).
 */
export async function renewCertificate(machine: NodeMachine, cluster: KubeCluster, h: CertHandler): Promise<boolean> {
  const pem = certificatePem(machine, h);
  const issuer = issuerFor(cluster, h.caName);
  if (!pem || !issuer) return false;
  const facts = certificateFacts(pem);
  const now = machine.clock.now();
  if (h.kind === "kubeconfig") {
    const path = `/etc/kubernetes/${h.name}`;
    const cfg = resolveKubeconfig(machine.fs.read(path)?.toString("utf8") ?? "", () => undefined);
    const fresh = await issueCertificate(issuer, { commonName: facts.subjectCommonName, organizations: facts.organizations, usage: "client", now });
    machine.fs.write(path, renderKubeconfig({ clusterName: cluster.name, server: cfg.server, caCertPem: cluster.ca.certPem, userName: facts.subjectCommonName, clientCertPem: fresh.certPem, clientKeyPem: fresh.keyPem }), { mode: 0o600 });
    return true;
  }
  const fresh = await issueCertificate(issuer, { commonName: facts.subjectCommonName, organizations: facts.organizations, dnsNames: facts.dnsNames, ips: facts.ips, usage: h.name === "apiserver" ? "server" : "client", now });
  machine.fs.write(`${pkiPath(h.name)}.crt`, fresh.certPem, { mode: 0o644 });
  machine.fs.write(`${pkiPath(h.name)}.key`, fresh.keyPem, { mode: 0o600 });
  return true;
}

/** The certificates `kubeadm upgrade apply|node` renews for the control-plane components it upgrades. */
export const UPGRADE_RENEWALS: ReadonlyArray<{ component: string; certs: string[] }> = [
  { component: "kube-apiserver", certs: ["apiserver", "apiserver-kubelet-client", "front-proxy-client", "apiserver-etcd-client"] },
  { component: "kube-controller-manager", certs: ["controller-manager.conf"] },
  { component: "kube-scheduler", certs: ["scheduler.conf"] },
];

/** Renewed at the end of the static-pod upgrade (phases/upgrade/staticpods.go StaticPodControlPlane). */
export const UPGRADE_KUBECONFIG_RENEWALS = ["admin.conf", "super-admin.conf"] as const;

export function handlerNamed(machine: NodeMachine, cluster: KubeCluster, name: string): CertHandler | undefined {
  return certHandlers(machine, cluster).find((h) => h.name === name);
}
