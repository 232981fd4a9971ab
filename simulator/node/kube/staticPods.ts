// The kubelet's static pod source for the API server: it re-reads /etc/kubernetes/manifests every
// fileCheckFrequency (20 s by default), so taking kube-apiserver.yaml away stops the API server and
// putting it back starts it again, reading its (possibly renewed) certificate files. That is how
// kubeadm's documentation restarts the control plane after `kubeadm certs renew` ("temporarily remove
// its manifest file from /etc/kubernetes/manifests/ and wait for 20 seconds").
//
// Upstream: kubernetes/kubernetes pkg/kubelet/config/file.go (sourceFile, periodic listing),
// pkg/kubelet/apis/config/v1beta1/defaults.go (FileCheckFrequency 20s),
// https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#manual-certificate-renewal
import type { NodeMachine } from "../types";
import type { ControlPlaneMember, KubeCluster, NodeRuntime } from "./cluster";
import type { KubeToolsContext } from "./context";
import { startMemberApi, stopMemberApi } from "./lifecycle";

const FILE_CHECK_MS = 20_000;
const MANIFEST = "/etc/kubernetes/manifests/kube-apiserver.yaml";

const closed = new WeakSet<KubeToolsContext>();
const watching = new WeakMap<NodeRuntime, number>();

/** No more static pod syncs for this environment (simulator shutdown). */
export function stopStaticPodWatches(ctx: KubeToolsContext): void {
  closed.add(ctx);
}

/** Runs while this kubelet generation runs; one watcher per generation. */
export function watchStaticPods(ctx: KubeToolsContext, cluster: KubeCluster, member: ControlPlaneMember, machine: NodeMachine, node: NodeRuntime): void {
  const generation = node.generation;
  if (watching.get(node) === generation) return;
  watching.set(node, generation);
  const alive = () => !closed.has(ctx) && node.generation === generation && node.kubeletRunning && ctx.env.machineByVmId(machine.spec.vmId) !== undefined;
  const schedule = () => {
    const timer = setTimeout(tick, Math.max(50, FILE_CHECK_MS * ctx.env.clock.scale));
    timer.unref?.();
  };
  const tick = () => {
    if (!alive()) return;
    const present = machine.fs.exists(MANIFEST);
    const act = !present && member.api ? stopMemberApi(ctx, cluster, member, machine) : present && !member.api && !node.podSandboxError ? startMemberApi(ctx, cluster, member, machine) : Promise.resolve();
    act.catch(() => undefined).finally(schedule);
  };
  schedule();
}
