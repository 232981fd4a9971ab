// Phases after the control plane is up: the CNI, the dashboard, and waiting for readiness.
import * as https from "https";
import * as cmd from "../../kubernetes/commands";
import { clusterCaPem, withServer } from "../../kubernetes/kubeconfig";
import { nodeKubeletVersion, nodeReady, parseNodeList } from "../../kubernetes/joinCommand";
import type { ClusterContext } from "../context";
import { API_PORT } from "../clusterState";
import { pollUntil } from "../retry";
import { endpointHost, onNode } from "./bootstrap";

export const CNI_MARKER = `${cmd.MANIFEST_DIR}/.cni-configuration-applied`;

/**
 * The CNI: the ISO's network.yaml, or the cluster's CniConfiguration. CKS concatenates the whole CNI
 * cloud-config into control-1's userdata, so its runcmd runs at first boot, before `kubeadm init` has
 * produced an API server to apply anything to. We deliver its files through userdata (the VMs phase)
 * and run its runcmd here, over SSH with the admin kubeconfig, once the control plane answers: each
 * command's failure is then attributable, and a re-run resumes (a marker records completion).
 */
export async function cniPhase(ctx: ClusterContext): Promise<void> {
  const control1 = ctx.nodesOf("control")[0];
  await onNode("cni", control1, async () => {
    const cni = ctx.facts.cni;
    if (!cni) {
      ctx.progress.line("cni", "applying the ISO's network manifest", control1.name);
      await ctx.run(control1, cmd.kubectlApply(`${cmd.MANIFEST_DIR}/network.yaml`));
      return;
    }
    const done = await ctx.run(control1, cmd.nodeCommand(["test", "-f", CNI_MARKER]), { allowFailure: true });
    if (done.code === 0) return;
    for (const line of cni.runcmd) {
      ctx.progress.line("cni", "running a CNI configuration command", control1.name);
      await ctx.run(control1, cmd.nodeCommand(["env", `KUBECONFIG=${cmd.ADMIN_KUBECONFIG}`, "PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "sh", "-c", line], { sudo: true }));
    }
    await ctx.run(control1, cmd.writeFile(CNI_MARKER, "applied\n", { mode: "0644" }));
  });
}

export async function dashboardPhase(ctx: ClusterContext): Promise<void> {
  const control1 = ctx.nodesOf("control")[0];
  await onNode("dashboard", control1, async () => {
    ctx.progress.line("dashboard", "applying the dashboard manifest", control1.name);
    await ctx.run(control1, cmd.kubectlApply(`${cmd.MANIFEST_DIR}/dashboard.yaml`));
  });
}

/** Share of the remaining time a node may stay NotReady before its kubelet is restarted. */
const KUBELET_NUDGE_SHARE = 0.3;
/** Upper bound of that wait (a node normally turns Ready within a minute of its CNI). */
const KUBELET_NUDGE_MAX_MS = 3 * 60_000;

/**
 * Every control and worker node registered and Ready (etcd members are not Kubernetes nodes). A node
 * still NotReady after a share of the deadline gets its kubelet restarted, once per operation: the
 * kubelet then re-reads the CNI configuration and re-creates its pod sandboxes, the usual remedy for a
 * node stuck at "container runtime network not ready" (kubernetes/kubernetes pkg/kubelet/kubelet.go,
 * runtimeState network error until the CNI plugin reports ready). Without it, a node that missed its
 * CNI start stayed NotReady through every resume (issue 14 chaos runs, fault node-never-ready).
 */
export async function nodesReadyPhase(ctx: ClusterContext): Promise<void> {
  const control1 = ctx.nodesOf("control")[0];
  const expected = ctx.state.nodes.filter((n) => n.role !== "etcd");
  const nudgeAt = Date.now() + Math.min(KUBELET_NUDGE_MAX_MS, ctx.deadline.remaining() * KUBELET_NUDGE_SHARE);
  const nudged = new Set<string>();
  let last = "";
  await onNode("ready", control1, () =>
    pollUntil(
      async () => {
        const r = await ctx.run(control1, cmd.kubectlGetNodesJson(), { allowFailure: true });
        if (r.code !== 0) {
          last = "kubectl get nodes failed";
          return undefined;
        }
        const nodes = new Map(parseNodeList(r.stdout).map((n) => [n.metadata.name, n]));
        const notReady = expected.filter((n) => {
          const k = nodes.get(n.name);
          return !k || !nodeReady(k);
        });
        for (const n of expected) {
          const k = nodes.get(n.name);
          const v = k ? nodeKubeletVersion(k) : undefined;
          if (v) n.kubeletVersion = v;
        }
        last = notReady.length > 0 ? `not Ready: ${notReady.map((n) => n.name).join(", ")}` : "";
        if (notReady.length > 0) ctx.progress.line("ready", `waiting for ${notReady.length} node(s) to be Ready`);
        if (Date.now() >= nudgeAt) {
          for (const node of notReady.filter((n) => !nudged.has(n.name) && nodes.has(n.name))) {
            nudged.add(node.name);
            ctx.progress.line("ready", "node still NotReady: restarting its kubelet", node.name);
            await ctx.run(node, cmd.restartUnit("kubelet"), { allowFailure: true });
          }
        }
        return notReady.length === 0 ? true : undefined;
      },
      { deadline: ctx.deadline, what: "waiting for every node to be Ready", intervalMs: 500, describe: () => last },
    ),
  );
}

/** GET https://<endpoint>:6443/version, verifying the server against the cluster CA. */
export function probeApiVersion(host: string, caPem: string, timeoutMs = 5000): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const req = https.get({ host, port: API_PORT, path: "/version", ca: caPem, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ ok: res.statusCode === 200, detail: `HTTP ${res.statusCode}${res.statusCode === 200 ? "" : `: ${body.slice(0, 200)}`}` }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (err) => resolve({ ok: false, detail: err.message }));
  });
}

/** Reads admin.conf, waits until the API answers through the public endpoint, and publishes the kubeconfig. */
export async function kubeconfigPhase(ctx: ClusterContext): Promise<void> {
  const control1 = ctx.nodesOf("control")[0];
  const adminConf = await onNode("kubeconfig", control1, async () => (await ctx.run(control1, cmd.catAdminConf())).stdout);
  const host = endpointHost(ctx);
  const ca = clusterCaPem(adminConf);
  let last = "";
  await onNode("api", control1, () =>
    pollUntil(
      async () => {
        const r = await probeApiVersion(host, ca);
        last = r.detail;
        return r.ok ? true : undefined;
      },
      { deadline: ctx.deadline, what: `waiting for the API at https://${host}:${API_PORT}/version`, intervalMs: 500, describe: () => last },
    ),
  );
  ctx.state.endpoint = `https://${host}:${API_PORT}/`;
  // Published only now that the API answers through the endpoint (DESIGN rule 5).
  ctx.state.kubeconfig = withServer(adminConf, `https://${host}:${API_PORT}`);
}
