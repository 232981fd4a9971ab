// One node onto its role's new offering. Live where CloudStack can (scaleVirtualMachine on the Running
// VM: a dynamically scalable VM, offerings that agree on dynamic scaling, a hypervisor and zone that
// scale live — UserVmManagerImpl.upgradeRunningVirtualMachine); CloudStack refuses otherwise, and the
// node then rolls: cordon, drain, stop, scaleVirtualMachine on the stopped VM, start, Ready, uncordon.
// Probed first: a VM already on the offering is skipped (only uncordoned if a failed run left it so).
import { parseList, VmSchema } from "../entities";
import type { ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { cloudErrorInfo } from "../cloudErrors";
import { listAllOrGone } from "../listGone";
import { withRetry } from "../retry";
import { scoped } from "../phases/validate";
import { cordon, drain, kubeNodes, nodeStep, uncordon, waitReady } from "../upgrade/nodeSteps";
import type { RollingSettings } from "../upgrade/policy";
import { waitEtcdHealthy } from "../upgrade/etcd";

async function vmOf(ctx: ClusterContext, node: NodeRecord) {
  const id = node.virtualMachineId as string;
  const vm = parseList(VmSchema, await withRetry(() => listAllOrGone(ctx.api, "listVirtualMachines", { ...scoped(ctx.inputs, {}), id, listall: true }, "virtualmachine"), { deadline: ctx.deadline, what: `reading ${node.name}` }), "listVirtualMachines")[0];
  if (!vm) throw new Error(`the VM ${id} is gone; repair the cluster first`);
  return vm;
}

/** CloudStack's refusals that mean "not live here" (UserVmManagerImpl): the node rolls instead. */
function liveScaleRefused(err: unknown): boolean {
  const { text } = cloudErrorInfo(err);
  return /dynamic(ally)? scal|live scale|not supported for VMs running on Hypervisor|only scal+ing up/i.test(text);
}

export async function resizeNode(ctx: ClusterContext, phase: string, node: NodeRecord, offeringId: string, settings: RollingSettings): Promise<void> {
  const vm = await vmOf(ctx, node);
  const kubernetes = node.role !== "etcd";
  if (vm.serviceofferingid === offeringId && vm.state === "Running") {
    if (kubernetes) {
      const kube = (await kubeNodes(ctx)).get(node.name);
      await nodeStep(ctx, phase, node, "already on the offering", () => uncordon(ctx, node, kube));
    }
    return;
  }
  if (vm.state === "Running" && vm.isdynamicallyscalable) {
    try {
      await nodeStep(ctx, phase, node, "scale live (scaleVirtualMachine)", () => ctx.api.request("scaleVirtualMachine", { id: vm.id, serviceofferingid: offeringId }));
      return;
    } catch (err) {
      if (!liveScaleRefused(err)) throw err;
      ctx.progress.line(phase, `CloudStack cannot scale it live (${cloudErrorInfo(err).text.split("\n")[0]}); rolling it`, node.name);
    }
  }
  // A VM a failed run already stopped serves nothing: straight to the offering and the start (a drain
  // would wait on pods its dead kubelet can no longer confirm deleted).
  if (vm.state !== "Stopped") {
    if (kubernetes) {
      const kube = (await kubeNodes(ctx)).get(node.name);
      await nodeStep(ctx, phase, node, "cordon", () => cordon(ctx, node, kube, "offering"));
      await nodeStep(ctx, phase, node, "drain", () => drain(ctx, node, settings));
    }
    await nodeStep(ctx, phase, node, "stop the VM", () => ctx.api.request("stopVirtualMachine", { id: vm.id }));
  }
  if (vm.serviceofferingid !== offeringId) await nodeStep(ctx, phase, node, "change the offering", () => ctx.api.request("scaleVirtualMachine", { id: vm.id, serviceofferingid: offeringId }));
  await nodeStep(ctx, phase, node, "start the VM", () => ctx.api.request("startVirtualMachine", { id: vm.id }));
  ctx.dropShell(node);
  if (kubernetes) {
    const ready = await nodeStep(ctx, phase, node, "Ready", () => waitReady(ctx, node, undefined, settings));
    await nodeStep(ctx, phase, node, "uncordon", () => uncordon(ctx, node, ready));
  } else {
    await nodeStep(ctx, phase, node, "etcd healthy", () => waitEtcdHealthy(ctx, node));
  }
}
