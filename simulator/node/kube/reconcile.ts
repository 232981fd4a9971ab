// Derives what controllers and kubelets would write: Node status from the kubelet facts, the
// control-plane static (mirror) pods, DaemonSet pods per node and Deployment pods on Ready nodes.
// Called after every change to the model or the store; writes only what differs, so
// resourceVersions move only on real changes.
import { createHash } from "crypto";
import type { KubeObject } from "../../contracts";
import { budgetStatusObject, podHealthy } from "../../apiserver/disruption";
import type { KubeCluster, NodeRuntime } from "./cluster";
import { formatVersion } from "./versions";

const CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Kubernetes-style random-looking suffix, deterministic in its inputs. */
export function nameSuffix(seed: string, length = 5): string {
  const digest = createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return out;
}

function sameContent(a: KubeObject | undefined, b: KubeObject): boolean {
  if (!a) return false;
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, uid: undefined, creationTimestamp: undefined } });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

function write(cluster: KubeCluster, obj: KubeObject): void {
  const current = cluster.store.get(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace);
  if (!sameContent(current, obj)) cluster.store.upsert(obj);
}

export function isNodeReady(node: NodeRuntime, cluster: KubeCluster): boolean {
  return node.kubeletRunning && cluster.cniInstalled && node.readyReached;
}

function readyCondition(node: NodeRuntime, cluster: KubeCluster, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  let status: string;
  let reason: string;
  let message: string;
  if (!node.kubeletRunning) {
    [status, reason, message] = ["Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."];
  } else if (isNodeReady(node, cluster)) {
    [status, reason, message] = ["True", "KubeletReady", "kubelet is posting ready status"];
  } else {
    [status, reason, message] = [
      "False",
      "KubeletNotReady",
      "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
    ];
  }
  const unchanged = previous && previous.status === status;
  return {
    type: "Ready",
    status,
    reason,
    message,
    lastHeartbeatTime: unchanged ? previous.lastHeartbeatTime : now,
    lastTransitionTime: unchanged ? previous.lastTransitionTime : now,
  };
}

/** The Node object as a kubelet registers it (labels the kubelet and kubeadm set). */
export function newNodeObject(node: NodeRuntime): KubeObject {
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": node.nodeName,
    "kubernetes.io/os": "linux",
  };
  if (node.controlPlane) {
    labels[CONTROL_PLANE_TAINT] = "";
    labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
  }
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.nodeName,
      labels,
      annotations: {
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: node.controlPlane ? { taints: [{ key: CONTROL_PLANE_TAINT, effect: "NoSchedule" }] } : {},
    status: {},
  };
}

