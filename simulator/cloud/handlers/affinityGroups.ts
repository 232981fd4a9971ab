// Affinity group commands (apache/cloudstack api/.../user/affinitygroup/*Cmd.java,
// server/src/main/java/org/apache/cloudstack/affinity/AffinityGroupServiceImpl.java).
import type { Caller, CommandHandler, Params } from "../../contracts";
import { affinityGroups, ALL_TYPES, dropMemberships, EXPLICIT, groupsOfVm, USER_TYPES, type AffinityGroupRecord } from "../affinity";
import { basicFilter, type CloudContext } from "../context";
import { renderVm } from "../render";
import { invalidValue, list, paramError, permissionDenied, required } from "../util";

export function renderAffinityGroup(ctx: CloudContext, g: AffinityGroupRecord): Record<string, unknown> {
  return {
    id: g.id,
    name: g.name,
    type: g.type,
    description: g.description,
    // A domain-level group is owned by SYSTEM (AffinityGroupServiceImpl.createAffinityGroup).
    ...ctx.owner(g.accountId),
    ...(g.accountId === undefined ? { account: "system" } : {}),
    virtualmachineIds: g.vmIds,
  };
}

/**
 * deployVirtualMachine's affinitygroupids / affinitygroupnames (UserVmManagerImpl.createVirtualMachine):
 * each must exist and be usable by the VM's owner (AccountManager.checkAccess → 531).
 */
export function resolveVmGroups(ctx: CloudContext, params: Params, ownerId: string, command = "deployVirtualMachine"): AffinityGroupRecord[] {
  const all = affinityGroups(ctx);
  const out: AffinityGroupRecord[] = [];
  for (const id of list(params, "affinitygroupids")) {
    const g = all.get(id);
    // An unknown UUID fails the parameter translation (ParamProcessWorker) before the command runs.
    if (!g) throw invalidValue(command, "affinitygroupids", id);
    out.push(g);
  }
  for (const name of list(params, "affinitygroupnames")) {
    const g = [...all.values()].find((x) => x.name === name && (x.accountId === ownerId || x.accountId === undefined));
    if (!g) {
      // UpdateVMAffinityGroupCmd.getAffinityGroupIdList words it with the owner's account id.
      throw paramError(command === "updateVMAffinityGroup" ? `Unable to find group by name ${name} for account ${ownerId}` : `Unable to find affinity group by name ${name}`);
    }
    out.push(g);
  }
  for (const g of out) {
    if (g.accountId !== undefined && g.accountId !== ownerId) {
      // UserVmManagerImpl.verifyAffinityGroupAccess.
      throw permissionDenied(`Affinity Group AffinityGroup {"name":"${g.name}","uuid":"${g.id}"} does not belong to the VM's account`);
    }
  }
  return [...new Set(out)];
}

