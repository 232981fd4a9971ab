// The files kubeadm leaves on a node: /etc/kubernetes/pki/*, the kubeconfigs (admin.conf,
// super-admin.conf, controller-manager.conf, scheduler.conf, kubelet.conf) and static-pod manifests.
import YAML from "yaml";
import type { NodeMachine } from "../types";
import type { KubeCluster } from "./cluster";
import { renderKubeconfig } from "./kubeconfig";
import { issueCertificate, type CertKeyPair } from "./pki";
import { formatVersion, type KubeVersion } from "./versions";

const PKI = "/etc/kubernetes/pki";
const SECRET = { mode: 0o600, owner: "root", group: "root" };
const PUBLIC = { mode: 0o644, owner: "root", group: "root" };

function hostOf(endpoint: string): string {
  const match = /^\[?([^\]]+?)\]?(?::\d+)?$/.exec(endpoint);
  return match?.[1] ?? endpoint;
}

const isIp = (s: string) => /^\d+\.\d+\.\d+\.\d+$/.test(s) || s.includes(":");

/** kubeadm ≥ 1.29 gives admin.conf the kubeadm:cluster-admins group and adds super-admin.conf. */
export function adminGroup(kubeadm: KubeVersion): string {
  return kubeadm.major > 1 || kubeadm.minor >= 29 ? "kubeadm:cluster-admins" : "system:masters";
}

/** SANs of the API server certificate of a control node, as kubeadm computes them. */
export function apiServerSans(cluster: KubeCluster, nodeName: string, advertiseAddress: string): { dnsNames: string[]; ips: string[] } {
  const dns = new Set<string>([nodeName, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]);
  const ips = new Set<string>([serviceIp(cluster.serviceSubnet), advertiseAddress]);
  const extra = [...cluster.certSans];
  if (cluster.controlPlaneEndpoint) extra.push(hostOf(cluster.controlPlaneEndpoint));
  for (const san of extra) (isIp(san) ? ips : dns).add(san);
  return { dnsNames: [...dns], ips: [...ips] };
}

/** The first address of the service subnet (10.96.0.0/12 → 10.96.0.1). */
export function serviceIp(subnet: string): string {
  const base = subnet.split("/")[0] ?? "10.96.0.0";
  const parts = base.split(".").map(Number);
  parts[3] = (parts[3] ?? 0) + 1;
  return parts.join(".");
}

function writePair(machine: NodeMachine, name: string, pair: CertKeyPair): void {
  machine.fs.write(`${PKI}/${name}.crt`, pair.certPem, PUBLIC);
  machine.fs.write(`${PKI}/${name}.key`, pair.keyPem, SECRET);
}

async function writeKubeconfig(machine: NodeMachine, cluster: KubeCluster, file: string, server: string, user: string, cn: string, orgs: string[]): Promise<void> {
  const cert = await issueCertificate(cluster.ca, { commonName: cn, organizations: orgs, usage: "client", now: machine.clock.now() });
  const text = renderKubeconfig({ clusterName: cluster.name, server, caCertPem: cluster.ca.certPem, userName: user, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem });
  machine.fs.write(`/etc/kubernetes/${file}`, text, SECRET);
}

export interface ControlPlaneFilesSpec {
  nodeName: string;
  advertiseAddress: string;
  kubeadmVersion: KubeVersion;
  serverTls: CertKeyPair;
}

/** Everything a control-plane node holds after init or a control-plane join. */
export async function writeControlPlaneFiles(machine: NodeMachine, cluster: KubeCluster, spec: ControlPlaneFilesSpec): Promise<void> {
  machine.fs.mkdirp(`${PKI}`, 0o755);
  machine.fs.mkdirp("/etc/kubernetes/manifests", 0o755);
  writePair(machine, "ca", cluster.ca);
  writePair(machine, "apiserver", spec.serverTls);
  writePair(machine, "apiserver-kubelet-client", await issueCertificate(cluster.ca, { commonName: "kube-apiserver-kubelet-client", organizations: [adminGroup(spec.kubeadmVersion)], usage: "client", now: machine.clock.now() }));
  writePair(machine, "front-proxy-ca", cluster.sharedPki.frontProxyCa);
  writePair(machine, "front-proxy-client", await issueCertificate(cluster.sharedPki.frontProxyCa, { commonName: "front-proxy-client", usage: "client", now: machine.clock.now() }));
  machine.fs.write(`${PKI}/sa.key`, cluster.sharedPki.serviceAccount.privateKeyPem, SECRET);
  machine.fs.write(`${PKI}/sa.pub`, cluster.sharedPki.serviceAccount.publicKeyPem, PUBLIC);
  const endpoint = `https://${cluster.endpoint}`;
  const local = `https://${spec.advertiseAddress}:6443`;
  await writeKubeconfig(machine, cluster, "admin.conf", endpoint, "kubernetes-admin", "kubernetes-admin", [adminGroup(spec.kubeadmVersion)]);
  if (adminGroup(spec.kubeadmVersion) !== "system:masters") {
    await writeKubeconfig(machine, cluster, "super-admin.conf", endpoint, "kubernetes-super-admin", "kubernetes-super-admin", ["system:masters"]);
  }
  await writeKubeconfig(machine, cluster, "controller-manager.conf", local, "system:kube-controller-manager", "system:kube-controller-manager", []);
  await writeKubeconfig(machine, cluster, "scheduler.conf", local, "system:kube-scheduler", "system:kube-scheduler", []);
  await writeKubeletConf(machine, cluster, spec.nodeName);
}

