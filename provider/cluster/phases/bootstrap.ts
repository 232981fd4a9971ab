// Phase: bootstrap over SSH (DESIGN rule 9). cloud-init first, then the ISO install on every node
// concurrently, external etcd members one at a time, `kubeadm init` on control-1, control-plane joins
// one at a time and worker joins concurrently. Every step is probed, so a re-run resumes.
import * as cmd from "../../kubernetes/commands";
import { renderKubeadmInitConfig } from "../../kubernetes/kubeadmConfig";
import { parseJoinCommand, parseNodeList, type JoinParameters } from "../../kubernetes/joinCommand";
import { registryCredentialsCommand } from "../../kubernetes/registry";
import { renderEtcdUnit } from "../../kubernetes/userdata";
import { PhaseError, type ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { API_PORT } from "../clusterState";
import { bootstrapToken, certificateKey } from "../bootstrapSecrets";
import { mapLimit } from "../concurrency";
import { pollUntil } from "../retry";
import { installFromIso } from "./install";
import { bootDeadline, MAX_BOOT_REPLACEMENTS, replaceUnbootedVm } from "./bootReplace";

export const KUBEADM_CONFIG_PATH = "/etc/kubernetes/kubeadm-config.yaml";

/** Runs `fn` for a node and turns any failure into a PhaseError naming the phase and the node. */
export async function onNode<T>(phase: string, node: NodeRecord, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PhaseError) throw err;
    throw new PhaseError(phase, node.name, err instanceof Error ? err.message : String(err));
  }
}

/** The control-plane endpoint host: the public IP, the external LB IP, or control-1's guest IP. */
export function endpointHost(ctx: ClusterContext): string {
  if (ctx.inputs.externalLoadBalancerIpAddress) return ctx.inputs.externalLoadBalancerIpAddress;
  if (ctx.state.directAccess) return ctx.nodesOf("control")[0].privateIp as string;
  return ctx.state.ipAddress as string;
}

/**
 * Waits for cloud-init on every node. `cloud-init status --wait` exits 2 from cloud-init 23.4 when it
 * finished with recoverable errors (deprecated keys, a schema warning): the node is usable, so that is
 * a warning in progress, not a failure (canonical/cloud-init doc/rtd/explanation/return_codes.rst).
 * Exit 1 (or anything else) is a failure naming the node and cloud-init's own output.
 */
export async function cloudInitPhase(ctx: ClusterContext): Promise<void> {
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) =>
    onNode("cloud-init", node, async () => {
      ctx.progress.line("cloud-init", "waiting for cloud-init", node.name);
      const wait = cmd.cloudInitStatusWait();
      const r = await waitForBoot(ctx, node, wait);
      const outcome = cmd.cloudInitOutcome(r.code);
      if (outcome === "done") return;
      const said = lastLines(`${r.stdout}\n${r.stderr}`, 5);
      if (outcome === "degraded") {
        ctx.progress.line("cloud-init", `WARNING: cloud-init finished with recoverable errors (degraded, exit 2); continuing. Run 'cloud-init status --long' on the node for details${said ? `: ${said}` : ""}`, node.name);
        return;
      }
      throw new Error(`\`${wait.display}\` exited with code ${r.code ?? "none (killed)"}: cloud-init failed on the node${said ? `: ${said}` : ""}. See /var/log/cloud-init-output.log on the node`);
    }),
  );
}

/**
 * `cloud-init status --wait` within the node's boot deadline; a VM that does not answer SSH or finish
 * cloud-init by then never will (boot hang), so it is replaced, at most MAX_BOOT_REPLACEMENTS times.
 */
async function waitForBoot(ctx: ClusterContext, node: NodeRecord, wait: cmd.NodeCommand): Promise<Awaited<ReturnType<ClusterContext["run"]>>> {
  for (let replaced = 0; ; replaced++) {
    const deadline = bootDeadline(ctx, node);
    try {
      return await ctx.run(node, wait, { allowFailure: true, deadline, timeoutMs: Math.max(1, deadline.remaining()) });
    } catch (err) {
      if (replaced >= MAX_BOOT_REPLACEMENTS || !deadline.expired() || ctx.deadline.expired()) throw err;
      const cause = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      await replaceUnbootedVm(ctx, node, `no SSH answer or cloud-init unfinished within its boot deadline: ${cause}`);
    }
  }
}