function reconcileNode(cluster: KubeCluster, node: NodeRuntime): void {
  const current = cluster.store.get("v1", "Node", node.nodeName);
  if (!current) return; // deleted with kubectl: the simulated kubelet does not re-register
  const next = structuredClone(current);
  const status = (next.status ?? {}) as Record<string, unknown>;
  const previousConditions = Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]) : [];
  const previousReady = previousConditions.find((c) => c.type === "Ready");
  const pressure = (type: string, reason: string) => ({ type, status: "False", reason, message: `kubelet has no ${type.replace("Pressure", "").toLowerCase()} pressure` });
  const ready = readyCondition(node, cluster, previousReady);
  const version = formatVersion(node.kubeletVersion);
  next.status = {
    ...status,
    addresses: [
      { type: "InternalIP", address: node.internalIp },
      { type: "Hostname", address: node.nodeName },
    ],
    capacity: status.capacity ?? { cpu: "2", memory: "2015628Ki", pods: "110", "ephemeral-storage": "8123456Ki" },
    allocatable: status.allocatable ?? { cpu: "2", memory: "1913228Ki", pods: "110", "ephemeral-storage": "7486441498" },
    conditions: [
      pressure("MemoryPressure", "KubeletHasSufficientMemory"),
      pressure("DiskPressure", "KubeletHasNoDiskPressure"),
      pressure("PIDPressure", "KubeletHasSufficientPID"),
      ready,
    ],
    nodeInfo: {
      architecture: "amd64",
      bootID: nameSuffix(`${node.vmId}/boot`, 12),
      containerRuntimeVersion: "containerd://1.7.24", // as the base image (node/baseImage.ts)
      kernelVersion: "6.1.0-28-amd64",
      kubeProxyVersion: version,
      kubeletVersion: version,
      machineID: createHash("md5").update(node.vmId).digest("hex"),
      operatingSystem: "linux",
      osImage: "Debian GNU/Linux 12 (bookworm)",
      systemUUID: node.vmId,
    },
  };
  // The node lifecycle controller's not-ready taint.
  const spec = (next.spec ?? {}) as Record<string, unknown>;
  const taints = (Array.isArray(spec.taints) ? (spec.taints as Record<string, unknown>[]) : []).filter(
    (t) => t.key !== "node.kubernetes.io/not-ready" && t.key !== "node.kubernetes.io/unreachable",
  );
  if (!isNodeReady(node, cluster)) {
    taints.push({ key: node.kubeletRunning ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable", effect: "NoSchedule" });
  }
  next.spec = { ...spec, taints: taints.length > 0 ? taints : undefined };
  if (next.spec && (next.spec as Record<string, unknown>).taints === undefined) delete (next.spec as Record<string, unknown>).taints;
  write(cluster, next);
}

interface PodPlan {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: { kind: string; name: string; apiVersion: string };
  nodeName?: string;
  running: boolean;
  containers: Array<{ name: string; image: string }>;
  volumes?: unknown[];
  hostNetwork?: boolean;
  tolerations?: unknown[];
}

function podObject(plan: PodPlan, nodeIp: string | undefined, existing: KubeObject | undefined): KubeObject {
  const previousStatus = (existing?.status ?? {}) as Record<string, unknown>;
  const startTime = (previousStatus.startTime as string | undefined) ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const podIp = plan.hostNetwork ? nodeIp : plan.nodeName ? `10.244.${Number.parseInt(nameSuffix(plan.nodeName, 2), 36) % 250}.${(Number.parseInt(nameSuffix(plan.name, 2), 36) % 250) + 2}` : undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: plan.name,
      namespace: plan.namespace,
      labels: plan.labels,
      ...(plan.annotations ? { annotations: plan.annotations } : {}),
      ...(plan.owner ? { ownerReferences: [{ ...plan.owner, controller: true, blockOwnerDeletion: true, uid: "" }] } : {}),
    },
    spec: {
      containers: plan.containers,
      ...(plan.nodeName ? { nodeName: plan.nodeName } : {}),
      ...(plan.volumes ? { volumes: plan.volumes } : {}),
      ...(plan.hostNetwork ? { hostNetwork: true } : {}),
      ...(plan.tolerations ? { tolerations: plan.tolerations } : {}),
    },
    status: {
      phase: plan.running ? "Running" : "Pending",
      conditions: [{ type: "Ready", status: plan.running ? "True" : "False" }],
      ...(plan.nodeName && nodeIp ? { hostIP: nodeIp } : {}),
      ...(plan.running && podIp ? { podIP: podIp } : {}),
      startTime,
      containerStatuses: plan.containers.map((c) => ({
        name: c.name,
        image: c.image,
        ready: plan.running,
        restartCount: 0,
        started: plan.running,
        state: plan.running ? { running: { startedAt: startTime } } : { waiting: { reason: plan.nodeName ? "ContainerCreating" : "Pending" } },
      })),
    },
  };
}

function templateOf(owner: KubeObject): { labels: Record<string, string>; spec: Record<string, unknown> } {
  const spec = (owner.spec ?? {}) as Record<string, unknown>;
  const template = (spec.template ?? {}) as Record<string, unknown>;
  const meta = (template.metadata ?? {}) as Record<string, unknown>;
  return { labels: (meta.labels ?? {}) as Record<string, string>, spec: (template.spec ?? {}) as Record<string, unknown> };
}

function containersOf(podSpec: Record<string, unknown>): Array<{ name: string; image: string }> {
  const list = Array.isArray(podSpec.containers) ? (podSpec.containers as Record<string, unknown>[]) : [];
  const out = list.map((c) => ({ name: String(c.name ?? "main"), image: String(c.image ?? "") }));
  return out.length > 0 ? out : [{ name: "main", image: "" }];
}

