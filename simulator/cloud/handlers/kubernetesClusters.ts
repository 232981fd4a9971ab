// The CKS plugin's cluster records (issue 13): createKubernetesCluster with clustertype=ExternalManaged,
// listKubernetesClusters, deleteKubernetesCluster, addVirtualMachinesToKubernetesCluster and
// removeVirtualMachinesFromKubernetesCluster, as KubernetesClusterManagerImpl implements them
// (apache/cloudstack plugins/integrations/kubernetes-service/src/main/java/com/cloud/kubernetes/cluster/
// KubernetesClusterManagerImpl.java: validateUnmanagedKubernetesClusterCreateParameters,
// createUnmanagedKubernetesCluster, isCommandSupported, addVmsToCluster, removeVmsFromCluster,
// listKubernetesClusters). CloudManaged clusters are not simulated: the provider builds them itself.
import * as net from "node:net";
import type { Caller, CommandHandler, HandlerResult, Params } from "../../contracts";
import { ApiError } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import type { KubernetesClusterRecord } from "../model";
import { renderVm } from "../render";
import { bool, int, invalidValue, list, paramError, required } from "../util";

/** isCommandSupported: what each cluster type allows. */
const SUPPORTED: Record<KubernetesClusterRecord["clusterType"], string[]> = {
  CloudManaged: ["createKubernetesCluster", "listKubernetesClusters", "deleteKubernetesCluster", "scaleKubernetesCluster", "startKubernetesCluster", "stopKubernetesCluster", "upgradeKubernetesCluster", "addNodesToKubernetesCluster", "removeNodesFromKubernetesCluster"],
  ExternalManaged: ["createKubernetesCluster", "listKubernetesClusters", "deleteKubernetesCluster", "addVirtualMachinesToKubernetesCluster", "removeVirtualMachinesFromKubernetesCluster"],
};

