// Phase 5: the VMs, deployed concurrently under a bound (DESIGN rule 4; CKS deploys one at a time).
// Names are deterministic (`<prefix>-<role>-<i>`), and every VM is probed by tag and by exact name
// before deploying, so a re-run never duplicates one; a VM left in Error by a failed deploy is
// destroyed and deployed again.
import { affinityGroupsFor, placementHint } from "./affinity";
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

/**
 * The tags of a node's VM. They are the same for every node of a role (the index is in the VM's
 * deterministic name, `<prefix>-<role>-<i>`), so one createTags tags all VMs of a role at once:
 * CloudStack's createTags takes a list of resource ids (cloudstack-api.md), and a per-node call
 * made API calls grow by one per node (issue 14).
 */
export function nodeTags(ctx: ClusterContext, role: NodeRecord["role"]): Record<string, string> {
  return clusterTags(ctx.clusterId, ctx.inputs.name, role, {
    ...createTokenTag(ctx.state),
    [TAG.versionId]: ctx.inputs.kubernetesVersionId,
    ...(ctx.inputs.cniConfigurationId ? { [TAG.cniId]: ctx.inputs.cniConfigurationId } : {}),
  });
}

/** Tags the given untagged nodes' VMs: one createTags per role. */
export async function tagNodeVms(ctx: ClusterContext, nodes: readonly NodeRecord[]): Promise<void> {
  for (const role of ["control", "worker", "etcd"] as const) {
    const ids = nodes.filter((n) => n.role === role && n.virtualMachineId).map((n) => n.virtualMachineId as string);
    if (ids.length === 0) continue;
    await withRetry(() => createTags(ctx.api, "UserVm", ids, nodeTags(ctx, role)), { deadline: ctx.deadline, what: `tagging the ${role} VMs` });
  }
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

/**
 * Deploys (or adopts) one node's VM and waits for it to run. `untagged` collects a VM that still needs
 * our tags, for the caller to tag in one batch; without it the VM is tagged here, alone.
 */
export async function deployOne(ctx: ClusterContext, node: NodeRecord, existing: Vm | undefined, untagged?: NodeRecord[]): Promise<void> {
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
    const groups = affinityGroupsFor(ctx, node.role);
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
        affinitygroupids: groups.length > 0 ? groups : undefined,
      });
      vm = parseEntity(VmSchema, result, "virtualmachine", "deployVirtualMachine");
    } catch (err) {
      // A failed deploy job may leave the VM behind (Error state); remember its id so delete and resume find it.
      const entityId = (err as { entityId?: unknown }).entityId;
      if (typeof entityId === "string") node.virtualMachineId = entityId;
      throw new PhaseError(phase, node.name, placementHint(ctx, node.role, describeCloudError(err)));
    }
  } else {
    ctx.progress.line(phase, `VM already exists (${vm.state})`, node.name);
  }
  recordVm(node, vm, state.networkId);
  if (!ownedBy(ctx.clusterId, vm.tags)) {
    if (untagged) untagged.push(node);
    else await tagNodeVms(ctx, [node]);
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
  const untagged: NodeRecord[] = [];
  let failure: unknown;
  await mapLimit(ctx.state.nodes, ctx.concurrency, (node) => deployOne(ctx, node, byName.get(node.name), untagged)).catch((err: unknown) => {
    failure = err;
  });
  // Also after a failed deploy: the VMs that did deploy carry our tags for delete and resume (until
  // then they are found by their deterministic names, findClusterVms). The deploy's error comes first.
  await tagNodeVms(ctx, untagged).catch((err: unknown) => {
    failure ??= err;
  });
  if (failure !== undefined) throw failure;
  const missingIp = ctx.state.nodes.filter((n) => !n.privateIp);
  if (missingIp.length > 0) throw new PhaseError("vms", missingIp[0].name, "the VM has no IP address on the cluster network");
  ctx.state.virtualMachineIds = ctx.state.nodes.map((n) => n.virtualMachineId as string);
}
