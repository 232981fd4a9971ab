// ISO attach / detach on every cluster VM, concurrently. CKS attaches one VM at a time and never
// detaches from etcd nodes (cks-behaviour.md §12); we detach everything we attached.
import { parseList, VmSchema } from "../entities";
import { PhaseError, type ClusterContext } from "../context";
import { describeCloudError } from "../cloudErrors";
import { mapLimit } from "../concurrency";
import { withRetry } from "../retry";
import { scoped } from "./validate";
import { listAllOrGone } from "../listGone";
import { clusterTagFilter } from "../tags";

async function currentIso(ctx: ClusterContext, vmId: string): Promise<string | undefined> {
  const vm = parseList(VmSchema, await listAllOrGone(ctx.api, "listVirtualMachines", { ...scoped(ctx.inputs, {}), id: vmId, listall: true }, "virtualmachine"), "listVirtualMachines")[0];
  return vm?.isoid;
}

/**
 * The attached ISO of every cluster VM, from one listing by our cluster tag instead of one listing
 * per node (issue 14: per-node list calls). A VM missing from it (not tagged yet) is asked for alone.
 */
async function isoProbe(ctx: ClusterContext): Promise<(vmId: string) => Promise<string | undefined>> {
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

export async function attachIsoPhase(ctx: ClusterContext): Promise<void> {
  const isoId = ctx.inputs.kubernetesVersionId;
  const probe = await isoProbe(ctx);
  await mapLimit(ctx.state.nodes, ctx.concurrency, async (node) => {
    const vmId = node.virtualMachineId as string;
    const retry = { deadline: ctx.deadline, what: `attaching the ISO to ${node.name}` };
    const attached = await probe(vmId);
    if (attached === isoId) return;
    ctx.progress.line("iso", "attaching the Kubernetes ISO", node.name);
    try {
      if (attached) await withRetry(() => ctx.api.request("detachIso", { virtualmachineid: vmId }), retry);
      await withRetry(() => ctx.api.request("attachIso", { id: isoId, virtualmachineid: vmId }), retry);
    } catch (err) {
      throw new PhaseError("iso", node.name, describeCloudError(err));
    }
  });
}

export async function detachIsoPhase(ctx: ClusterContext): Promise<void> {
  const probe = await isoProbe(ctx);
  await mapLimit(ctx.state.nodes, ctx.concurrency, async (node) => {
    const vmId = node.virtualMachineId as string;
    const retry = { deadline: ctx.deadline, what: `detaching the ISO from ${node.name}` };
    const attached = await probe(vmId);
    if (!attached) return;
    ctx.progress.line("detach-iso", "detaching the Kubernetes ISO", node.name);
    try {
      await withRetry(() => ctx.api.request("detachIso", { virtualmachineid: vmId }), retry);
    } catch (err) {
      throw new PhaseError("detach-iso", node.name, describeCloudError(err));
    }
  });
}
