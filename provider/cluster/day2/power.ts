// Stopping and starting a cluster's VMs, one role at a time, each VM probed first: a VM already in the
// wanted state is left alone, so a re-run after a failure carries on. CKS stops and starts without
// force, cordon or drain (cks-day2.md §3; KubernetesClusterStopWorker / KubernetesClusterStartWorker).
import { parseList, VmSchema, type Vm } from "../entities";
import { PhaseError, type ClusterContext } from "../context";
import type { NodeRecord } from "../clusterState";
import { mapLimit } from "../concurrency";
import { listAllOrGone } from "../listGone";
import { pollUntil } from "../retry";
import { scoped } from "../phases/validate";
import { findClusterVms } from "../phases/vms";
import { nodeStep } from "../upgrade/nodeSteps";

export type Power = "stop" | "start";

const TARGET: Record<Power, string> = { stop: "Stopped", start: "Running" };
/** States a VM passes through on the way; any other state (Error, Destroyed) fails the node. */
const TRANSIENT: Record<Power, string[]> = { stop: ["Running", "Stopping"], start: ["Stopped", "Starting"] };

async function vmNow(ctx: ClusterContext, id: string): Promise<Vm | undefined> {
  return parseList(VmSchema, await listAllOrGone(ctx.api, "listVirtualMachines", { ...scoped(ctx.inputs, {}), id, listall: true }, "virtualmachine"), "listVirtualMachines")[0];
}

/** The live VM of each node, by name (nodes whose VM is gone are absent). */
export async function liveVms(ctx: ClusterContext): Promise<Map<string, Vm>> {
  return new Map((await findClusterVms(ctx, ctx.state.prefix)).map((vm) => [vm.name, vm]));
}

/** Brings one node's VM to Stopped or Running; returns false when its VM is gone (nothing to do). */
export async function powerNode(ctx: ClusterContext, phase: string, node: NodeRecord, vm: Vm | undefined, power: Power): Promise<boolean> {
  if (!vm) {
    ctx.progress.line(phase, "VM is gone (destroyed outside Pulumi): skipped", node.name);
    node.state = "Missing";
    return false;
  }
  node.virtualMachineId = vm.id;
  if (vm.state === "Error") {
    // A VM a failed deploy left in Error neither runs nor starts; repair's vms phase destroys and
    // deploys it again.
    ctx.progress.line(phase, "VM is in Error: left for the repair to deploy again", node.name);
    node.state = vm.state;
    return false;
  }
  if (vm.state === TARGET[power]) {
    node.state = vm.state;
    ctx.progress.line(phase, `already ${vm.state}`, node.name);
    return true;
  }
  await nodeStep(ctx, phase, node, power === "stop" ? "stop VM" : "start VM", async () => {
    // A VM already on its way (Stopping, Starting) is only waited for.
    if (vm.state === TRANSIENT[power][0]) await ctx.api.request(power === "stop" ? "stopVirtualMachine" : "startVirtualMachine", { id: vm.id });
    else if (!TRANSIENT[power].includes(vm.state)) throw new Error(`the VM is ${vm.state}; it cannot be ${power === "stop" ? "stopped" : "started"}`);
    const done = await pollUntil(
      async () => {
        const now = await vmNow(ctx, vm.id);
        if (!now) throw new PhaseError(phase, node.name, `VM ${vm.id} disappeared`);
        if (now.state === "Error") throw new PhaseError(phase, node.name, "VM went to Error state");
        return now.state === TARGET[power] ? now : undefined;
      },
      { deadline: ctx.deadline, what: `${node.name} to be ${TARGET[power]}` },
    );
    node.state = done.state;
  });
  // A stopped VM's SSH session is dead; a started one gets a new session.
  ctx.dropShell(node);
  return true;
}

/** Powers every node of `role` (concurrently under the operation's bound). */
export async function powerRole(ctx: ClusterContext, phase: string, role: NodeRecord["role"], power: Power): Promise<void> {
  const nodes = ctx.nodesOf(role);
  if (nodes.length === 0) {
    ctx.progress.line(phase, `no ${role} nodes`);
    return;
  }
  const vms = await liveVms(ctx);
  await mapLimit(nodes, ctx.concurrency, (node) => powerNode(ctx, phase, node, vms.get(node.name), power));
}