/** The last non-empty lines of a command's output, joined with " | ", for one progress or error line. */
function lastLines(text: string, n: number): string {
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !/^\.+$/.test(l)).slice(-n).join(" | ");
}

export async function installPhase(ctx: ClusterContext): Promise<void> {
  const version = ctx.state.kubernetesVersion as string;
  const registry = ctx.inputs.privateRegistry;
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) =>
    onNode("install", node, async () => {
      await installFromIso(ctx, node, version);
      if (registry?.url && registry.username && registry.password && node.role !== "etcd") {
        // Credentials go over SSH (mode 0600), never into userdata, which any VM-metadata reader sees.
        ctx.progress.line("install", "installing private registry credentials", node.name);
        await ctx.run(node, registryCredentialsCommand({ url: registry.url, username: registry.username, password: registry.password, email: registry.email }));
      }
    }),
  );
}

/** How long the external etcd members get to find each other once all are started. */
const ETCD_QUORUM_TIMEOUT_MS = 5 * 60_000;

export async function etcdPhase(ctx: ClusterContext): Promise<void> {
  const members = ctx.nodesOf("etcd");
  if (members.length === 0) return;
  const initialCluster = members.map((m) => ({ name: m.name, ip: m.privateIp as string }));
  // One at a time (DESIGN rule 4), but no member waits for the others: the unit is Type=exec, so
  // `systemctl enable --now` returns once etcd runs, before the cluster has quorum (etcdUnit.ts).
  for (const member of members) {
    await onNode("etcd", member, async () => {
      ctx.progress.line("etcd", "starting etcd", member.name);
      const unit = renderEtcdUnit({ name: member.name, ip: member.privateIp as string, initialCluster, clusterToken: `etcd-${ctx.state.prefix}` });
      await ctx.run(member, cmd.installEtcdUnit(unit));
      await ctx.run(member, cmd.daemonReload());
      await ctx.run(member, cmd.enableNow("etcd"));
    });
  }
  // Then wait until every member serves: etcd answers clients only once the cluster has quorum.
  const deadline = ctx.deadline.sub(ETCD_QUORUM_TIMEOUT_MS, "etcd");
  for (const member of members) {
    await onNode("etcd", member, async () => {
      ctx.progress.line("etcd", "waiting for the etcd cluster to be healthy", member.name);
      let last = "";
      await pollUntil(
        async () => {
          const r = await ctx.run(member, cmd.etcdEndpointHealth([`http://${member.privateIp as string}:2379`]), { allowFailure: true });
          last = (r.stderr || r.stdout).trim();
          return r.code === 0 ? true : undefined;
        },
        { deadline, what: `etcd member ${member.name} to be healthy`, intervalMs: 500, describe: () => last },
      );
    });
  }
}

async function nodesInCluster(ctx: ClusterContext, control1: NodeRecord): Promise<Set<string>> {
  const r = await ctx.run(control1, cmd.kubectlGetNodesJson());
  return new Set(parseNodeList(r.stdout).map((n) => n.metadata.name));
}

/**
 * Writes the cluster's kubeadm configuration (init + cluster) to control-1. Deterministic: the token
 * and certificate key derive from the cluster key, so a resume writes the same file again.
 */
async function writeKubeadmConfig(ctx: ClusterContext, control1: NodeRecord): Promise<void> {
  const key = ctx.state.sshPrivateKey as string;
  const config = renderKubeadmInitConfig({
    kubernetesVersion: ctx.state.kubernetesVersion as string,
    token: bootstrapToken(key, ctx.clusterId),
    tokenTtl: "24h0m0s",
    certificateKey: certificateKey(key, ctx.clusterId),
    nodeName: control1.name,
    advertiseAddress: control1.privateIp as string,
    publicIp: endpointHost(ctx),
    externalEtcdIps: ctx.nodesOf("etcd").map((n) => n.privateIp as string),
  });
  await ctx.run(control1, cmd.writeFile(KUBEADM_CONFIG_PATH, config, { mode: "0600" }));
}

