// Where each node stands before the upgrade acts: its kubelet and (control nodes) kube-apiserver
// versions, read from the cluster. The skew policy must hold, and every node the upgrade has not
// taken out of service must be Ready (the health gate CKS lacks); a node we cordoned in a failed run
// is the one being resumed.
import { nodeKubeletVersion, nodeReady } from "../../kubernetes/joinCommand";
import { PhaseError, type ClusterContext } from "../context";
import { apiserverVersion } from "./controlPlane";
import { CORDONED_BY, kubeNodes } from "./nodeSteps";
import { skewViolations } from "./policy";

export async function probeVersions(ctx: ClusterContext): Promise<void> {
  const phase = "probe-versions";
  const nodes = await kubeNodes(ctx);
  const kubelets: Record<string, string> = {};
  const apiservers: Record<string, string> = {};
  const notReady: string[] = [];
  for (const node of ctx.state.nodes.filter((n) => n.role !== "etcd")) {
    const kube = nodes.get(node.name);
    const version = kube ? nodeKubeletVersion(kube) : undefined;
    if (version) {
      kubelets[node.name] = version;
      node.kubeletVersion = version;
    }
    if (!kube || (!nodeReady(kube) && !kube.metadata.annotations[CORDONED_BY])) notReady.push(node.name);
    if (node.role === "control") {
      const api = await apiserverVersion(ctx, node);
      if (api) apiservers[node.name] = api;
    }
  }
  ctx.progress.line(phase, Object.entries(kubelets).map(([n, v]) => `${n} ${v}${apiservers[n] ? ` (apiserver ${apiservers[n]})` : ""}`).join(", "));
  const skew = skewViolations(apiservers, kubelets);
  if (skew.length > 0) throw new PhaseError(phase, undefined, `the cluster breaks Kubernetes' version-skew policy: ${skew.join("; ")}`);
  if (notReady.length > 0) throw new PhaseError(phase, undefined, `nodes not Ready: ${notReady.join(", ")}; an upgrade starts only when every node is Ready (repair them first)`);
}
