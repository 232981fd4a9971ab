// Affinity groups. The user's groups (affinityGroupIds, nodeAffinityGroups[role]) are checked in
// validate and passed to deployVirtualMachine; with controlNodeAntiAffinity the provider creates a
// `host anti-affinity` group for the control nodes, so CloudStack's planner puts each control node on
// another host (HostAntiAffinityProcessor in apache/cloudstack plugins/affinity-group-processors/
// host-anti-affinity) and one host failure cannot take the control plane. Found again by its name and
// description on resume; deleted on delete once its VMs are gone (CloudStack refuses a group in use).
import { AffinityGroupSchema, parseEntity, parseList, type AffinityGroup } from "../entities";
import { PhaseError, type ClusterContext, type ClusterScope } from "../context";
import { describeCloudError } from "../cloudErrors";
import { withRetry } from "../retry";
import { listAllOrGone } from "../listGone";
import { userAffinityGroups } from "../../resources/placementInputs";
import { rolesInUse } from "../../resources/clusterInputs";
import { scoped } from "./validate";

export const HOST_ANTI_AFFINITY = "host anti-affinity";

export function controlAffinityGroupName(prefix: string): string {
  return `${prefix}-control-anti-affinity`;
}

export function affinityGroupDescription(name: string, clusterId: string): string {
  return `Control nodes of Kubernetes cluster ${name} (${clusterId}) on distinct hosts`;
}

/** validate: every group the user names exists for the cluster's owner. */
export async function checkUserAffinityGroups(ctx: ClusterContext, fail: (what: string) => never): Promise<void> {
  const { api, inputs } = ctx;
  const seen = new Map<string, AffinityGroup | undefined>();
  for (const role of rolesInUse(inputs)) {
    const property = inputs.nodeAffinityGroups?.[role] ? `nodeAffinityGroups.${role}` : "affinityGroupIds";
    for (const id of userAffinityGroups(inputs, role)) {
      if (!seen.has(id)) seen.set(id, parseList(AffinityGroupSchema, await listAllOrGone(api, "listAffinityGroups", scoped(inputs, { id }), "affinitygroup"), "listAffinityGroups")[0]);
      if (!seen.get(id)) fail(`${property}: affinity group ${id} was not found for this account; create it (createAffinityGroup) or remove it`);
    }
  }
}

export async function findControlAffinityGroup(ctx: ClusterScope & { prefix: string }): Promise<AffinityGroup | undefined> {
  const name = controlAffinityGroupName(ctx.prefix);
  const groups = parseList(AffinityGroupSchema, await listAllOrGone(ctx.api, "listAffinityGroups", scoped(ctx.inputs, { name }), "affinitygroup"), "listAffinityGroups");
  return groups.find((g) => g.name === name && g.description === affinityGroupDescription(ctx.inputs.name, ctx.clusterId));
}

/** Phase "affinity": the control nodes' anti-affinity group, when asked for. */
export async function affinityPhase(ctx: ClusterContext): Promise<void> {
  const phase = "affinity";
  const { api, inputs, state } = ctx;
  if (!inputs.controlNodeAntiAffinity) return;
  const scope = { api, inputs, clusterId: ctx.clusterId, prefix: state.prefix };
  let group = await withRetry(() => findControlAffinityGroup(scope), { deadline: ctx.deadline, what: "finding the control nodes' affinity group" });
  if (!group) {
    ctx.progress.line(phase, `creating ${HOST_ANTI_AFFINITY} group ${controlAffinityGroupName(state.prefix)}`);
    try {
      const created = await api.request("createAffinityGroup", {
        ...scoped(inputs, {}),
        name: controlAffinityGroupName(state.prefix),
        type: HOST_ANTI_AFFINITY,
        description: affinityGroupDescription(inputs.name, ctx.clusterId),
      });
      group = parseEntity(AffinityGroupSchema, created, "affinitygroup", "createAffinityGroup");
    } catch (err) {
      throw new PhaseError(phase, undefined, `creating the control nodes' ${HOST_ANTI_AFFINITY} group: ${describeCloudError(err)}`);
    }
  }
  state.controlAffinityGroupId = group.id;
}

/** The groups a node of `role` is deployed with. */
export function affinityGroupsFor(ctx: ClusterContext, role: "control" | "worker" | "etcd"): string[] {
  const groups = [...userAffinityGroups(ctx.inputs, role)];
  if (role === "control" && ctx.state.controlAffinityGroupId) groups.push(ctx.state.controlAffinityGroupId);
  return groups;
}

/**
 * A deploy CloudStack could not place (InsufficientServerCapacityException, 533): with anti-affinity the
 * likely cause is fewer hosts than control nodes, so say so and name the ways out.
 */
export function placementHint(ctx: ClusterContext, role: "control" | "worker" | "etcd", message: string): string {
  if (!/insufficient|unable to create a deployment|533/i.test(message)) return message;
  if (role === "control" && ctx.state.controlAffinityGroupId) {
    return `${message}. controlNodeAntiAffinity puts each of the ${ctx.inputs.controlNodes} control nodes on its own host, and CloudStack found no further host with capacity: the zone needs at least ${ctx.inputs.controlNodes} hosts that can take a control node (hypervisor, host tags, dedication); lower controlNodes, free hosts, or set controlNodeAntiAffinity: false`;
  }
  const groups = affinityGroupsFor(ctx, role);
  if (groups.length > 0) return `${message}. The ${role} node's affinity groups (${groups.join(", ")}) limit the hosts it may use; check they leave a host with capacity`;
  return message;
}
