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
import { clusterTagFilter } from "../tags";

/** The ISO attached to a VM, or undefined. */
export type IsoProbe = (vmId: string) => Promise<string | undefined>;

async function currentIso(ctx: ClusterContext, vmId: string): Promise<string | undefined> {
  const vm = parseList(VmSchema, await listAllOrGone(ctx.api, "listVirtualMachines", { ...scoped(ctx.inputs, {}), id: vmId, listall: true }, "virtualmachine"), "listVirtualMachines")[0];
  return vm?.isoid;
}

/**
 * The attached ISO of every cluster VM, from one listing by our cluster tag instead of one listing
 * per node (issue 14: per-node list calls). A VM missing from it (not tagged yet) is asked for alone.
 */
export async function isoProbe(ctx: ClusterContext): Promise<IsoProbe> {
  const retry = { deadline: ctx.deadline, what: "listing the cluster VMs' ISOs" };
  const listed = await withRetry(
    async () => parseList(VmSchema, await ctx.api.listAll("listVirtualMachines", { ...scoped(ctx.inputs, {}), listall: true, tags: clusterTagFilter(ctx.clusterId) }, "virtualmachine"), "listVirtualMachines"),
    retry,
  );
  const byId = new Map(listed.map((vm) => [vm.id, vm]));
  return async (vmId) => {
    const vm = byId.get(vmId);
    if (vm) return vm.isoid;
    return withRetry(() => currentIso(ctx, vmId), retry);
  };
}

/** Attaches `isoId` to the node's VM unless it is attached already (another ISO is detached first). */
export async function attachIsoTo(ctx: ClusterContext, node: NodeRecord, isoId: string, phase = "iso", probe?: IsoProbe): Promise<void> {
  const vmId = node.virtualMachineId as string;
  const retry = { deadline: ctx.deadline, what: `attaching the ISO to ${node.name}` };
  const attached = probe ? await probe(vmId) : await withRetry(() => currentIso(ctx, vmId), retry);
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
export async function detachIsoFrom(ctx: ClusterContext, node: NodeRecord, phase = "detach-iso", probe?: IsoProbe): Promise<void> {
  const vmId = node.virtualMachineId as string;
  const retry = { deadline: ctx.deadline, what: `detaching the ISO from ${node.name}` };
  const attached = probe ? await probe(vmId) : await withRetry(() => currentIso(ctx, vmId), retry);
  if (!attached) return;
  ctx.progress.line(phase, "detaching the Kubernetes ISO", node.name);
  try {
    await withRetry(() => ctx.api.request("detachIso", { virtualmachineid: vmId }), retry);
  } catch (err) {
    throw new PhaseError(phase, node.name, describeCloudError(err));
  }
}

export async function attachIsoPhase(ctx: ClusterContext): Promise<void> {
  const probe = await isoProbe(ctx);
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) => attachIsoTo(ctx, node, ctx.inputs.kubernetesVersionId, "iso", probe));
}

export async function detachIsoPhase(ctx: ClusterContext): Promise<void> {
  const probe = await isoProbe(ctx);
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) => detachIsoFrom(ctx, node, "detach-iso", probe));
}