export async function writeKubeletConf(machine: NodeMachine, cluster: KubeCluster, nodeName: string): Promise<void> {
  machine.fs.mkdirp(PKI, 0o755);
  machine.fs.write(`${PKI}/ca.crt`, cluster.ca.certPem, PUBLIC);
  await writeKubeconfig(machine, cluster, "kubelet.conf", `https://${cluster.endpoint}`, `system:node:${nodeName}`, `system:node:${nodeName}`, ["system:nodes"]);
  machine.fs.mkdirp("/var/lib/kubelet", 0o700);
  machine.fs.write("/var/lib/kubelet/config.yaml", YAML.stringify({ apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver: "systemd", clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local" }), PUBLIC);
  machine.fs.write("/var/lib/kubelet/kubeadm-flags.env", 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"\n', PUBLIC);
}

/** Static pod manifests, rewritten on upgrade with the member's new version. */
export function writeManifests(machine: NodeMachine, cluster: KubeCluster, advertiseAddress: string, version: KubeVersion, stackedEtcd: boolean): void {
  machine.fs.mkdirp("/etc/kubernetes/manifests", 0o755);
  const tag = formatVersion(version);
  const etcdServers = cluster.etcd.mode === "external" ? cluster.etcd.endpoints.join(",") : "https://127.0.0.1:2379";
  const pod = (component: string, image: string, command: string[]) =>
    YAML.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { labels: { component, tier: "control-plane" }, name: component, namespace: "kube-system" },
      spec: { containers: [{ command, image, name: component }], hostNetwork: true, priorityClassName: "system-node-critical" },
    });
  machine.fs.write(
    "/etc/kubernetes/manifests/kube-apiserver.yaml",
    pod("kube-apiserver", `${cluster.imageRepository}/kube-apiserver:${tag}`, [
      "kube-apiserver",
      `--advertise-address=${advertiseAddress}`,
      "--client-ca-file=/etc/kubernetes/pki/ca.crt",
      `--etcd-servers=${etcdServers}`,
      "--secure-port=6443",
      `--service-cluster-ip-range=${cluster.serviceSubnet}`,
      "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
      "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
    ]),
    { mode: 0o600 },
  );
  machine.fs.write("/etc/kubernetes/manifests/kube-controller-manager.yaml", pod("kube-controller-manager", `${cluster.imageRepository}/kube-controller-manager:${tag}`, ["kube-controller-manager", "--kubeconfig=/etc/kubernetes/controller-manager.conf", ...(cluster.podSubnet ? [`--cluster-cidr=${cluster.podSubnet}`, "--allocate-node-cidrs=true"] : [])]), { mode: 0o600 });
  machine.fs.write("/etc/kubernetes/manifests/kube-scheduler.yaml", pod("kube-scheduler", `${cluster.imageRepository}/kube-scheduler:${tag}`, ["kube-scheduler", "--kubeconfig=/etc/kubernetes/scheduler.conf"]), { mode: 0o600 });
  if (stackedEtcd) {
    machine.fs.write("/etc/kubernetes/manifests/etcd.yaml", pod("etcd", `${cluster.imageRepository}/etcd`, ["etcd", `--advertise-client-urls=https://${advertiseAddress}:2379`, "--data-dir=/var/lib/etcd"]), { mode: 0o600 });
    machine.fs.mkdirp("/var/lib/etcd", 0o700);
  }
}
