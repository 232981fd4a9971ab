// `kubeadm reset [-f]`: stop the kubelet (and this node's API server), leave the control plane and the
// stacked etcd cluster, remove /etc/kubernetes state. Objects in the cluster (the Node) stay.
import type { CommandIO, NodeMachine } from "../types";
import { DURATIONS, type KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { flagBool, parseFlags } from "./flags";
import { requireRootFailure } from "./kubeadmShared";
import { controlPlaneCluster, kubeletIdentity } from "./nodeFacts";
import { reconcileCluster } from "./reconcile";
import { stopKubelet } from "./services";

export async function kubeadmReset(ctx: KubeToolsContext, args: string[], io: CommandIO, machine: NodeMachine): Promise<number> {
  const flags = parseFlags(args, {
    force: { kind: "bool", short: "f" },
    "ignore-preflight-errors": { kind: "array" },
    "cri-socket": { kind: "string" },
    "cert-dir": { kind: "string" },
    "cleanup-tmp-dir": { kind: "bool" },
    "skip-phases": { kind: "array" },
    "dry-run": { kind: "bool" },
    kubeconfig: { kind: "string" },
    config: { kind: "string" },
    v: { kind: "string", short: "v" },
    rootfs: { kind: "string" },
  });
  const notRoot = requireRootFailure(io);
  if (notRoot) throw notRoot;
  io.stdout("W1124 00:00:00.000000    1 preflight.go:56] [reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.\n[reset] Are you sure you want to proceed? [y/N]: ");
  if (!flagBool(flags, "force") && !/^\s*y/i.test(io.stdin.toString("utf8"))) {
    throw new CommandFailure("won't proceed; the user didn't answer (Y|y) in order to continue");
  }
  io.stdout("\n[preflight] Running pre-flight checks\n");
  const cluster = controlPlaneCluster(ctx, machine) ?? kubeletIdentity(ctx, machine)?.cluster;
  await stopKubelet(ctx, machine);
  if (cluster) {
    for (const member of [...cluster.controlPlane.values()]) {
      if (member.vmId !== machine.spec.vmId) continue;
      // A reset control node leaves the control plane and, when stacked, the etcd cluster.
      cluster.controlPlane.delete(member.nodeName);
      if (cluster.etcd.mode === "stacked" && cluster.etcd.members.delete(member.nodeName)) {
        io.stdout(`[reset] Removing info for node "${member.nodeName}" from the ConfigMap "kubeadm-config" in the "kube-system" Namespace\n[reset] Stopping the etcd member on this node\n`);
      }
    }
    reconcileCluster(cluster);
  }
  await ctx.env.clock.sleep(DURATIONS.reset, io.signal);
  for (const path of ["/etc/kubernetes/manifests", "/etc/kubernetes/pki", "/var/lib/kubelet", "/var/lib/etcd"]) {
    machine.fs.remove(path, { recursive: true });
  }
  for (const conf of ["admin.conf", "super-admin.conf", "kubelet.conf", "bootstrap-kubelet.conf", "controller-manager.conf", "scheduler.conf"]) {
    machine.fs.remove(`/etc/kubernetes/${conf}`);
  }
  machine.fs.mkdirp("/etc/kubernetes/manifests", 0o755);
  io.stdout(
    '[reset] Stopping the kubelet service\n[reset] Unmounting mounted directories in "/var/lib/kubelet"\n[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]\n[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]\n\nThe reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d\n\nThe reset process does not reset or clean up iptables rules or IPVS tables.\nIf you wish to reset iptables, you must do so manually by using the "iptables" command.\n\nIf your cluster was setup to utilize IPVS, run ipvsadm --clear (or similar)\nto reset your system\'s IPVS tables.\n\nThe reset process does not clean your kubeconfig files and you must remove them manually.\nPlease, check the contents of the $HOME/.kube/config file.\n',
  );
  return 0;
}