export async function initPhase(ctx: ClusterContext): Promise<boolean> {
  const control1 = ctx.nodesOf("control")[0];
  return onNode("kubeadm-init", control1, async () => {
    const present = await ctx.run(control1, cmd.nodeCommand(["test", "-f", cmd.ADMIN_KUBECONFIG], { sudo: true }), { allowFailure: true });
    if (present.code === 0) {
      ctx.progress.line("kubeadm-init", "control plane already initialised", control1.name);
      return false;
    }
    ctx.progress.line("kubeadm-init", "kubeadm init", control1.name);
    await writeKubeadmConfig(ctx, control1);
    await ctx.run(control1, cmd.kubeadmInit({ configPath: KUBEADM_CONFIG_PATH, uploadCerts: true }));
    return true;
  });
}

/**
 * A join that failed half-way leaves /etc/kubernetes/kubelet.conf behind, and kubeadm's preflight then
 * refuses a second join; the node is not in the cluster (we only get here for those), so reset it first.
 */
async function resetHalfJoined(ctx: ClusterContext, node: NodeRecord): Promise<void> {
  // Both files fail join's preflight (FileAvailable--etc-kubernetes-kubelet.conf, ...-pki-ca.crt; kubernetes
  // cmd/kubeadm/app/preflight/checks.go JoinNodeChecks); a control-plane join writes pki before its kubelet phase.
  const leftover = await ctx.run(node, cmd.nodeCommand(["test", "-f", "/etc/kubernetes/kubelet.conf", "-o", "-f", "/etc/kubernetes/pki/ca.crt"], { sudo: true }), { allowFailure: true });
  if (leftover.code !== 0) return;
  ctx.progress.line("join", "resetting a half-finished join", node.name);
  await ctx.run(node, cmd.kubeadmReset());
}

export async function joinPhase(ctx: ClusterContext, freshInit: boolean): Promise<void> {
  const [control1, ...otherControls] = ctx.nodesOf("control");
  const workers = ctx.nodesOf("worker");
  const joined = await onNode("join", control1, () => nodesInCluster(ctx, control1));
  const pendingControls = otherControls.filter((n) => !joined.has(n.name));
  const pendingWorkers = workers.filter((n) => !joined.has(n.name));
  if (pendingControls.length === 0 && pendingWorkers.length === 0) return;

  // The discovery hash (and a fresh token) from the control plane itself.
  const join: JoinParameters = await onNode("join", control1, async () => parseJoinCommand((await ctx.run(control1, cmd.kubeadmTokenCreate({ ttl: "2h" }))).stdout));
  const endpoint = `${endpointHost(ctx)}:${API_PORT}`;
  const certKey = certificateKey(ctx.state.sshPrivateKey as string, ctx.clusterId);
  if (pendingControls.length > 0 && !freshInit) {
    // Uploaded control-plane certificates expire after 2 hours: upload them again on resume, with the
    // cluster's kubeadm config (it carries our certificate key). The set kubeadm uploads depends on the
    // etcd topology of the config it runs with (copycerts.go certsToTransfer): without --config it is
    // the stacked set, and a control-plane join of an external-etcd cluster then fails.
    await onNode("join", control1, async () => {
      await writeKubeadmConfig(ctx, control1);
      await ctx.run(control1, cmd.kubeadmUploadCerts({ configPath: KUBEADM_CONFIG_PATH }));
    });
  }
  for (const node of pendingControls) {
    await onNode("join", node, async () => {
      await resetHalfJoined(ctx, node);
      ctx.progress.line("join", "joining the control plane", node.name);
      await ctx.run(node, cmd.kubeadmJoin({ endpoint, token: join.token, caCertHash: join.caCertHash, nodeName: node.name, controlPlane: true, certificateKey: certKey, advertiseAddress: node.privateIp }));
    });
  }
  await mapLimit(pendingWorkers, ctx.concurrency, (node) =>
    onNode("join", node, async () => {
      await resetHalfJoined(ctx, node);
      ctx.progress.line("join", "joining as a worker", node.name);
      await ctx.run(node, cmd.kubeadmJoin({ endpoint, token: join.token, caCertHash: join.caCertHash, nodeName: node.name }));
    }),
  );
}
