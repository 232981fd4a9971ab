// What CKS 4.21 checks before it adds an existing VM (KubernetesClusterManagerImpl
// validateNodesForAddition, cks-day2.md §4): the VM exists, is Running, its default NIC is on the
// cluster's network and it is not already a member of a cluster; plus what CKS only documents (2 CPU,
// 2048 MB; the cluster's SSH key on the VM). Runs before anything is changed.
import type { ClusterNodeInputs } from "../../resources/clusterNodeInputs";
import type { CloudApi } from "../cloudApi";
import { parseList, tagMap, TemplateSchema, VmSchema, type Vm } from "../entities";
import { listAllOrGone } from "../listGone";
import { scoped } from "../phases/validate";
import { TAG } from "../tags";

export const MIN_NODE_CPU = 2;
export const MIN_NODE_MEMORY_MB = 2048;

export class NodeValidationError extends Error {
  override name = "NodeValidationError";
}

export async function findVm(api: CloudApi, inputs: Pick<ClusterNodeInputs, "virtualMachineId" | "account" | "domainId" | "projectId">): Promise<Vm | undefined> {
  const items = await listAllOrGone(api, "listVirtualMachines", { ...scoped(inputs, {}), id: inputs.virtualMachineId, listall: true }, "virtualmachine");
  return parseList(VmSchema, items, "listVirtualMachines")[0];
}

/** The node name a VM joins under: the input, or the VM's name as a DNS label (kubelet's default is the hostname). */
export function nodeNameFor(inputs: Pick<ClusterNodeInputs, "nodeName">, vm: Pick<Vm, "name">): string {
  return inputs.nodeName ?? vm.name.toLowerCase().replace(/[^a-z0-9.-]/g, "-").replace(/^[-.]+|[-.]+$/g, "");
}

export interface ValidatedVm {
  vm: Vm;
  privateIp: string;
  /** The VM lacks the cluster's keypair and resetSshKey asked to reset it. */
  needsKeyReset: boolean;
}

/** Refusals name the input to change. `resuming`: the VM already carries our membership tag for this cluster. */
export async function validateExternalVm(api: CloudApi, inputs: ClusterNodeInputs): Promise<ValidatedVm> {
  const fail = (why: string): never => {
    throw new NodeValidationError(`virtualMachineId ${inputs.virtualMachineId}: ${why}`);
  };
  const vm = await findVm(api, inputs);
  if (!vm) return fail("no such VM is visible to this account");
  if (vm.state !== "Running") fail(`the VM is ${vm.state}; CKS adds Running VMs only: start it first`);
  const tags = tagMap(vm.tags);
  const memberOf = tags[TAG.externalNodeOf] ?? tags[TAG.clusterId];
  if (memberOf && memberOf !== inputs.clusterId) fail(`the VM is already a member of cluster ${memberOf}; remove it from that cluster first`);
  if (tags[TAG.clusterId]) fail(`the VM is one of cluster ${tags[TAG.clusterId]}'s own nodes`);
  if (vm.templateid) {
    // KubernetesClusterManagerImpl validateNodes: "deployed with a template that is not marked to be used for CKS".
    const found = parseList(TemplateSchema, await listAllOrGone(api, "listTemplates", { templatefilter: "executable", id: vm.templateid }, "template"), "listTemplates");
    const t = found[0] as { forcks?: unknown; name?: string } | undefined;
    if (t && t.forcks !== true && t.forcks !== "true") fail(`it was deployed from template ${t.name ?? vm.templateid}, which is not marked "For CKS" (forcks); CKS adds only VMs of CKS templates: redeploy it from one`);
  }
  const nic = vm.nic.find((n) => n.isdefault) ?? vm.nic[0];
  if (!nic || nic.networkid !== inputs.networkId) {
    fail(`its default NIC is on network ${nic?.networkid ?? "(none)"}, not on the cluster's network ${inputs.networkId}; deploy the VM on the cluster's network`);
  }
  if (!nic?.ipaddress) fail("its NIC on the cluster's network has no IP address");
  if (vm.cpunumber !== undefined && vm.cpunumber < MIN_NODE_CPU) fail(`it has ${vm.cpunumber} CPU; a Kubernetes node needs at least ${MIN_NODE_CPU} (CKS documentation); scale the VM to a larger offering`);
  if (vm.memory !== undefined && vm.memory < MIN_NODE_MEMORY_MB) fail(`it has ${vm.memory} MB of memory; a Kubernetes node needs at least ${MIN_NODE_MEMORY_MB} MB (CKS documentation); scale the VM to a larger offering`);
  const keys = (vm.keypairs ?? "").split(",").map((k) => k.trim()).filter((k) => k !== "");
  const hasKey = keys.includes(inputs.keypairName);
  if (!hasKey && !inputs.resetSshKey) {
    fail(
      `the VM was not deployed with the cluster's keypair ${inputs.keypairName} (it has ${keys.length > 0 ? keys.join(", ") : "none"}), so the cluster's SSH key cannot log in; ` +
        "deploy it with keypair: cluster.keypairName, or set resetSshKey: true to reset its key (that stops and starts the VM)",
    );
  }
  return { vm, privateIp: nic?.ipaddress as string, needsKeyReset: !hasKey };
}
