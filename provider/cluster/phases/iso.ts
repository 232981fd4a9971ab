// ISO attach / detach on cluster VMs, concurrently. CKS attaches one VM at a time and never detaches
// from etcd nodes (cks-behaviour.md §12); we detach everything we attached. The per-node functions are
// also the upgrade's "attach the new version's ISO" and "detach" steps.
import { parseList, VmSchema } from "../entities";
import { PhaseError, type ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { describeCloudError } from "../cloudErrors";
import { mapLimit } from "../concurrency";
import { withRetry } from "../retry";
import { scoped } from "./validate";
import { listAllOrGone } from "../listGone";

async function currentIso(ctx: ClusterContext, vmId: string): Promise<string | undefined> {
  const vm = parseList(VmSchema, await listAllOrGone(ctx.api, "listVirtualMachines", { ...scoped(ctx.inputs, {}), id: vmId, listall: true }, "virtualmachine"), "listVirtualMachines")[0];
  return vm?.isoid;
}

/** Attaches `isoId` to the node's VM unless it is attached already (another ISO is detached first). */
export async function attachIsoTo(ctx: ClusterContext, node: NodeRecord, isoId: string, phase = "iso"): Promise<void> {
  const vmId = node.virtualMachineId as string;
  const retry = { deadline: ctx.deadline, what: `attaching the ISO to ${node.name}` };
  const attached = await withRetry(() => currentIso(ctx, vmId), retry);
  if (attached === isoId) return;
  ctx.progress.line(phase, "attaching the Kubernetes ISO", node.name);
  try {
    if (attached) await withRetry(() => ctx.api.request("detachIso", { virtualmachineid: vmId }), retry);
    await withRetry(() => ctx.api.request("attachIso", { id: isoId, virtualmachineid: vmId }), retry);
  } catch (err) {
    throw new PhaseError(phase, node.name, describeCloudError(err));
  }
}

/** Detaches whatever ISO the node's VM has. */
export async function detachIsoFrom(ctx: ClusterContext, node: NodeRecord, phase = "detach-iso"): Promise<void> {
  const vmId = node.virtualMachineId as string;
  const retry = { deadline: ctx.deadline, what: `detaching the ISO from ${node.name}` };
  const attached = await withRetry(() => currentIso(ctx, vmId), retry);
  if (!attached) return;
  ctx.progress.line(phase, "detaching the Kubernetes ISO", node.name);
  try {
    await withRetry(() => ctx.api.request("detachIso", { virtualmachineid: vmId }), retry);
  } catch (err) {
    throw new PhaseError(phase, node.name, describeCloudError(err));
  }
}

export async function attachIsoPhase(ctx: ClusterContext): Promise<void> {
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) => attachIsoTo(ctx, node, ctx.inputs.kubernetesVersionId));
}

export async function detachIsoPhase(ctx: ClusterContext): Promise<void> {
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) => detachIsoFrom(ctx, node));
}