export function kubernetesClusterHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const clusters = ctx.world.kubernetesClusters;

  function render(c: KubernetesClusterRecord): Record<string, unknown> {
    const zone = ctx.zone(c.zoneId);
    const network = c.networkId ? ctx.world.networks.get(c.networkId) : undefined;
    const vms = c.vms.map((m) => ctx.world.vms.get(m.vmId)).filter((v) => v !== undefined);
    const controls = c.vms.filter((m) => m.control).length;
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      zoneid: c.zoneId,
      zonename: zone?.name,
      ...ctx.owner(c.accountId),
      serviceofferingid: c.serviceOfferingId,
      kubernetesversionid: c.kubernetesVersionId,
      networkid: c.networkId,
      associatednetworkname: network?.name,
      keypair: c.keypair,
      // updateNodeCount: control nodes and the rest.
      controlnodes: controls,
      masternodes: controls,
      size: c.vms.length - controls,
      state: c.state,
      // ExternalManaged clusters have no endpoint (createUnmanagedKubernetesCluster stores none).
      endpoint: "",
      clustertype: c.clusterType,
      virtualmachines: vms.map((vm) => renderVm(ctx, vm)),
      virtualmachineids: vms.map((vm) => vm.id),
      cpunumber: vms.reduce((s, v) => s + v.cpuNumber, 0),
      memory: vms.reduce((s, v) => s + v.memory, 0),
      created: c.created,
      hasannotations: false,
      autoscalingenabled: false,
      csienabled: false,
    };
  }

  const find = (caller: Caller, command: string, id: string): KubernetesClusterRecord => {
    const c = clusters.get(id);
    // validateCluster / findById: "Invalid Kubernetes cluster ID specified".
    if (!c) throw paramError("Invalid Kubernetes cluster ID specified");
    return ctx.owned(clusters, caller, command, "id", id);
  };

  const vmIdsOf = (params: Params, command: string, caller: Caller): string[] => {
    const ids = list(params, "virtualmachineids");
    for (const id of ids) {
      // "Invalid VM ID specified", then checkAccess on the VM.
      if (!ctx.world.vms.get(id)) throw paramError("Invalid VM ID specified");
      ctx.owned(ctx.world.vms, caller, command, "virtualmachineids", id);
    }
    return ids;
  };

  const createKubernetesCluster: CommandHandler = (params, caller): HandlerResult => {
    const cmd = "createKubernetesCluster";
    const type = params["clustertype"] ?? "CloudManaged";
    if (type.toLowerCase() !== "externalmanaged") {
      // Not simulated: answered as a cloud without the command would answer (the provider builds
      // CloudManaged clusters itself, client-side).
      throw new ApiError(432, `Unknown API command: ${cmd} (CloudManaged clusters are not simulated; only clustertype=ExternalManaged)`, 9999);
    }
    const name = required(params, cmd, "name");
    if (name.trim() === "") throw paramError(`Invalid name for the Kubernetes cluster name: ${name}`);
    const zoneId = required(params, cmd, "zoneid");
    ctx.zoneOrThrow(cmd, "zoneid", zoneId);
    const accountId = ctx.actingAccount(caller, params);
    const keypair = params["keypair"];
    if (keypair && ![...ctx.world.keyPairs.values()].some((k) => k.accountId === accountId && k.name === keypair)) {
      throw paramError(`Given SSH key pair with name: ${keypair} was not found for the account ${ctx.accountName(accountId) ?? accountId}`);
    }
    const rootDisk = int(params, cmd, "noderootdisksize");
    if (rootDisk !== undefined && rootDisk <= 0) throw paramError("Invalid value for noderootdisksize");
    const networkId = params["networkid"];
    if (networkId && !ctx.world.networks.get(networkId)) throw paramError("Unable to find network with given ID");
    const lb = params["externalloadbalanceripaddress"];
    if (lb && net.isIP(lb) === 0) throw paramError("Invalid external load balancer IP address");
    const rec: KubernetesClusterRecord = {
      id: ctx.uuid(),
      name,
      ...(params["description"] ? { description: params["description"] } : {}),
      zoneId,
      accountId,
      clusterType: "ExternalManaged",
      // A record only: Running at once.
      state: "Running",
      ...(networkId ? { networkId } : {}),
      ...(keypair ? { keypair } : {}),
      ...(params["kubernetesversionid"] ? { kubernetesVersionId: params["kubernetesversionid"] } : {}),
      ...(params["serviceofferingid"] ? { serviceOfferingId: params["serviceofferingid"] } : {}),
      ...(lb ? { externalLoadBalancerIpAddress: lb } : {}),
      ...(rootDisk !== undefined ? { nodeRootDiskSize: rootDisk } : {}),
      vms: [],
      created: ctx.now(),
    };
    clusters.set(rec.id, rec);
    return { kind: "async", work: { entityId: rec.id, instanceType: "KubernetesCluster", instanceId: rec.id, run: async () => ({ kind: "object", entityKey: "kubernetescluster", entity: render(rec) }) } };
  };

  const listKubernetesClusters: CommandHandler = (params, caller) => {
    ctx.checkListIds("listKubernetesClusters", params, { id: [clusters] });
    const inScope = ctx.listScope(caller, params);
    const items = [...clusters.values()]
      .filter((c) => inScope(c.accountId))
      .filter((c) => params["id"] === undefined || c.id === params["id"])
      .filter((c) => params["name"] === undefined || c.name === params["name"])
      .filter((c) => params["state"] === undefined || c.state.toLowerCase() === params["state"].toLowerCase())
      .filter((c) => params["clustertype"] === undefined || c.clusterType.toLowerCase() === params["clustertype"].toLowerCase())
      .filter((c) => basicFilter(params, c, [c.name]))
      .map(render);
    return { kind: "list", entityKey: "kubernetescluster", items };
  };

  const deleteKubernetesCluster: CommandHandler = (params, caller) => {
    const cmd = "deleteKubernetesCluster";
    const c = find(caller, cmd, required(params, cmd, "id"));
    const cleanup = bool(params, "cleanup");
    return {
      kind: "async",
      work: {
        instanceType: "KubernetesCluster",
        instanceId: c.id,
        run: async () => {
          // ExternalManaged with cleanup=true destroys the attached VMs (cks-day2.md §5); without, only the record goes.
          if (cleanup) {
            for (const m of c.vms) {
              const vm = ctx.world.vms.get(m.vmId);
              if (vm && vm.state !== "Destroyed" && vm.state !== "Expunging") {
                await ctx.options.nodes.stop(vm.id).catch(() => undefined);
                vm.state = "Destroyed";
              }
            }
          }
          clusters.delete(c.id);
          return { kind: "success" };
        },
      },
    };
  };

  const addVirtualMachinesToKubernetesCluster: CommandHandler = (params, caller) => {
    const cmd = "addVirtualMachinesToKubernetesCluster";
    const c = find(caller, cmd, required(params, cmd, "id"));
    if (!SUPPORTED[c.clusterType].includes(cmd)) throw paramError("VM cannot be added to a CloudStack managed Kubernetes cluster");
    const ids = vmIdsOf(params, cmd, caller);
    const control = bool(params, "iscontrolnode");
    // VMs already mapped are skipped, not updated.
    for (const id of ids) if (!c.vms.some((m) => m.vmId === id)) c.vms.push({ vmId: id, control });
    return { kind: "success" };
  };

  const removeVirtualMachinesFromKubernetesCluster: CommandHandler = (params, caller) => {
    const cmd = "removeVirtualMachinesFromKubernetesCluster";
    const c = find(caller, cmd, required(params, cmd, "id"));
    if (!SUPPORTED[c.clusterType].includes(cmd)) throw paramError("VM cannot be removed from a CloudStack Managed Kubernetes cluster");
    const ids = list(params, "virtualmachineids");
    if (ids.length === 0) throw invalidValue(cmd, "virtualmachineids", "");
    const items = ids.map((id) => {
      const mapped = c.vms.some((m) => m.vmId === id);
      if (mapped) c.vms = c.vms.filter((m) => m.vmId !== id);
      // removeVmsFromCluster: one response per VM; VMs not in the cluster report success=false.
      return mapped ? { id, success: true } : { id, success: false, displaytext: "Not a member of the Kubernetes cluster" };
    });
    return { kind: "list", entityKey: "removevirtualmachinesfromkubernetesclusterresponse", items };
  };

  return { createKubernetesCluster, listKubernetesClusters, deleteKubernetesCluster, addVirtualMachinesToKubernetesCluster, removeVirtualMachinesFromKubernetesCluster };
}
