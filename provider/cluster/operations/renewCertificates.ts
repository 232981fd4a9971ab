// Certificate renewal (certificateRenewalDays): when the control plane's certificates expire within the
// window, on every control node, one at a time: `kubeadm certs renew all`, then restart the static pods
// so they load the new certificates. kubeadm's docs (kubernetes.io/docs/tasks/administer-cluster/kubeadm/
// kubeadm-certs/#manual-certificate-renewal): "To restart a static Pod you can temporarily remove its
// manifest file from /etc/kubernetes/manifests/ ... The kubelet will terminate the Pod ... move the file
// back and ... the kubelet will recreate the Pod". We restart the kubelet after each move instead of
// waiting out its fileCheckFrequency (20 s). Then the kubeconfig (admin.conf's client certificate is
// renewed too) and certificatesExpireAt are refreshed. Every node is probed first: a node whose
// certificates are already outside the window is not renewed again on a resume.
import * as cmd from "../../kubernetes/commands";
import type { ClusterInputs } from "../../resources/clusterInputs";
import type { ClusterContext } from "../context";
import type { ClusterState, NodeRecord } from "../clusterState";
import type { Phase } from "../operation";
import { nodeCertificateExpiry, recordCertificateExpiry } from "../phases/certificates";
import { apiAndKubeconfig } from "../day2/ready";
import { nodeStep } from "../upgrade/nodeSteps";
import { waitApiserver } from "../upgrade/controlPlane";
import { rollingSettings } from "../upgrade/settings";

const DAY_MS = 24 * 3600_000;
export const STATIC_POD_DIR = "/etc/kubernetes/manifests";
/** Where the manifests wait while their pods stop; a resume finds them here and moves them back. */
export const PAUSED_DIR = "/etc/kubernetes/manifests-cert-renewal";
/** Written after the static pods restarted: the expiry of the certificates they were restarted with. */
export const RESTARTED_MARK = "/etc/kubernetes/pki/.cks-static-pods-restarted-for";

async function restartedFor(ctx: ClusterContext, node: NodeRecord): Promise<string | undefined> {
  const r = await ctx.run(node, cmd.nodeCommand(["cat", RESTARTED_MARK], { sudo: true }), { allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** True when `expireAt` (ISO 8601) falls within `days` days of `now`. */
export function certificatesDue(expireAt: string | undefined, days: number, now: number = Date.now()): boolean {
  if (!expireAt) return false;
  const at = Date.parse(expireAt);
  return Number.isFinite(at) && at - now <= days * DAY_MS;
}

async function listDir(ctx: ClusterContext, node: NodeRecord, dir: string): Promise<string[]> {
  const r = await ctx.run(node, cmd.nodeCommand(["ls", "-1", dir], { sudo: true }), { allowFailure: true });
  return r.code === 0 ? r.stdout.split("\n").map((l) => l.trim()).filter((l) => l.endsWith(".yaml")) : [];
}

async function move(ctx: ClusterContext, node: NodeRecord, files: readonly string[], from: string, to: string): Promise<void> {
  await ctx.run(node, cmd.nodeCommand(["mkdir", "-p", to], { sudo: true }));
  for (const f of files) await ctx.run(node, cmd.nodeCommand(["mv", `${from}/${f}`, `${to}/${f}`], { sudo: true }));
}

/** Moves the static pod manifests out, lets the kubelet stop the pods, moves them back, waits for the apiserver. */
async function restartStaticPods(ctx: ClusterContext, node: NodeRecord): Promise<void> {
  const paused = await listDir(ctx, node, PAUSED_DIR);
  const active = (await listDir(ctx, node, STATIC_POD_DIR)).filter((f) => !paused.includes(f));
  if (active.length > 0) {
    await move(ctx, node, active, STATIC_POD_DIR, PAUSED_DIR);
    await ctx.run(node, cmd.restartUnit("kubelet"));
  }
  await move(ctx, node, [...paused, ...active], PAUSED_DIR, STATIC_POD_DIR);
  await ctx.run(node, cmd.restartUnit("kubelet"));
}

/**
 * Renews one node. Probe: the node's earliest expiry. It is not renewed again when outside the window, or
 * later than the certificatesExpireAt recorded before this run (renewed by a run that failed after it);
 * its static pods are restarted unless the mark says they already were for these certificates.
 */
async function renewNode(ctx: ClusterContext, node: NodeRecord, days: number, recorded: string | undefined): Promise<void> {
  const phase = "renew";
  const at = await nodeStep(ctx, phase, node, "check expiry", () => nodeCertificateExpiry(ctx, node));
  const paused = await listDir(ctx, node, PAUSED_DIR);
  const renewedAlready = at !== undefined && recorded !== undefined && at.getTime() > Date.parse(recorded);
  const due = !at || certificatesDue(at.toISOString(), days);
  const restarted = at !== undefined && (await restartedFor(ctx, node)) === at.toISOString();
  if ((!due || renewedAlready) && paused.length === 0 && restarted) {
    ctx.progress.line(phase, `certificates expire at ${at?.toISOString() ?? "?"}: ${renewedAlready ? "already renewed" : `outside the ${days}-day window`}`, node.name);
    return;
  }
  if (due && !renewedAlready) {
    await nodeStep(ctx, phase, node, "kubeadm certs renew all", () => ctx.run(node, cmd.nodeCommand([cmd.KUBEADM, "certs", "renew", "all"], { sudo: true, path: cmd.KUBE_PATH })));
  }
  await nodeStep(ctx, phase, node, "restart the static pods", async () => {
    await restartStaticPods(ctx, node);
    const now = await nodeCertificateExpiry(ctx, node);
    if (now) await ctx.run(node, cmd.writeFile(RESTARTED_MARK, now.toISOString()));
  });
  const version = ctx.state.kubernetesVersion ?? ctx.inputs.kubernetesVersion;
  if (version) await nodeStep(ctx, phase, node, "kube-apiserver healthy", () => waitApiserver(ctx, node, version, rollingSettings(ctx.inputs)));
}

export function renewCertificatesOperation(inputs: ClusterInputs, _state: ClusterState): Phase[] {
  const days = inputs.certificateRenewalDays;
  return [
    {
      name: "renew",
      run: async (ctx) => {
        const recorded = ctx.state.certificatesExpireAt;
        for (const node of ctx.nodesOf("control")) await renewNode(ctx, node, days, recorded);
      },
    },
    { name: "kubeconfig", run: (ctx) => apiAndKubeconfig(ctx, "kubeconfig") },
    { name: "certificates", run: recordCertificateExpiry },
  ];
}
