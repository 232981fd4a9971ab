// systemd units with behaviour: the kubelet (registers/updates its Node, runs the control-plane static
// pods, i.e. this node's API server) and etcd (a member that answers /version and /health on 2379 once
// its cluster has quorum, so kubeadm's external-etcd check can reach it through the fabric).
import { serviceUnit } from "../services";
import type { NodeMachine, ServiceHook, ServiceState } from "../types";
import { execStartArgv } from "../unitFile";
import type { KubeToolsContext } from "./context";
import { parseEtcdArgs } from "./etcdFlags";
import { startEtcdMember, stopEtcdMember } from "./etcdMember";
import { CommandFailure } from "./failure";
import { kubeletStarted, kubeletStopped, registerNode, startMemberApi, stopMemberApi } from "./lifecycle";
import { ETCD_PATHS, KUBELET_PATHS, hasBinary, installedVersion, kubeletIdentity } from "./nodeFacts";
import { podSandboxProblem } from "./podSandbox";
import { watchStaticPods } from "./staticPods";
import { appendJournal } from "../services";
import { markExecuting, markExited } from "../textBusy";

/** The binary a unit's main process was exec'd from, held busy (ETXTBSY) until it stops. */
function holdExecutable(machine: NodeMachine, unit: string, paths: string[]): void {
  const key = `${unit}.exec`;
  if (machine.ext.has(key)) return;
  const path = paths.find((p) => machine.fs.exists(p));
  if (!path) return;
  markExecuting(machine, path);
  machine.ext.set(key, path);
}

function releaseExecutable(machine: NodeMachine, unit: string): void {
  const key = `${unit}.exec`;
  const path = machine.ext.get(key);
  if (typeof path === "string") markExited(machine, path);
  machine.ext.delete(key);
}

const KUBELET = "kubelet";

/** Start the kubelet's work on `machine`; throws when the unit would fail to start. */
async function runKubelet(ctx: KubeToolsContext, machine: NodeMachine): Promise<"running" | "crashloop"> {
  if (ctx.env.faults.hit("kubelet-fail", machine.spec.name)) {
    throw new CommandFailure("Job for kubelet.service failed because the control process exited with error code.\nSee \"systemctl status kubelet.service\" and \"journalctl -xeu kubelet.service\" for details.");
  }
  if (!hasBinary(machine, KUBELET_PATHS)) {
    throw new CommandFailure("kubelet.service: Failed to locate executable /opt/bin/kubelet: No such file or directory");
  }
  const identity = kubeletIdentity(ctx, machine);
  // Without kubelet.conf the real kubelet exits at once and systemd keeps restarting it.
  if (!identity) return "crashloop";
  const { cluster, nodeName } = identity;
  const node = cluster.nodes.get(nodeName);
  if (!node) return "crashloop";
  node.kubeletVersion = installedVersion(machine, "kubelet", KUBELET_PATHS) ?? node.kubeletVersion;
  const sandboxProblem = podSandboxProblem(ctx, machine);
  if (sandboxProblem) {
    node.podSandboxError = sandboxProblem;
    const quoted = sandboxProblem.replace(/"/g, '\\"');
    appendJournal(machine, KUBELET, '"Error syncing pod, skipping" err="failed to \\"CreatePodSandbox\\" with CreatePodSandboxError: \\"' + quoted + '\\""');
  } else {
    delete node.podSandboxError;
  }
  const member = cluster.controlPlane.get(nodeName);
  // The API server is a static pod: without a sandbox it never starts.
  if (!sandboxProblem && member && member.vmId === machine.spec.vmId && machine.fs.exists("/etc/kubernetes/manifests/kube-apiserver.yaml")) {
    await startMemberApi(ctx, cluster, member, machine);
  }
  holdExecutable(machine, KUBELET, KUBELET_PATHS);
  // A (re)starting kubelet registers its Node again if it was deleted meanwhile.
  if (!cluster.store.get("v1", "Node", nodeName)) registerNode(cluster, node);
  kubeletStarted(ctx, cluster, node);
  if (member && member.vmId === machine.spec.vmId) watchStaticPods(ctx, cluster, member, machine, node);
  return "running";
}

async function haltKubelet(ctx: KubeToolsContext, machine: NodeMachine): Promise<void> {
  releaseExecutable(machine, KUBELET);
  for (const cluster of ctx.registry.all()) {
    for (const node of cluster.nodes.values()) {
      if (node.vmId !== machine.spec.vmId) continue;
      const member = cluster.controlPlane.get(node.nodeName);
      if (member && member.vmId === machine.spec.vmId) await stopMemberApi(ctx, cluster, member, machine);
      if (node.kubeletRunning) kubeletStopped(cluster, node);
    }
  }
}

/** node/machine mutates the state object it keeps in the map, so do the same. */
function setKubeletState(machine: NodeMachine, active: ServiceState["active"], enabledDefault: boolean): void {
  const state = machine.services.get(KUBELET);
  if (state) state.active = active;
  else machine.services.set(KUBELET, { active, enabled: enabledDefault });
}

function markCrashLoop(machine: NodeMachine): void {
  // systemctl reports success, then the unit flaps: show it as activating (auto-restart).
  setImmediate(() => {
    const state = machine.services.get(KUBELET);
    if (state && state.active === "active") state.active = "activating";
  });
}

export function kubeletHook(ctx: KubeToolsContext): ServiceHook {
  return {
    async start(machine) {
      if ((await runKubelet(ctx, machine)) === "crashloop") markCrashLoop(machine);
    },
    async stop(machine) {
      await haltKubelet(ctx, machine);
    },
  };
}

/** What kubeadm does with `systemctl restart kubelet`; returns false when the kubelet failed. */
export async function restartKubelet(ctx: KubeToolsContext, machine: NodeMachine): Promise<boolean> {
  try {
    const outcome = await runKubelet(ctx, machine);
    setKubeletState(machine, outcome === "running" ? "active" : "activating", true);
    return outcome === "running";
  } catch {
    setKubeletState(machine, "failed", true);
    return false;
  }
}

export async function stopKubelet(ctx: KubeToolsContext, machine: NodeMachine): Promise<void> {
  await haltKubelet(ctx, machine);
  setKubeletState(machine, "inactive", false);
}

/** The etcd command line systemd would exec: the unit's ExecStart= after the binary (none without a unit file). */
function etcdArgs(machine: NodeMachine): string[] {
  const execStart = serviceUnit(machine, "etcd").execStart;
  return execStart ? execStartArgv(execStart).slice(1) : [];
}

/**
 * etcd as a unit: parses its flags as etcd does (a bad flag fails the start), then runs a member that
 * sends READY=1 only once its cluster has quorum (see etcdMember.ts), so a Type=notify etcd unit
 * keeps `systemctl start` waiting for the other members.
 */
export function etcdHook(ctx: KubeToolsContext): ServiceHook {
  return {
    sdNotify: true,
    async start(machine, notify) {
      if (!hasBinary(machine, ETCD_PATHS)) throw new CommandFailure("etcd.service: Failed to locate executable /opt/bin/etcd: No such file or directory");
      const cfg = parseEtcdArgs(etcdArgs(machine));
      const version = installedVersion(machine, "etcd", ETCD_PATHS);
      holdExecutable(machine, "etcd", ETCD_PATHS);
      await startEtcdMember(ctx, machine, cfg, version ? `${version.major}.${version.minor}.${version.patch}` : "3.5.15", notify);
    },
    async stop(machine) {
      releaseExecutable(machine, "etcd");
      await stopEtcdMember(ctx, machine);
    },
  };
}