function toleratesControlPlane(podSpec: Record<string, unknown>): boolean {
  const tolerations = Array.isArray(podSpec.tolerations) ? (podSpec.tolerations as Record<string, unknown>[]) : [];
  return tolerations.some((t) => (t.operator === "Exists" && t.key === undefined) || t.key === CONTROL_PLANE_TAINT || t.key === "node-role.kubernetes.io/master");
}

function nodeSchedulable(cluster: KubeCluster, node: NodeRuntime): boolean {
  const obj = cluster.store.get("v1", "Node", node.nodeName);
  if (!obj) return false;
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  return spec.unschedulable !== true && isNodeReady(node, cluster);
}

function planPods(cluster: KubeCluster): PodPlan[] {
  const plans: PodPlan[] = [];
  const nodes = [...cluster.nodes.values()].filter((n) => cluster.store.get("v1", "Node", n.nodeName));
  // Control-plane static pods, mirrored by the kubelet of each control node.
  for (const member of cluster.controlPlane.values()) {
    const node = cluster.nodes.get(member.nodeName);
    if (!node || !cluster.store.get("v1", "Node", member.nodeName)) continue;
    const components = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];
    if (cluster.etcd.mode === "stacked" && cluster.etcd.members.has(member.nodeName)) components.unshift("etcd");
    for (const component of components) {
      const image = component === "etcd" ? `${cluster.imageRepository}/etcd` : `${cluster.imageRepository}/${component}:${formatVersion(member.version)}`;
      plans.push({
        name: `${component}-${member.nodeName}`,
        namespace: "kube-system",
        labels: { component, tier: "control-plane" },
        annotations: { "kubernetes.io/config.mirror": nameSuffix(`${component}/${member.nodeName}`, 32), "kubernetes.io/config.source": "file" },
        owner: { kind: "Node", name: member.nodeName, apiVersion: "v1" },
        nodeName: member.nodeName,
        running: node.kubeletRunning && Boolean(member.api),
        containers: [{ name: component, image }],
        hostNetwork: true,
      });
    }
  }
  for (const ds of cluster.store.list("apps/v1", "DaemonSet")) {
    const { labels, spec } = templateOf(ds);
    const namespace = ds.metadata.namespace ?? "default";
    for (const node of nodes) {
      plans.push({
        name: `${ds.metadata.name}-${nameSuffix(`${namespace}/${ds.metadata.name}/${node.nodeName}`)}`,
        namespace,
        labels,
        owner: { kind: "DaemonSet", name: ds.metadata.name, apiVersion: "apps/v1" },
        nodeName: node.nodeName,
        running: node.kubeletRunning,
        containers: containersOf(spec),
        volumes: Array.isArray(spec.volumes) ? spec.volumes : undefined,
        hostNetwork: spec.hostNetwork === true,
        tolerations: Array.isArray(spec.tolerations) ? spec.tolerations : undefined,
      });
    }
  }
  for (const deploy of cluster.store.list("apps/v1", "Deployment")) {
    const { labels, spec } = templateOf(deploy);
    const namespace = deploy.metadata.namespace ?? "default";
    const replicasRaw = ((deploy.spec ?? {}) as Record<string, unknown>).replicas;
    const replicas = typeof replicasRaw === "number" ? replicasRaw : 1;
    const hash = nameSuffix(`${namespace}/${deploy.metadata.name}/rs`, 10);
    const candidates = nodes.filter((n) => nodeSchedulable(cluster, n) && (!n.controlPlane || toleratesControlPlane(spec)));
    for (let i = 0; i < replicas; i++) {
      const name = `${deploy.metadata.name}-${hash}-${nameSuffix(`${namespace}/${deploy.metadata.name}/${i}`)}`;
      const existing = cluster.store.get("v1", "Pod", name, namespace);
      const existingNode = (existing?.spec as Record<string, unknown> | undefined)?.nodeName as string | undefined;
      // Keep a pod where it runs unless its node vanished; place new ones round-robin on schedulable nodes.
      const keep = existingNode && cluster.nodes.has(existingNode) && cluster.store.get("v1", "Node", existingNode);
      const target = keep ? cluster.nodes.get(existingNode) : candidates.length > 0 ? candidates[i % candidates.length] : undefined;
      plans.push({
        name,
        namespace,
        labels: { ...labels, "pod-template-hash": hash },
        owner: { kind: "ReplicaSet", name: `${deploy.metadata.name}-${hash}`, apiVersion: "apps/v1" },
        nodeName: target?.nodeName,
        running: target ? isNodeReady(target, cluster) : false,
        containers: containersOf(spec),
        volumes: Array.isArray(spec.volumes) ? spec.volumes : undefined,
        tolerations: Array.isArray(spec.tolerations) ? spec.tolerations : undefined,
      });
    }
  }
  return plans;
}

