// A small cluster's objects for the API server tests.
import type { KubeClusterView, KubeObject } from "../../../simulator/contracts";
import { MemoryKubeStore } from "../../../simulator/apiserver/store";

export function node(name: string, opts: { role?: string; ready?: boolean; ip: string; version?: string }): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...(opts.role ? { [`node-role.kubernetes.io/${opts.role}`]: "" } : {}) } },
    spec: {},
    status: {
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True", reason: "KubeletReady" }],
      addresses: [
        { type: "InternalIP", address: opts.ip },
        { type: "Hostname", address: name },
      ],
      nodeInfo: { kubeletVersion: opts.version ?? "v1.31.4", osImage: "Ubuntu 22.04.4 LTS", kernelVersion: "5.15.0-105-generic", containerRuntimeVersion: "containerd://1.7.13" },
    },
  };
}

export function pod(namespace: string, name: string, nodeName: string, phase = "Running"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { app: name.split("-")[0] } },
    spec: { nodeName, containers: [{ name: "main", image: "registry.k8s.io/pause:3.10" }] },
    status: { phase, podIP: "10.244.0.5", containerStatuses: [{ name: "main", ready: phase === "Running", restartCount: 1 }] },
  };
}

export function seededStore(): MemoryKubeStore {
  const store = new MemoryKubeStore();
  store.upsert(node("sim-control-1", { role: "control-plane", ip: "10.1.1.10" }));
  store.upsert(node("sim-node-1", { ip: "10.1.1.11" }));
  store.upsert(node("sim-node-2", { ip: "10.1.1.12", ready: false }));
  for (const ns of ["default", "kube-system", "kube-public"]) store.upsert({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns }, status: { phase: "Active" } });
  store.upsert(pod("kube-system", "etcd-sim-control-1", "sim-control-1"));
  store.upsert(pod("kube-system", "coredns-7db6d8ff4d-abcde", "sim-node-1"));
  store.upsert(pod("default", "web-5d8f7c9b6-xyz12", "sim-node-2", "Pending"));
  store.upsert({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" } },
    spec: { type: "ClusterIP", clusterIP: "10.96.0.10", selector: { "k8s-app": "kube-dns" }, ports: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }] },
  });
  store.upsert({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cluster-info", namespace: "kube-public" }, data: { kubeconfig: "apiVersion: v1\nkind: Config\n" } });
  store.upsert({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system" },
    spec: { replicas: 2, selector: { matchLabels: { "k8s-app": "kube-dns" } }, template: { spec: { containers: [{ name: "coredns", image: "registry.k8s.io/coredns/coredns:v1.11.3" }] } } },
    status: { readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  });
  store.upsert({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "kube-proxy", namespace: "kube-system" },
    spec: { template: { spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.31.4" }] } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
  });
  return store;
}

export function clusterView(store: MemoryKubeStore, tls: KubeClusterView["tls"], state: { healthy: boolean; version: string }): KubeClusterView {
  return { name: "sim", store, tls, gitVersion: () => state.version, healthy: () => state.healthy };
}
