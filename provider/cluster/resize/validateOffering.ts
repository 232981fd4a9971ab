// An offering change's checks, before any node changes: every role's new offering is fixed (not
// custom) and meets CKS's and the version's minimums (phases/validate.ts checkOfferings), and while
// the cluster runs, it only scales up: less memory, or less CPU × speed, than a node has now is
// refused with both offerings' names and sizes (CKS's scale rules, cks-day2.md §2).
import { parseList, ServiceOfferingSchema, VmSchema } from "../entities";
import { PhaseError, type ClusterContext } from "../context";
import { checkOfferings, checkVersion, scoped } from "../phases/validate";
import { listAllOrGone } from "../listGone";

export async function validateOffering(ctx: ClusterContext): Promise<void> {
  const phase = "validate-offering";
  const fail = (what: string): never => {
    throw new PhaseError(phase, undefined, what);
  };
  const { version, minCpu, minMemory } = await checkVersion(ctx, fail);
  const wanted = await checkOfferings(ctx, version, { minCpu, minMemory }, fail);
  ctx.facts.offerings = wanted;
  if (ctx.state.state !== "Running" && ctx.state.state !== "Alert") {
    fail(`the cluster is ${ctx.state.state}; service offerings change only on a Running cluster (start it first)`);
  }
  const vms = parseList(VmSchema, await ctx.api.listAll("listVirtualMachines", { ...scoped(ctx.inputs, {}), listall: true, tags: { "cks.cloudstack.io/cluster-id": ctx.clusterId } }, "virtualmachine"), "listVirtualMachines");
  const byId = new Map(vms.map((vm) => [vm.id, vm]));
  const sizes = new Map<string, { name: string; cpu: number; speed: number; memory: number }>();
  const sizeOf = async (id: string) => {
    const known = sizes.get(id);
    if (known) return known;
    const o = parseList(ServiceOfferingSchema, await listAllOrGone(ctx.api, "listServiceOfferings", { id }, "serviceoffering"), "listServiceOfferings")[0];
    const size = { name: o?.name ?? id, cpu: o?.cpunumber ?? 0, speed: o?.cpuspeed ?? 0, memory: o?.memory ?? 0 };
    sizes.set(id, size);
    return size;
  };
  const downs: string[] = [];
  for (const node of ctx.state.nodes) {
    const vm = node.virtualMachineId ? byId.get(node.virtualMachineId) : undefined;
    const target = wanted[node.role];
    if (!vm?.serviceofferingid || vm.serviceofferingid === target.id) continue;
    const now = await sizeOf(vm.serviceofferingid);
    if (target.memory < now.memory || target.cpu * target.speed < now.cpu * now.speed) {
      downs.push(`${node.name}: ${now.name} (${now.cpu} vCPU × ${now.speed} MHz, ${now.memory} MB) → ${target.name} (${target.cpu} vCPU × ${target.speed} MHz, ${target.memory} MB)`);
    }
  }
  if (downs.length > 0) {
    fail(`a Running cluster's nodes only scale up (no less memory, no less CPU × speed): ${downs.join("; ")}. Choose larger offerings, or stop the cluster (stopped: true) first`);
  }
}