/** Bring Node status and controller-owned pods in line with the model. */
export function reconcileCluster(cluster: KubeCluster): void {
  for (const node of cluster.nodes.values()) reconcileNode(cluster, node);
  const plans = planPods(cluster);
  const planned = new Set(plans.map((p) => `${p.namespace}/${p.name}`));
  for (const pod of cluster.store.list("v1", "Pod")) {
    const owners = (pod.metadata.ownerReferences ?? []) as Array<{ kind?: string }>;
    const managed = owners.some((o) => o.kind === "DaemonSet" || o.kind === "ReplicaSet" || o.kind === "Node");
    if (managed && !planned.has(`${pod.metadata.namespace}/${pod.metadata.name}`)) {
      cluster.store.delete("v1", "Pod", pod.metadata.name, pod.metadata.namespace);
    }
    if (!managed) reconcileBarePod(cluster, pod);
  }
  for (const plan of plans) {
    const existing = cluster.store.get("v1", "Pod", plan.name, plan.namespace);
    const node = plan.nodeName ? cluster.nodes.get(plan.nodeName) : undefined;
    write(cluster, podObject(plan, node?.internalIp, existing));
  }
  reconcileWorkloadStatus(cluster);
}

/**
 * The Deployment controller's replica counts and the disruption controller's PDB status
 * (pkg/controller/disruption/disruption.go updatePdbStatus), from the pods as they now are.
 */
function reconcileWorkloadStatus(cluster: KubeCluster): void {
  for (const deploy of cluster.store.list("apps/v1", "Deployment")) {
    const hash = nameSuffix(`${deploy.metadata.namespace ?? "default"}/${deploy.metadata.name}/rs`, 10);
    const pods = cluster.store.list("v1", "Pod", deploy.metadata.namespace).filter((p) => ((p.metadata.ownerReferences ?? []) as Array<{ name?: string }>).some((o) => o.name === `${deploy.metadata.name}-${hash}`));
    const ready = pods.filter(podHealthy).length;
    const replicasRaw = ((deploy.spec ?? {}) as Record<string, unknown>).replicas;
    const status: Record<string, unknown> = { observedGeneration: 1, replicas: pods.length, updatedReplicas: pods.length };
    if (ready > 0) Object.assign(status, { readyReplicas: ready, availableReplicas: ready });
    const desired = typeof replicasRaw === "number" ? replicasRaw : 1;
    if (desired - ready > 0) status.unavailableReplicas = desired - ready;
    write(cluster, { ...deploy, status });
  }
  for (const pdb of cluster.store.list("policy/v1", "PodDisruptionBudget")) {
    write(cluster, { ...pdb, status: budgetStatusObject(cluster.store, pdb) });
  }
}

/** Pods applied directly: scheduled once onto a schedulable node, Running while that node is Ready. */
function reconcileBarePod(cluster: KubeCluster, pod: KubeObject): void {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  let nodeName = spec.nodeName as string | undefined;
  if (!nodeName) {
    const candidate = [...cluster.nodes.values()].find((n) => nodeSchedulable(cluster, n) && (!n.controlPlane || toleratesControlPlane(spec)));
    nodeName = candidate?.nodeName;
  }
  const node = nodeName ? cluster.nodes.get(nodeName) : undefined;
  const plan: PodPlan = {
    name: pod.metadata.name,
    namespace: pod.metadata.namespace ?? "default",
    labels: pod.metadata.labels ?? {},
    annotations: pod.metadata.annotations,
    nodeName,
    running: node ? isNodeReady(node, cluster) : false,
    containers: containersOf(spec),
    volumes: Array.isArray(spec.volumes) ? spec.volumes : undefined,
  };
  write(cluster, podObject(plan, node?.internalIp, pod));
}
