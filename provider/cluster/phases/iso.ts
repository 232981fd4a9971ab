// ISO attach / detach on every cluster VM, concurrently. CKS attaches one VM at a time and never
// detaches from etcd nodes (cks-behaviour.md §12); we detach everything we attached.
import { parseList, VmSchema } from "../entities";
import { PhaseError, type ClusterContext } from "../context";
import { describeCloudError } from "../cloudErrors";
import { mapLimit } from "../concurrency";
import { withRetry } from "../retry";
import { scoped } from "./validate";
import { listAllOrGone } from "../listGone";

async function currentIso(ctx: ClusterContext, vmId: string): Promise<string | undefined> {
  const vm = parseList(VmSchema, await listAllOrGone(ctx.api, "listVirtualMachines", { ...scoped(ctx.inputs, {}), id: vmId, listall: true }, "virtualmachine"), "listVirtualMachines")[0];
  return vm?.isoid;
}

export async function attachIsoPhase(ctx: ClusterContext): Promise<void> {
  const isoId = ctx.inputs.kubernetesVersionId;
  await mapLimit(ctx.state.nodes, ctx.concurrency, async (node) => {
    const vmId = node.virtualMachineId as string;
    const retry = { deadline: ctx.deadline, what: `attaching the ISO to ${node.name}` };
    const attached = await withRetry(() => currentIso(ctx, vmId), retry);
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
  await mapLimit(ctx.state.nodes, ctx.concurrency, async (node) => {
    const vmId = node.virtualMachineId as string;
    const retry = { deadline: ctx.deadline, what: `detaching the ISO from ${node.name}` };
    const attached = await withRetry(() => currentIso(ctx, vmId), retry);
    if (!attached) return;
    ctx.progress.line("detach-iso", "detaching the Kubernetes ISO", node.name);
    try {
      await withRetry(() => ctx.api.request("detachIso", { virtualmachineid: vmId }), retry);
    } catch (err) {
      throw new PhaseError("detach-iso", node.name, describeCloudError(err));
    }
  });
}
