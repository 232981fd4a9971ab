// Visibility in CloudStack's Kubernetes view (issue 13): a cluster record in the CKS plugin, created
// with `createKubernetesCluster clustertype=ExternalManaged`, its VMs kept current with
// `addVirtualMachinesToKubernetesCluster` / `removeVirtualMachinesFromKubernetesCluster`, removed with
// `deleteKubernetesCluster` (cks-day2.md §5; CAPC does the same in pkg/cloud/cks_cluster.go syncWithACS).
// Only when the cloud has the plugin: `listKubernetesClusters` answering is the probe.
import { z } from "zod";
import type { CloudApi } from "./cloudApi";
import { isNotFoundError, isUnknownCommandError } from "./cloudErrors";
import { parseEntity, parseList } from "./entities";
import { listAllOrGone } from "./listGone";
import { scoped } from "./phases/validate";

const CksClusterSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string().optional(),
  clustertype: z.string().optional(),
  virtualmachines: z.array(z.looseObject({ id: z.string() })).optional(),
  virtualmachineids: z.array(z.string()).optional(),
});
export type CksCluster = z.infer<typeof CksClusterSchema>;

export interface RegistryScope {
  account?: string;
  domainId?: string;
  projectId?: string;
}

export interface RegisteredVm {
  id: string;
  control: boolean;
}

/** True when the cloud has the CKS plugin (listKubernetesClusters is a known command). */
export async function hasCksPlugin(api: CloudApi): Promise<boolean> {
  try {
    await api.request("listKubernetesClusters", { pagesize: 1, page: 1 });
    return true;
  } catch (err) {
    if (isUnknownCommandError(err)) return false;
    throw err;
  }
}

export async function findRegistered(api: CloudApi, id: string, scope: RegistryScope = {}): Promise<CksCluster | undefined> {
  const items = await listAllOrGone(api, "listKubernetesClusters", { ...scoped(scope, {}), id, listall: true }, "kubernetescluster");
  return parseList(CksClusterSchema, items, "listKubernetesClusters").find((c) => c.id === id);
}

/** The record's VM ids: the response's `virtualmachines` (KubernetesClusterResponse). */
function vmIdsOf(c: CksCluster): string[] {
  return c.virtualmachineids ?? (c.virtualmachines ?? []).map((v) => v.id);
}

export interface Registration {
  name: string;
  zoneId: string;
  description?: string;
  networkId?: string;
  keypair?: string;
  kubernetesVersionId?: string;
  serviceOfferingId?: string;
}

/**
 * Creates the record when `existingId` names none, then adds and removes VMs until the record holds
 * exactly `vms` (a role change is a remove and an add: iscontrolnode is fixed per mapping). Returns the id.
 */
export async function syncRegistration(
  api: CloudApi,
  reg: Registration,
  vms: readonly RegisteredVm[],
  existingId: string | undefined,
  scope: RegistryScope = {},
  previous: readonly RegisteredVm[] = [],
): Promise<string> {
  let record = existingId ? await findRegistered(api, existingId, scope) : undefined;
  if (!record) {
    const created = await api.request("createKubernetesCluster", {
      ...scoped(scope, {}),
      name: reg.name,
      zoneid: reg.zoneId,
      clustertype: "ExternalManaged",
      ...(reg.description ? { description: reg.description } : {}),
      ...(reg.networkId ? { networkid: reg.networkId } : {}),
      ...(reg.keypair ? { keypair: reg.keypair } : {}),
      ...(reg.kubernetesVersionId ? { kubernetesversionid: reg.kubernetesVersionId } : {}),
      ...(reg.serviceOfferingId ? { serviceofferingid: reg.serviceOfferingId } : {}),
    });
    record = parseEntity(CksClusterSchema, created, "kubernetescluster", "createKubernetesCluster");
  }
  const id = record.id;
  const have = new Set(vmIdsOf(record));
  const want = new Map(vms.map((v) => [v.id, v.control]));
  const roleChanged = previous.filter((p) => want.has(p.id) && want.get(p.id) !== p.control).map((p) => p.id);
  const surplus = [...have].filter((v) => !want.has(v) || roleChanged.includes(v));
  for (const v of surplus) have.delete(v);
  if (surplus.length > 0) await api.request("removeVirtualMachinesFromKubernetesCluster", { id, virtualmachineids: surplus });
  for (const control of [true, false]) {
    const add = vms.filter((v) => v.control === control && !have.has(v.id)).map((v) => v.id);
    if (add.length > 0) await api.request("addVirtualMachinesToKubernetesCluster", { id, virtualmachineids: add, iscontrolnode: control });
  }
  return id;
}

/** Removes the record (never its VMs: no cleanup/expunge). Gone already counts as done. */
export async function unregister(api: CloudApi, id: string | undefined): Promise<void> {
  if (!id) return;
  try {
    await api.request("deleteKubernetesCluster", { id });
  } catch (err) {
    if (isNotFoundError(err) || isUnknownCommandError(err) || /Invalid Kubernetes cluster ID/i.test(err instanceof Error ? err.message : String(err))) return;
    throw err;
  }
}
