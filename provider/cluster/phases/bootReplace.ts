// A VM that CloudStack reports Running but that never boots (no sshd, cloud-init never finishing) is
// replaced once: destroyed and deployed again under the same name, then given the ISO and its port
// forward again. Bounded, so a node that keeps failing to boot fails the operation instead of looping.
import { Deadline } from "../deadline";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { deployOne, destroyNodeVm } from "./vms";
import { attachIsoPhase } from "./iso";
import { rulesPhase } from "./rules";

/** Share of the operation's remaining time one boot may take: the rest is left for a replacement. */
const BOOT_SHARE = 0.25;
/** Upper bound for one boot (a cloud image boots and runs cloud-init in a few minutes). */
const MAX_BOOT_MS = 15 * 60_000;
/** How many times one node's VM is replaced in one operation. */
export const MAX_BOOT_REPLACEMENTS = 1;

/**
 * The per-node boot deadline: a share of what is left of the operation's deadline (so a short
 * `timeouts` input, as the simulator's time-scaled tests use, gets a short boot deadline), capped.
 */
export function bootDeadline(ctx: ClusterContext, node: NodeRecord): Deadline {
  const ms = Math.min(MAX_BOOT_MS, Math.floor(ctx.deadline.remaining() * BOOT_SHARE));
  return ctx.deadline.sub(ms, `${node.name} boot`);
}

/** One queue per operation: clusters in one provider host do not wait for each other. */
const queues = new WeakMap<ClusterContext, Promise<unknown>>();

/** Runs `fn` after the operation's earlier replacements: the ISO and rules probes see one at a time. */
function serial<T>(ctx: ClusterContext, fn: () => Promise<T>): Promise<T> {
  const next = (queues.get(ctx) ?? Promise.resolve()).then(fn, fn);
  queues.set(ctx, next.catch(() => undefined));
  return next;
}

export async function replaceUnbootedVm(ctx: ClusterContext, node: NodeRecord, why: string): Promise<void> {
  await serial(ctx, async () => {
    ctx.progress.line("cloud-init", `VM never booted (${why}): replacing it`, node.name);
    ctx.dropShell(node);
    if (node.virtualMachineId) await destroyNodeVm(ctx, node.virtualMachineId);
    delete node.virtualMachineId;
    delete node.privateIp;
    await deployOne(ctx, node, undefined);
    ctx.state.virtualMachineIds = ctx.state.nodes.map((n) => n.virtualMachineId as string);
    // Both are probe-then-act over every node: only the new VM gets an ISO and a port forward.
    await attachIsoPhase(ctx);
    await rulesPhase(ctx);
  });
}
