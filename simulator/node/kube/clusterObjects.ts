// The objects `kubeadm init` creates in a new cluster (namespaces, cluster-info, kubeadm-config,
// kube-proxy, CoreDNS, the kubernetes Service) and the Secrets that mirror bootstrap tokens.
import YAML from "yaml";
import type { KubeObject } from "../../contracts";
import type { BootstrapToken, KubeCluster } from "./cluster";
import { serviceIp } from "./nodeFiles";
import { corednsVersionFor, formatVersion } from "./versions";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** kube-public/cluster-info: a kubeconfig with only the CA and the endpoint (read anonymously by joins). */
export function clusterInfoConfigMap(cluster: KubeCluster): KubeObject {
  const kubeconfig = YAML.stringify({
    apiVersion: "v1",
    clusters: [{ cluster: { "certificate-authority-data": b64(cluster.ca.certPem), server: `https://${cluster.endpoint}` }, name: "" }],
    contexts: null,
    "current-context": "",
    kind: "Config",
    preferences: {},
    users: null,
  });
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cluster-info", namespace: "kube-public" }, data: { kubeconfig } };
}

export function kubeadmConfigMap(cluster: KubeCluster, apiVersion: string): KubeObject {
  const clusterConfiguration = YAML.stringify({
    apiVersion,
    kind: "ClusterConfiguration",
    clusterName: cluster.name,
    controlPlaneEndpoint: cluster.controlPlaneEndpoint ?? "",
    kubernetesVersion: formatVersion(cluster.version),
    imageRepository: cluster.imageRepository,
    apiServer: { certSANs: cluster.certSans },
    networking: { dnsDomain: "cluster.local", serviceSubnet: cluster.serviceSubnet, ...(cluster.podSubnet ? { podSubnet: cluster.podSubnet } : {}) },
    etcd: cluster.etcd.mode === "external" ? { external: { endpoints: cluster.etcd.endpoints } } : { local: { dataDir: "/var/lib/etcd" } },
  });
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kubeadm-config", namespace: "kube-system" }, data: { ClusterConfiguration: clusterConfiguration } };
}

function kubeProxy(cluster: KubeCluster): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "kube-proxy", namespace: "kube-system", labels: { "k8s-app": "kube-proxy" } },
    spec: {
      selector: { matchLabels: { "k8s-app": "kube-proxy" } },
      template: {
        metadata: { labels: { "k8s-app": "kube-proxy" } },
        spec: {
          containers: [{ name: "kube-proxy", image: `${cluster.imageRepository}/kube-proxy:${formatVersion(cluster.version)}` }],
          hostNetwork: true,
          tolerations: [{ operator: "Exists" }],
        },
      },
    },
  };
}

function coreDns(cluster: KubeCluster): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { "k8s-app": "kube-dns" } },
      template: {
        metadata: { labels: { "k8s-app": "kube-dns" } },
        spec: {
          containers: [{ name: "coredns", image: `${cluster.imageRepository}/coredns/coredns:${corednsVersionFor(cluster.version)}` }],
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
          ],
        },
      },
    },
  };
}

/** Refresh the image tags of kube-proxy and CoreDNS after `kubeadm upgrade apply`. */
export function upgradeAddons(cluster: KubeCluster): void {
  if (cluster.store.get("apps/v1", "DaemonSet", "kube-proxy", "kube-system")) cluster.store.upsert(kubeProxy(cluster));
  if (cluster.store.get("apps/v1", "Deployment", "coredns", "kube-system")) cluster.store.upsert(coreDns(cluster));
}

export function createInitialObjects(cluster: KubeCluster, kubeadmApiVersion: string, addons: { kubeProxy: boolean; coreDns: boolean } = { kubeProxy: true, coreDns: true }): void {
  const store = cluster.store;
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    store.upsert({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  }
  store.upsert(clusterInfoConfigMap(cluster));
  store.upsert(kubeadmConfigMap(cluster, kubeadmApiVersion));
  store.upsert({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: serviceIp(cluster.serviceSubnet), ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }], type: "ClusterIP" },
  });
  const dnsIp = serviceIp(cluster.serviceSubnet).replace(/\.1$/, ".10");
  store.upsert({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS" } },
    spec: { clusterIP: dnsIp, ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }], selector: { "k8s-app": "kube-dns" }, type: "ClusterIP" },
  });
  if (addons.kubeProxy) store.upsert(kubeProxy(cluster));
  if (addons.coreDns) store.upsert(coreDns(cluster));
}

/** Bootstrap tokens live in kube-system as Secrets named bootstrap-token-<id>. */
export function storeTokenSecret(cluster: KubeCluster, token: BootstrapToken): void {
  const data: Record<string, string> = {
    "token-id": b64(token.id),
    "token-secret": b64(token.secret),
    description: b64(token.description),
    "usage-bootstrap-authentication": b64("true"),
    "usage-bootstrap-signing": b64("true"),
    "auth-extra-groups": b64(token.groups.join(",")),
  };
  if (token.expiresAt !== null) data.expiration = b64(new Date(token.expiresAt).toISOString().replace(/\.\d+Z$/, "Z"));
  cluster.store.upsert({ apiVersion: "v1", kind: "Secret", metadata: { name: `bootstrap-token-${token.id}`, namespace: "kube-system" }, type: "bootstrap.kubernetes.io/token", data });
}

export function deleteTokenSecret(cluster: KubeCluster, id: string): void {
  cluster.store.delete("v1", "Secret", `bootstrap-token-${id}`, "kube-system");
}
