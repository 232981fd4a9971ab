// Affinity groups: the per-cloud store and the placement rules of the processors
// (apache/cloudstack plugins/affinity-group-processors/*: HostAntiAffinityProcessor,
// HostAffinityProcessor, NonStrictHostAntiAffinityProcessor, NonStrictHostAffinityProcessor,
// ExplicitDedicationProcessor). Groups are World records (in snapshots).
import type { CloudContext } from "./context";
import type { HostRecord } from "./hosts";
import type { AffinityGroupRecord, VmRecord } from "./model";

export type { AffinityGroupRecord };

/** Types listAffinityGroupTypes returns: every processor that is not admin-controlled. */
export const USER_TYPES = ["host anti-affinity", "host affinity", "non-strict host anti-affinity", "non-strict host affinity"];
/** ExplicitDedicationProcessor.isAdminControlledGroup() is true. */
export const EXPLICIT = "ExplicitDedication";
export const ALL_TYPES = [...USER_TYPES, EXPLICIT];

export function affinityGroups(ctx: CloudContext): Map<string, AffinityGroupRecord> {
  return ctx.world.affinityGroups;
}

export function groupsOfVm(ctx: CloudContext, vmId: string): AffinityGroupRecord[] {
  return [...affinityGroups(ctx).values()].filter((g) => g.vmIds.includes(vmId));
}

/** AffinityGroupServiceImpl.postStateTransitionEvent: Expunging or Error drops the VM's memberships. */
export function dropMemberships(ctx: CloudContext, vmId: string): void {
  for (const g of affinityGroups(ctx).values()) g.vmIds = g.vmIds.filter((id) => id !== vmId);
}

const ON_HOST: VmRecord["state"][] = ["Starting", "Running", "Stopping"];

/** Hosts other members of a group are placed on. */
function memberHosts(ctx: CloudContext, g: AffinityGroupRecord, vmId: string): Set<string> {
  const out = new Set<string>();
  for (const id of g.vmIds) {
    if (id === vmId) continue;
    const v = ctx.world.vms.get(id);
    if (v?.hostId && ON_HOST.includes(v.state)) out.add(v.hostId);
  }
  return out;
}

/** Whether `host` is dedicated to the group's account / domain (ExplicitDedicationProcessor.process). */
function dedicatedTo(host: HostRecord, g: AffinityGroupRecord): boolean {
  if (!host.dedicated) return false;
  if (g.accountId !== undefined) return host.dedicated.accountid === g.accountId || (host.dedicated.accountid === undefined && host.dedicated.domainid === g.domainId);
  return host.dedicated.domainid === g.domainId;
}

/**
 * Filter and order candidate hosts by the VM's groups. Strict types remove hosts (avoid set),
 * non-strict ones only reorder. Without an ExplicitDedication group every dedicated host is avoided
 * (DeploymentPlanningManagerImpl.checkForNonDedicatedResources); with one only the hosts dedicated
 * to the group's account or domain remain (ExplicitDedicationProcessor.process).
 */
export function applyAffinity(ctx: CloudContext, vmId: string, hosts: HostRecord[]): HostRecord[] {
  const groups = groupsOfVm(ctx, vmId);
  const explicit = groups.filter((g) => g.type === EXPLICIT);
  let out = explicit.length > 0 ? hosts.filter((h) => explicit.some((g) => dedicatedTo(h, g))) : hosts.filter((h) => !h.dedicated);
  for (const g of groups) {
    const used = memberHosts(ctx, g, vmId);
    // HostAntiAffinityProcessor.process: hosts of the group's other VMs go into the avoid set.
    if (g.type === "host anti-affinity") out = out.filter((h) => !used.has(h.id));
    // HostAffinityProcessor.process: once a member runs, only its host is acceptable.
    if (g.type === "host affinity" && used.size > 0) out = out.filter((h) => used.has(h.id));
  }
  // Non-strict processors weigh hosts instead of excluding them.
  const score = (h: HostRecord) =>
    groups.reduce((s, g) => {
      const used = memberHosts(ctx, g, vmId);
      if (g.type === "non-strict host anti-affinity" && used.has(h.id)) return s + 1;
      if (g.type === "non-strict host affinity" && used.size > 0 && !used.has(h.id)) return s + 1;
      return s;
    }, 0);
  return out.map((h, i) => ({ h, i, s: score(h) })).sort((a, b) => a.s - b.s || a.i - b.i).map((x) => x.h);
}
