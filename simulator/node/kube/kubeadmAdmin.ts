// kubeadm subcommands that talk to a running cluster with admin credentials (token, upgrade, certs):
// the kubeconfig (default /etc/kubernetes/admin.conf) must hold a certificate signed by the cluster CA
// and its server must answer through the fabric.
import type { NodeMachine } from "../types";
import type { KubeCluster } from "./cluster";
import type { KubeToolsContext } from "./context";
import { CommandFailure } from "./failure";
import { resolveKubeconfig, splitServer } from "./kubeconfig";
import { locateCluster } from "./locate";
import { readAs } from "./nodeFacts";
import { isSignedBy } from "./pki";

export async function adminCluster(ctx: KubeToolsContext, machine: NodeMachine, user: string, kubeconfigPath = "/etc/kubernetes/admin.conf"): Promise<KubeCluster> {
  const read = readAs(machine, user, kubeconfigPath);
  const text = read.data?.toString("utf8");
  if (!text) throw new CommandFailure(`failed to load admin kubeconfig: open ${kubeconfigPath}: ${read.denied ? "permission denied" : "no such file or directory"}\nTo see the stack trace of this error execute with --v=5 or higher`);
  const cfg = resolveKubeconfig(text, (p) => machine.fs.read(p)?.toString("utf8"));
  const server = splitServer(cfg.server);
  if (!server) throw new CommandFailure(`invalid server URL in ${kubeconfigPath}`);
  const located = await locateCluster(ctx, machine.spec.vmId, server.host, server.port);
  if (located.kind !== "found") {
    throw new CommandFailure(`Get "${cfg.server}/api/v1/namespaces/kube-system/configmaps/kubeadm-config?timeout=10s": dial tcp ${server.host}:${server.port}: connect: connection refused\nTo see the stack trace of this error execute with --v=5 or higher`);
  }
  const cluster = located.cluster;
  if (!cfg.clientCertPem || !isSignedBy(cfg.clientCertPem, cluster.ca.certPem, new Date(machine.clock.now()))) {
    throw new CommandFailure("Unauthorized\nTo see the stack trace of this error execute with --v=5 or higher");
  }
  return cluster;
}
