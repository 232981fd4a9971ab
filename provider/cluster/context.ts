// Everything a cluster phase needs: the cloud, the checked inputs, the state being built, progress,
// the deadline and node shells (cached per node, re-opened after a dropped connection).
import type { ClusterInputs } from "../resources/clusterInputs";
import type { NodeCommand } from "../kubernetes/commands";
import type { CloudApi } from "./cloudApi";
import type { ClusterState, NodeRecord } from "./clusterState";
import { Deadline } from "./deadline";
import type { NodeConnector, NodeShell, ShellResult } from "./nodeShell";
import { Progress } from "./progress";
import { withRetry } from "./retry";

/** A failure inside a phase: names the phase and the node so the message says where it happened. */
export class PhaseError extends Error {
  override name = "PhaseError";
  constructor(public readonly phase: string, public readonly node: string | undefined, public readonly causeText: string) {
    super(`${phase} failed${node ? ` on ${node}` : ""}: ${causeText}`);
  }
}

/** Facts learnt in the validate phase and used by later ones (not stored in state). */
export interface ClusterFacts {
  isoId: string;
  kubernetesVersion: string;
  templateIds: Record<"control" | "worker" | "etcd", string>;
  offerings: Record<"control" | "worker" | "etcd", { id: string; cpu: number; memory: number }>;
  networkType?: string;
  /**
   * The public IP was associated by this operation, so it carries no rules yet: the rules phase skips
   * its three listings once (issue 14: fixed API calls). Cleared by the rules phase, so a later run of
   * it in the same operation (a boot replacement) probes again.
   */
  freshPublicIp?: boolean;
  /** The CNI configuration's cloud-config without runcmd, and its runcmd lines (CniConfiguration given). */
  cni?: { cloudConfig: string; runcmd: string[] };
  /** kubeadm init ran in this operation (so the uploaded certificates are fresh for control joins). */
  freshInit: boolean;
}

export interface ClusterContextOptions {
  api: CloudApi;
  inputs: ClusterInputs;
  state: ClusterState;
  connector: NodeConnector;
  deadline: Deadline;
  progress?: Progress;
  /** Upper bound on concurrent VM deploys, ISO attaches and worker joins. */
  concurrency?: number;
}

/**
 * Default bound on concurrent work per phase (VM deploys, ISO attaches, port forwards, installs, joins).
 * Chosen from `npm run bench` (docs/bench.md, 2026-12-04, 50 workers at time scale 0.02): with 11 the
 * 51 VMs ran in 5 waves and create(50) took 4.5× create(1); with 26, 2.2×; with 52, 1.14×. 64 keeps a
 * 50-worker cluster plus its control and etcd nodes in one wave. The work is async CloudStack jobs and
 * SSH sessions, so the bound caps requests in flight, not CPU; CloudStack's optional API throttling
 * (api.throttling.max, per second) is met by the client's 429 retries.
 */
export const DEFAULT_CONCURRENCY = 64;

export class ClusterContext {
  readonly api: CloudApi;
  readonly inputs: ClusterInputs;
  readonly state: ClusterState;
  readonly deadline: Deadline;
  readonly progress: Progress;
  readonly concurrency: number;
  facts: Partial<ClusterFacts> = {};
  private readonly connector: NodeConnector;
  private readonly shells = new Map<string, Promise<NodeShell>>();

  constructor(opts: ClusterContextOptions) {
    this.api = opts.api;
    this.inputs = opts.inputs;
    this.state = opts.state;
    this.connector = opts.connector;
    this.deadline = opts.deadline;
    this.progress = opts.progress ?? new Progress("cluster", opts.inputs.name);
    this.concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  }

  get clusterId(): string {
    return this.state.clusterId;
  }

  nodesOf(role: NodeRecord["role"]): NodeRecord[] {
    return this.state.nodes.filter((n) => n.role === role);
  }

  node(name: string): NodeRecord {
    const found = this.state.nodes.find((n) => n.name === name);
    if (!found) throw new Error(`internal: unknown node ${name}`);
    return found;
  }

  /** Where SSH to a node goes: the public IP's forwarded port, or the guest IP on direct-access networks. */
  sshAddress(node: NodeRecord): { host: string; port: number } {
    if (this.state.directAccess) {
      if (!node.privateIp) throw new PhaseError("ssh", node.name, "the node has no IP address yet");
      return { host: node.privateIp, port: 22 };
    }
    if (!this.state.ipAddress) throw new PhaseError("ssh", node.name, "the cluster has no public IP yet");
    return { host: this.state.ipAddress, port: node.sshPort };
  }

  private async openShell(node: NodeRecord, deadline: Deadline): Promise<NodeShell> {
    const key = this.state.sshPrivateKey;
    if (!key) throw new PhaseError("ssh", node.name, "the cluster SSH key is missing from state");
    const { host, port } = this.sshAddress(node);
    const { shell, hostKeySha256 } = await this.connector.connect({
      node,
      host,
      port,
      privateKey: key,
      hostKeySha256: this.state.hostKeys[node.name],
      deadlineAt: deadline.at,
      label: `${this.inputs.name}/${node.name}`,
    });
    this.state.hostKeys[node.name] = hostKeySha256;
    return shell;
  }

  shell(node: NodeRecord, deadline: Deadline = this.deadline): Promise<NodeShell> {
    let pending = this.shells.get(node.name);
    if (!pending) {
      pending = this.openShell(node, deadline);
      this.shells.set(node.name, pending);
      pending.catch(() => this.shells.delete(node.name));
    }
    return pending;
  }

  /** Runs a command on a node; a dropped connection is re-opened and the (idempotent) command retried. */
  async run(node: NodeRecord, cmd: NodeCommand, opts: { timeoutMs?: number; allowFailure?: boolean; deadline?: Deadline } = {}): Promise<ShellResult> {
    const deadline = opts.deadline ?? this.deadline;
    return withRetry(
      async () => {
        const shell = await this.shell(node, deadline);
        try {
          return opts.allowFailure ? await shell.exec(cmd, opts) : await shell.run(cmd, opts);
        } catch (err) {
          if (isDisconnect(err)) {
            this.shells.delete(node.name);
            shell.close();
          }
          throw err;
        }
      },
      { deadline, what: `running ${cmd.display} on ${node.name}`, retryable: (err) => isDisconnect(err) || isConnectFailure(err), initialDelayMs: 200 },
    );
  }

  /** Forgets a node's shell (its VM was replaced): the next command connects to the new VM. */
  dropShell(node: NodeRecord): void {
    const pending = this.shells.get(node.name);
    this.shells.delete(node.name);
    pending?.then((s) => s.close()).catch(() => undefined);
  }

  closeShells(): void {
    for (const pending of this.shells.values()) pending.then((s) => s.close()).catch(() => undefined);
    this.shells.clear();
  }
}

/**
 * A node that cannot be reached yet (still booting, rules not yet active): retried until the deadline.
 * A host key mismatch is never retried: it is a security failure, not a transient one.
 */
function isConnectFailure(err: unknown): boolean {
  const e = err as { name?: unknown };
  return e?.name === "SshConnectError";
}

function isDisconnect(err: unknown): boolean {
  const e = err as { name?: unknown; retryable?: unknown };
  return e?.name === "SshDisconnectedError" || e?.name === "SshTimeoutError" || e?.retryable === true;
}

/** The minimum needed to find a cluster's resources (used by delete and read as well as by phases). */
export interface ClusterScope {
  api: CloudApi;
  clusterId: string;
  inputs: { name: string; zoneId: string; account?: string; domainId?: string; projectId?: string };
}
