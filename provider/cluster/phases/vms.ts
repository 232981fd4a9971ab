// Phase 5: the VMs, deployed concurrently under a bound (DESIGN rule 4; CKS deploys one at a time).
// Names are deterministic (`<prefix>-<role>-<i>`), and every VM is probed by tag and by exact name
// before deploying, so a re-run never duplicates one; a VM left in Error by a failed deploy is
// destroyed and deployed again.
import { renderNodeUserData } from "../../kubernetes/userdata";
import { parseEntity, parseList, VmSchema, type Vm } from "../entities";
import { PhaseError, type ClusterContext, type ClusterScope } from "../context";
import type { NodeRecord } from "../clusterState";
import { describeCloudError, isExpungeRefused, isNotFoundError } from "../cloudErrors";
import { mapLimit } from "../concurrency";
import { pollUntil, withRetry } from "../retry";
import { clusterTags, createTags, ownedBy, TAG } from "../tags";
import { scoped } from "./validate";
import { createTokenTag } from "../abandoned";
import { listAllOrGone } from "../listGone";

const GONE_STATES = new Set(["Destroyed", "Expunging"]);

/**
 * Every VM of the cluster: tagged ones, plus untagged ones carrying one of our exact node names.
 * `withDestroyed` keeps VMs that are Destroyed but not expunged: they still hold the network.
 */