export function affinityGroupHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const groups = affinityGroups(ctx);

  /** Create for an account (or domain-level when domainid without account, root admin only). */
  function create(caller: Caller, params: Params, name: string, type: string, description?: string): AffinityGroupRecord {
    if (!ALL_TYPES.includes(type)) {
      throw paramError(`Unable to create affinity group, invalid affinity group type: ${type}. Valid values are ${ALL_TYPES.join(",")}`);
    }
    // AffinityGroupServiceImpl.createAffinityGroup: admin-controlled processors need the root admin.
    if (type === EXPLICIT && !caller.isAdmin) throw permissionDenied("Cannot create the affinity group");
    const domainLevel = params["projectid"] === undefined && params["domainid"] !== undefined && params["account"] === undefined;
    if (domainLevel) {
      // verifyAccessToDomainWideProcessor: only ExplicitDedication can be shared domain wide.
      if (!caller.isAdmin) throw paramError("Unable to create affinity group, account name must be passed with the domainId");
      if (type !== EXPLICIT) {
        throw paramError(`Unable to create affinity group, account name is needed. Affinity group type ${type} cannot be shared domain wide`);
      }
    }
    const accountId = domainLevel ? undefined : ctx.actingAccount(caller, params);
    const domainId = params["domainid"] ?? ctx.seed.domain.id;
    if (!domainLevel && [...groups.values()].some((g) => g.accountId === accountId && g.name === name)) {
      throw paramError(`Unable to create affinity group, a group with name ${name} already exists.`);
    }
    if (domainLevel && [...groups.values()].some((g) => g.accountId === undefined && g.domainId === domainId && g.name === name)) {
      throw paramError(`Unable to create affinity group, a group with name ${name} already exists under the domain.`);
    }
    const g: AffinityGroupRecord = { id: ctx.uuid(), name, type, description, accountId, domainId, vmIds: [] };
    groups.set(g.id, g);
    return g;
  }

  return {
    listAffinityGroupTypes: () => ({ kind: "list", entityKey: "affinityGroupType", items: USER_TYPES.map((type) => ({ type })) }),

    createAffinityGroup: (params, caller) => {
      const cmd = "createAffinityGroup";
      const g = create(caller, params, required(params, cmd, "name"), required(params, cmd, "type"), params["description"]);
      return {
        kind: "async",
        work: { entityId: g.id, instanceType: "AffinityGroup", instanceId: g.id, run: async () => ({ kind: "object", entityKey: "affinitygroup", entity: renderAffinityGroup(ctx, g) }) },
      };
    },

    listAffinityGroups: (params, caller) => {
      ctx.checkListIds("listAffinityGroups", params, { id: [groups], virtualmachineid: [ctx.world.vms] });
      const inScope = ctx.listScope(caller, params);
      const items = [...groups.values()]
        // Domain-level groups are visible in their domain (affinity_group_domain_map).
        .filter((g) => g.accountId === undefined || inScope(g.accountId))
        .filter((g) => basicFilter(params, g, [g.name]))
        .filter((g) => params["name"] === undefined || params["name"] === g.name)
        .filter((g) => params["type"] === undefined || params["type"] === g.type)
        .filter((g) => params["virtualmachineid"] === undefined || g.vmIds.includes(params["virtualmachineid"]))
        .map((g) => renderAffinityGroup(ctx, g));
      return { kind: "list", entityKey: "affinitygroup", items };
    },

    deleteAffinityGroup: (params, caller) => {
      let g: AffinityGroupRecord | undefined;
      if (params["id"] !== undefined) g = groups.get(params["id"]);
      else if (params["name"] !== undefined) {
        const owner = params["account"] === undefined && params["domainid"] !== undefined ? undefined : ctx.actingAccount(caller, params);
        g = [...groups.values()].find((x) => x.name === params["name"] && x.accountId === owner);
      } else throw paramError("Either the affinity group Id or group name must be specified to delete the group");
      if (!g) throw paramError(`Unable to find affinity group ${params["id"] ?? params["name"]}`);
      if (!caller.isAdmin && g.accountId !== caller.accountId) {
        throw permissionDenied(`Account ${caller.accountName} does not have permission to operate on the resource ${g.id}`);
      }
      const target = g;
      return {
        kind: "async",
        work: {
          instanceType: "AffinityGroup",
          instanceId: target.id,
          // AffinityGroupServiceImpl.deleteAffinityGroup: member VM mappings are removed with the group.
          run: async () => {
            groups.delete(target.id);
            return { kind: "success" };
          },
        },
      };
    },

    updateVMAffinityGroup: (params, caller) => {
      const cmd = "updateVMAffinityGroup";
      const vm = ctx.owned(ctx.world.vms, caller, cmd, "id", required(params, cmd, "id"));
      return {
        kind: "async",
        work: {
          instanceType: "VirtualMachine",
          instanceId: vm.id,
          // UpdateVMAffinityGroupCmd.execute, then AffinityGroupServiceImpl.updateVMAffinityGroups.
          run: async () => {
            if (params["affinitygroupids"] !== undefined && params["affinitygroupnames"] !== undefined) {
              throw paramError("affinitygroupids parameter is mutually exclusive with affinitygroupnames parameter");
            }
            if (params["affinitygroupids"] === undefined && params["affinitygroupnames"] === undefined) {
              throw paramError("affinitygroupids parameter or affinitygroupnames parameter must be given");
            }
            const wanted = resolveVmGroups(ctx, params, vm.accountId, cmd);
            // AffinityGroupServiceImpl.updateVMAffinityGroups: the VM must be Stopped.
            if (vm.state !== "Stopped") {
              throw paramError(
                `Unable update affinity groups of the virtual machine VM instance {"name":"${vm.name}","uuid":"${vm.id}"} in state ${vm.state}; make sure the virtual machine is stopped and not in an error state before updating.`,
              );
            }
            dropMemberships(ctx, vm.id);
            for (const g of wanted) g.vmIds.push(vm.id);
            return { kind: "object", entityKey: "virtualmachine", entity: renderVm(ctx, vm, { admin: caller.isAdmin }) };
          },
        },
      };
    },
  };
}

export { groupsOfVm };
