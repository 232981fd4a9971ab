// Delete, the placement part: the ACL items the cluster added to a tier's list (tagged), the ACL list
// it created for its own tier (named after the cluster, emptied first: CloudStack refuses to delete a
// list that still has items), and the control nodes' anti-affinity group (CloudStack refuses a group
// its VMs still use, so after the VMs are gone). Each step is idempotent, "not found" counts as done.
import type { CloudApi } from "./cloudApi";
import { isNotFoundError } from "./cloudErrors";
import type { Deadline } from "./deadline";
import { NetworkAclItemSchema, parseList } from "./entities";
import { findControlAffinityGroup } from "./phases/affinity";
import { findClusterAclList } from "./phases/vpc";
import { findClusterVms } from "./phases/vms";
import type { Progress } from "./progress";
import { pollUntil } from "./retry";
import { taggedResourceIds, TAG } from "./tags";
import { listAllOrGone } from "./listGone";

type Step = (what: string, fn: () => Promise<void>) => Promise<void>;

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isNotFoundError(err)) throw err;
  }
}

export async function deleteTaggedAclItems(api: CloudApi, clusterId: string, progress: Progress, step: Step): Promise<void> {
  const ids = await taggedResourceIds(api, "NetworkACL", TAG.clusterId, clusterId);
  for (const id of ids) {
    progress.line("delete", `ACL item ${id}`);
    await step(`deleting ACL item ${id}`, () => ignoreNotFound(api.request("deleteNetworkACL", { id })));
  }
}

interface PlacementTarget {
  clusterId: string;
  prefix: string;
  name: string;
  vpcId?: string;
  controlAntiAffinity?: boolean;
  inputs: { name: string; zoneId: string; account?: string; domainId?: string; projectId?: string };
}

export async function deletePlacement(api: CloudApi, t: PlacementTarget, deadline: Deadline, progress: Progress, step: Step): Promise<void> {
  const scope = { api, inputs: t.inputs, clusterId: t.clusterId, prefix: t.prefix };
  const group = t.controlAntiAffinity ? await findControlAffinityGroup(scope) : undefined;
  if (group) {
    // A VM is in the group until it is expunged; destroy(expunge) has been asked for already.
    // Only the cluster's own VMs are in the group (it is created for them).
    await pollUntil(async () => ((await findClusterVms(scope, t.prefix, true)).length === 0 ? true : undefined), { deadline, what: `waiting for the VMs of affinity group ${group.name} to be gone` });
    progress.line("delete", `affinity group ${group.name}`);
    await step(`deleting affinity group ${group.name}`, () => ignoreNotFound(api.request("deleteAffinityGroup", { id: group.id })));
  }
  if (!t.vpcId) return;
  const acl = await findClusterAclList(api, { vpcId: t.vpcId, prefix: t.prefix, name: t.name, clusterId: t.clusterId });
  if (!acl) return;
  const items = parseList(NetworkAclItemSchema, await listAllOrGone(api, "listNetworkACLs", { aclid: acl.id, listall: true }, "networkacl"), "listNetworkACLs");
  for (const item of items) await step(`deleting ACL item ${item.id} of ${acl.name}`, () => ignoreNotFound(api.request("deleteNetworkACL", { id: item.id })));
  progress.line("delete", `ACL list ${acl.name}`);
  await step(`deleting ACL list ${acl.name}`, () => ignoreNotFound(api.request("deleteNetworkACLList", { id: acl.id })));
}
