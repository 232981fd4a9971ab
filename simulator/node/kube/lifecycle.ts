// Node and control-plane lifecycle inside a cluster: registering nodes, kubelet start/stop, the
// delayed Ready transition after a CNI is installed, and starting/stopping per-node API servers.
import type { NodeMachine } from "../types";
import type { ControlPlaneMember, KubeCluster, NodeRuntime } from "./cluster";
import { DURATIONS, type KubeToolsContext } from "./context";
import { newNodeObject, reconcileCluster } from "./reconcile";

/** The node-ipam controller's /24 per node out of the pod subnet (only with --pod-network-cidr). */
function podCidrFor(cluster: KubeCluster, index: number): string | undefined {
  if (!cluster.podSubnet) return undefined;
  const [a, b] = (cluster.podSubnet.split("/")[0] ?? "10.244.0.0").split(".");
  return `${a}.${b}.${index}.0/24`;
}

export function registerNode(cluster: KubeCluster, node: NodeRuntime): void {
  const isNew = !cluster.nodes.has(node.nodeName);
  cluster.nodes.set(node.nodeName, node);
  if (!cluster.store.get("v1", "Node", node.nodeName)) {
    const obj = newNodeObject(node);
    const cidr = podCidrFor(cluster, isNew ? cluster.nodes.size - 1 : [...cluster.nodes.keys()].indexOf(node.nodeName));
    if (cidr) obj.spec = { ...(obj.spec as Record<string, unknown>), podCIDR: cidr, podCIDRs: [cidr] };
    cluster.store.upsert(obj);
  }
  reconcileCluster(cluster);
}

/** After the readiness delay, a node with a running kubelet and an installed CNI becomes Ready. */
export function scheduleReadiness(ctx: KubeToolsContext, cluster: KubeCluster, node: NodeRuntime): void {
  // No pod sandbox, no kube-proxy or CNI pod on the node: NetworkReady never turns true.
  if (!cluster.cniInstalled || !node.kubeletRunning || node.readyReached || node.podSandboxError) return;
  const generation = node.generation;
  ctx.env.clock
    .sleep(DURATIONS.nodeReadyAfterCni)
    .then(() => {
      if (node.generation !== generation || !node.kubeletRunning || !cluster.cniInstalled) return;
      // Fault "node-never-ready": the CNI never comes up on this node.
      if (ctx.env.faults.hit("node-never-ready", node.vmName)) return;
      node.readyReached = true;
      reconcileCluster(cluster);
    })
    .catch(() => undefined);
}

export function markCniInstalled(ctx: KubeToolsContext, cluster: KubeCluster): void {
  if (cluster.cniInstalled) return;
  cluster.cniInstalled = true;
  for (const node of cluster.nodes.values()) scheduleReadiness(ctx, cluster, node);
  reconcileCluster(cluster);
}

export function kubeletStarted(ctx: KubeToolsContext, cluster: KubeCluster, node: NodeRuntime): void {
  if (!node.kubeletRunning) {
    node.kubeletRunning = true;
    node.readyReached = false;
    node.generation++;
  }
  reconcileCluster(cluster);
  scheduleReadiness(ctx, cluster, node);
}

export function kubeletStopped(cluster: KubeCluster, node: NodeRuntime): void {
  node.kubeletRunning = false;
  node.readyReached = false;
  node.generation++;
  reconcileCluster(cluster);
}

/** Start this member's API server (idempotent) and expose it on the machine's port 6443. */
export async function startMemberApi(ctx: KubeToolsContext, cluster: KubeCluster, member: ControlPlaneMember, machine: NodeMachine): Promise<void> {
  if (member.api) return;
  // kube-apiserver reads --tls-cert-file/--tls-private-key-file when it starts: a certificate renewed
  // on disk (kubeadm certs renew, kubeadm upgrade) is served from the next start on.
  const certPem = machine.fs.read("/etc/kubernetes/pki/apiserver.crt")?.toString("utf8");
  const keyPem = machine.fs.read("/etc/kubernetes/pki/apiserver.key")?.toString("utf8");
  if (certPem?.includes("BEGIN CERTIFICATE") && keyPem?.includes("PRIVATE KEY")) member.serverTls = { certPem, keyPem };
  const handle = await ctx.startApiServer(cluster.viewFor(member), { host: ctx.listenHost });
  member.api = handle;
  member.address = { host: ctx.listenHost, port: handle.port };
  ctx.registry.bindApiServer(member.address, cluster);
  machine.expose(6443, handle.port);
  reconcileCluster(cluster);
}

export async function stopMemberApi(ctx: KubeToolsContext, cluster: KubeCluster, member: ControlPlaneMember, machine: NodeMachine | undefined): Promise<void> {
  const handle = member.api;
  if (!handle) return;
  member.api = undefined;
  if (member.address) ctx.registry.unbindApiServer(member.address);
  member.address = undefined;
  machine?.unexpose(6443);
  await handle.close().catch(() => undefined);
  reconcileCluster(cluster);
}
