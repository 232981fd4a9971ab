// Health on read (refresh): which Kubernetes nodes are not Ready, asked with kubectl over SSH on the
// first control node, the way CKS's state scanner counts Ready nodes (cks-day2.md §6). Read-only: a copy
// of the recorded state is used (host keys learnt here are not written back) and nothing is changed.
import * as cmd from "../../kubernetes/commands";
import { nodeReady, parseNodeList } from "../../kubernetes/joinCommand";
import { ClusterInputsSchema } from "../../resources/clusterInputs";
import type { CloudApi } from "../cloudApi";
import { ClusterContext } from "../context";
import type { ClusterState } from "../clusterState";
import { Deadline } from "../deadline";
import type { NodeConnector } from "../nodeShell";
import { Progress } from "../progress";
import { certificatesDue } from "../operations/renewCertificates";

/** How long read waits for the control node's answer before it reports the nodes' health as unknown. */
const READ_SSH_MS = 30_000;
/** The window read warns about (the 30 days, whatever certificateRenewalDays says). */
export const CERT_WARNING_DAYS = 30;

export type NodeHealthProbe = (state: ClusterState) => Promise<{ notReady: string[] } | { error: string }>;

/** A probe that runs `kubectl get nodes` on control-1 with the recorded key and pinned host keys. */
export function sshNodeHealth(props: Record<string, unknown>, api: CloudApi, connector: NodeConnector): NodeHealthProbe {
  return async (recorded) => {
    const inputs = ClusterInputsSchema.safeParse(props);
    const control1 = recorded.nodes.find((n) => n.role === "control" && n.index === 1);
    if (!inputs.success || !control1 || !recorded.sshPrivateKey) return { error: "the recorded state has no SSH key or control node" };
    const state: ClusterState = structuredClone(recorded);
    const ctx = new ClusterContext({ api, inputs: inputs.data, state, connector, deadline: Deadline.in(READ_SSH_MS, "read node health"), progress: new Progress("cluster", inputs.data.name, () => undefined) });
    try {
      const r = await ctx.run(control1, cmd.kubectlGetNodesJson(), { allowFailure: true, timeoutMs: READ_SSH_MS });
      if (r.code !== 0) return { error: `kubectl get nodes on ${control1.name} failed: ${r.stderr.split("\n")[0] ?? ""}` };
      const nodes = new Map(parseNodeList(r.stdout).map((n) => [n.metadata.name, n]));
      const expected = recorded.nodes.filter((n) => n.role !== "etcd").map((n) => n.name);
      const names = new Set([...expected, ...nodes.keys()]);
      return { notReady: [...names].filter((name) => { const k = nodes.get(name); return !k || !nodeReady(k); }).sort() };
    } catch (err) {
      return { error: `could not ask ${control1.name} for the nodes' health: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}` };
    } finally {
      ctx.closeShells();
    }
  };
}

/** The certificate warning for stateReason, or undefined. */
export function certificateWarning(expireAt: string | undefined, now: number = Date.now()): string | undefined {
  if (!certificatesDue(expireAt, CERT_WARNING_DAYS, now)) return undefined;
  return Date.parse(expireAt as string) <= now
    ? `the control-plane certificates expired at ${expireAt}`
    : `the control-plane certificates expire at ${expireAt}, within ${CERT_WARNING_DAYS} days (\`pulumi up\` renews them within certificateRenewalDays)`;
}