export async function findClusterVms(ctx: ClusterScope, prefix: string, withDestroyed = false): Promise<Vm[]> {
  const { api, inputs, clusterId } = ctx;
  const tagged = parseList(VmSchema, await api.listAll("listVirtualMachines", { ...scoped(inputs, {}), listall: true, tags: { [TAG.clusterId]: clusterId } }, "virtualmachine"), "listVirtualMachines");
  const named = parseList(VmSchema, await api.listAll("listVirtualMachines", { ...scoped(inputs, {}), listall: true, name: prefix }, "virtualmachine"), "listVirtualMachines");
  const nodeName = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(control|worker|etcd)-\\d+$`);
  const byId = new Map<string, Vm>();
  for (const vm of tagged) if (ownedBy(clusterId, vm.tags)) byId.set(vm.id, vm);
  for (const vm of named) if (nodeName.test(vm.name) && (vm.tags.length === 0 || ownedBy(clusterId, vm.tags))) byId.set(vm.id, vm);
  return [...byId.values()].filter((vm) => !GONE_STATES.has(vm.state) || (withDestroyed && vm.state === "Destroyed"));
}

function nodeTags(ctx: ClusterContext, node: NodeRecord): Record<string, string> {
  return clusterTags(ctx.clusterId, ctx.inputs.name, node.role, {
    ...createTokenTag(ctx.state),
    [TAG.index]: String(node.index),
    [TAG.versionId]: ctx.inputs.kubernetesVersionId,
    ...(ctx.inputs.cniConfigurationId ? { [TAG.cniId]: ctx.inputs.cniConfigurationId } : {}),
  });
}

function recordVm(node: NodeRecord, vm: Vm, networkId: string | undefined): void {
  node.virtualMachineId = vm.id;
  node.state = vm.state;
  const nic = vm.nic.find((n) => n.networkid === networkId) ?? vm.nic.find((n) => n.isdefault) ?? vm.nic[0];
  if (nic?.ipaddress) node.privateIp = nic.ipaddress;
}

/**
 * Destroys a VM of ours, expunged where the account may expunge (else destroyed; delete expunges later).
 * Any other failure (a failed destroy job) is the operation's failure: falling back to a destroy without
 * expunge then left a Destroyed VM that held the network until an administrator expunged it.
 */
export async function destroyNodeVm(ctx: ClusterContext, id: string): Promise<void> {
  await ctx.api.request("destroyVirtualMachine", { id, expunge: true }).catch(async (err: unknown) => {
    if (isNotFoundError(err)) return;
    if (!isExpungeRefused(err)) throw err;
    await ctx.api.request("destroyVirtualMachine", { id });
  });
}

export function userDataFor(ctx: ClusterContext, node: NodeRecord): string {
  const cni = node.role === "control" && node.index === 1 ? ctx.facts.cni : undefined;
  const registry = ctx.inputs.privateRegistry?.url ? { url: ctx.inputs.privateRegistry.url } : undefined;
  const rendered = renderNodeUserData({
    hostname: node.name,
    role: node.role,
    sshPublicKeys: [ctx.state.sshPublicKey as string],
    loginUser: "cloud",
    extraCloudConfigParts: cni ? [cni.cloudConfig] : [],
    ...(registry ? { registry } : {}),
  });
  return rendered.userData;
}

export async function deployOne(ctx: ClusterContext, node: NodeRecord, existing: Vm | undefined): Promise<void> {
  const phase = "vms";
  const { api, inputs, state } = ctx;
  let vm = existing;
  if (vm && (vm.state === "Error" || vm.state === "Destroyed")) {
    ctx.progress.line(phase, `removing VM left in ${vm.state} by an earlier run`, node.name);
    await destroyNodeVm(ctx, vm.id);
    vm = undefined;
  }
  if (!vm) {
    ctx.progress.line(phase, "deploying VM", node.name);
    // A new VM has a new host key: forget the one pinned for an earlier VM of this name.
    delete state.hostKeys[node.name];
    const facts = ctx.facts;
    const keypairs = [state.keypairName as string, ...(inputs.keypair ? [inputs.keypair] : [])];
    try {
      const result = await api.request("deployVirtualMachine", {
        ...scoped(inputs, {}),
        zoneid: inputs.zoneId,
        serviceofferingid: facts.offerings?.[node.role]?.id,
        templateid: facts.templateIds?.[node.role],
        networkids: state.networkId ? [state.networkId] : undefined,
        name: node.name,
        displayname: node.name,
        userdata: userDataFor(ctx, node),
        keypairs,
        rootdisksize: inputs.nodeRootDiskSize,
        hypervisor: inputs.hypervisor,
      });
      vm = parseEntity(VmSchema, result, "virtualmachine", "deployVirtualMachine");
    } catch (err) {
      // A failed deploy job may leave the VM behind (Error state); remember its id so delete and resume find it.
      const entityId = (err as { entityId?: unknown }).entityId;
      if (typeof entityId === "string") node.virtualMachineId = entityId;
      throw new PhaseError(phase, node.name, describeCloudError(err));
    }
  } else {
    ctx.progress.line(phase, `VM already exists (${vm.state})`, node.name);
  }
  recordVm(node, vm, state.networkId);
  if (!ownedBy(ctx.clusterId, vm.tags)) {
    const id = vm.id;
    await withRetry(() => createTags(api, "UserVm", [id], nodeTags(ctx, node)), { deadline: ctx.deadline, what: `tagging ${node.name}` });
  }
  if (vm.state === "Stopped") {
    ctx.progress.line(phase, "starting VM", node.name);
    await api.request("startVirtualMachine", { id: vm.id });
  }
  if (vm.state !== "Running") {
    const id = vm.id;
    const running = await pollUntil(
      async () => {
        const now = parseList(VmSchema, await listAllOrGone(api, "listVirtualMachines", { ...scoped(inputs, {}), id, listall: true }, "virtualmachine"), "listVirtualMachines")[0];
        if (!now) throw new PhaseError(phase, node.name, `VM ${id} disappeared`);
        if (now.state === "Error") throw new PhaseError(phase, node.name, "VM went to Error state");
        return now.state === "Running" ? now : undefined;
      },
      { deadline: ctx.deadline, what: `waiting for ${node.name} to run` },
    );
    recordVm(node, running, state.networkId);
  }
}

export async function vmsPhase(ctx: ClusterContext): Promise<void> {
  const existing = await withRetry(() => findClusterVms(ctx, ctx.state.prefix), { deadline: ctx.deadline, what: "listing the cluster VMs" });
  const byName = new Map(existing.map((vm) => [vm.name, vm]));
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) => deployOne(ctx, node, byName.get(node.name)));
  const missingIp = ctx.state.nodes.filter((n) => !n.privateIp);
  if (missingIp.length > 0) throw new PhaseError("vms", missingIp[0].name, "the VM has no IP address on the cluster network");
  ctx.state.virtualMachineIds = ctx.state.nodes.map((n) => n.virtualMachineId as string);
}
