// Virtual machines: deploy and the state machine (§7, §7.1), updates, resets and listing.
import type { Caller, CommandHandler, HandlerResult, JobResult, Params } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import type { NetworkRecord, VmRecord } from "../model";
import { allocateGuestIp, DURATIONS, implementNetwork } from "../netops";
import { renderVm } from "../render";
import { affinityGroups, dropMemberships } from "../affinity";
import { checkHypervisor, placeVm } from "../hosts";
import { resolveVmGroups } from "./affinityGroups";
import { bootSpec, checkCapacity, checkHostname, checkVmLimits, expungeVm, normaliseUserData, scheduleExpunge } from "../vmops";
import {
  bool,
  detailsMap,
  insufficientCapacity,
  internalError,
  invalidValue,
  list,
  mapEntries,
  paramError,
  permissionDenied,
  required,
} from "../util";

function vmResult(ctx: CloudContext, vm: VmRecord, caller?: Caller): JobResult {
  return { kind: "object", entityKey: "virtualmachine", entity: renderVm(ctx, vm, { admin: caller?.isAdmin }) };
}

function asyncVm(vm: VmRecord, run: () => Promise<JobResult>): HandlerResult {
  return { kind: "async", work: { instanceType: "VirtualMachine", instanceId: vm.id, run } };
}

/** Resolve keypair names of an account, 431 for unknown ones. */
function resolveKeyPairs(ctx: CloudContext, accountId: string, names: string[]): string[] {
  for (const name of names) {
    const found = [...ctx.world.keyPairs.values()].some((k) => k.accountId === accountId && k.name === name);
    if (!found) throw paramError(`A key pair with name '${name}' was not found for the account`);
  }
  return [...new Set(names)];
}

function keyPairNames(params: Params): string[] {
  return [...list(params, "keypairs"), ...(params["keypair"] ? [params["keypair"]] : [])];
}

export function vmHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const vms = ctx.world.vms;
  const getVm = (caller: Caller, command: string, id: string) => ctx.owned(ctx.world.vms, caller, command, "id", id);

  async function powerOn(vm: VmRecord, realisticMs: number): Promise<void> {
    await ctx.sleep(realisticMs);
    if (ctx.world.vms.get(vm.id) !== vm || vm.state !== "Starting") throw internalError(`VM ${vm.name} left the Starting state while starting`);
    vm.state = "Running";
    try {
      await ctx.options.nodes.start(bootSpec(ctx, vm));
    } catch (err) {
      // A power-on the node runtime refuses leaves the VM Stopped, as a failed StartRequested does.
      vm.state = "Stopped";
      vm.hostId = undefined;
      throw internalError(`Unable to start VM ${vm.name}: ${err instanceof Error ? err.message : "power-on failed"}`);
    }
  }

  async function powerOff(vm: VmRecord, realisticMs: number): Promise<void> {
    vm.state = "Stopping";
    await ctx.sleep(realisticMs);
    await ctx.options.nodes.stop(vm.id);
    vm.state = "Stopped";
    // VirtualMachineManagerImpl.advanceStop → stateTransitTo(Stopped): host_id cleared, last_host_id kept.
    if (vm.hostId !== undefined) vm.lastHostId = vm.hostId;
    vm.hostId = undefined;
  }

  function pickNetwork(command: string, params: Params, accountId: string, zoneId: string): NetworkRecord {
    const fromList = list(params, "networkids");
    const fromMap = mapEntries(params, "iptonetworklist").map((e) => e["networkid"]).filter((x): x is string => x !== undefined);
    if (fromMap.length > 0 && (fromList.length > 0 || params["ipaddress"] !== undefined)) {
      throw paramError("iptonetworklist can't be specified along with networkids or ipaddress");
    }
    const id = fromList[0] ?? fromMap[0];
    if (id !== undefined) {
      const net = ctx.world.networks.get(id);
      if (!net) throw invalidValue(command, "networkids", id);
      if (net.accountId !== undefined && net.accountId !== accountId) {
        throw permissionDenied(`Account does not have permission to deploy into network ${net.name}`);
      }
      if (net.zoneId !== zoneId) throw paramError(`Network ${net.name} does not belong to zone ${zoneId}`);
      return net;
    }
    const own = [...ctx.world.networks.values()].find((n) => n.accountId === accountId && n.zoneId === zoneId);
    if (!own) throw paramError("Can't deploy a VM without a network: specify networkids (the account has no network in the zone)");
    return own;
  }

  const deployVirtualMachine: CommandHandler = (params, caller) => {
    const cmd = "deployVirtualMachine";
    const zoneId = required(params, cmd, "zoneid");
    const offeringId = required(params, cmd, "serviceofferingid");
    const zone = ctx.zoneOrThrow(cmd, "zoneid", zoneId);
    if (zone.allocationstate !== "Enabled" && !caller.isAdmin) throw permissionDenied(`Cannot perform this operation, zone ${zone.name} is currently disabled`);
    const offering = ctx.seed.serviceOfferings.find((o) => o.id === offeringId);
    if (!offering) throw invalidValue(cmd, "serviceofferingid", offeringId);
    const images = ["templateid", "volumeid", "snapshotid"].filter((p) => params[p] !== undefined && params[p] !== "");
    if (images.length !== 1) throw paramError("Please specify one of templateid, volumeid or snapshotid (exactly one)");
    if (images[0] !== "templateid") throw invalidValue(cmd, images[0], params[images[0]]);
    const template = ctx.seed.templates.find((t) => t.id === params["templateid"]);
    if (!template) throw invalidValue(cmd, "templateid", params["templateid"]);
    if (!template.isready) throw paramError(`Template ${template.name} has not been completely downloaded to zone ${zone.name}`);
    // Only CloudStack's internal CKS node / shared-FS VM types may use a SYSTEM template; the API cannot ask
    // for them (apache/cloudstack server/src/main/java/com/cloud/vm/UserVmManagerImpl.java,
    // verifyTemplateAndSourceAvailability).
    if (template.templatetype === "SYSTEM") throw paramError(`Unable to use system template VMTemplate {"name":"${template.name}","uuid":"${template.id}"} to deploy a user vm`);
    if (params["diskofferingid"] !== undefined && !ctx.seed.diskOfferings.some((d) => d.id === params["diskofferingid"])) {
      throw invalidValue(cmd, "diskofferingid", params["diskofferingid"]);
    }
    if (params["affinitygroupids"] !== undefined && params["affinitygroupnames"] !== undefined) {
      throw paramError("affinitygroupids parameter is mutually exclusive with affinitygroupnames parameter");
    }
    const accountId = ctx.actingAccount(caller, params);
    const id = ctx.uuid();
    const name = params["name"] ?? `VM-${id}`;
    checkHostname(name);
    const net = pickNetwork(cmd, params, accountId, zoneId);
    // Destroyed and failed VMs no longer hold their hostname, so a retry after a failed deploy works.
    const clash = [...vms.values()].find(
      (v) => v.networkId === net.id && v.name.toLowerCase() === name.toLowerCase() && !["Destroyed", "Expunging", "Error"].includes(v.state),
    );
    if (clash) throw paramError(`The vm with hostName ${name} already exists in the network domain: cs1cloud.internal; network=${net.name}`);
    const keypairs = resolveKeyPairs(ctx, accountId, keyPairNames(params));
    let userData = params["userdata"] !== undefined ? normaliseUserData(ctx, params["userdata"]) : undefined;
    let userDataId: string | undefined;
    if (params["userdataid"] !== undefined) {
      const ud = ctx.world.userData.get(params["userdataid"]);
      if (!ud || ud.kind !== "userdata") throw invalidValue(cmd, "userdataid", params["userdataid"]);
      if (userData !== undefined) throw paramError("Both userdata and userdataid can't be specified at the same time");
      userData = ud.userData;
      userDataId = ud.id;
    }
    const startVm = bool(params, "startvm", true);
    checkVmLimits(ctx, accountId, { vms: 1, cpu: offering.cpunumber, memory: offering.memory });
    // The requested hypervisor restricts placement (UserVmManagerImpl.createVirtualMachine → plan by
    // hypervisor type); without one any host of the zone will do (the seed's zone hypervisor rules).
    const hypervisor = params["hypervisor"] !== undefined ? checkHypervisor(params["hypervisor"]) : undefined;
    if (startVm) checkCapacity(ctx, zoneId, name, offering.cpunumber, offering.memory);
    const vmGroups = resolveVmGroups(ctx, params, accountId);
    vmGroups.forEach((g) => g.vmIds.push(id));
    let host: ReturnType<typeof placeVm> | undefined;
    try {
      host = startVm ? placeVm(ctx, { id, name, zoneId, cpuNumber: offering.cpunumber, memory: offering.memory, hypervisor }) : undefined;
    } catch (err) {
      dropMemberships(ctx, id);
      throw err;
    }
    const requestedIp = params["ipaddress"] ?? mapEntries(params, "iptonetworklist")[0]?.["ip"];
    let guestIp: string;
    if (requestedIp !== undefined) {
      if ([...vms.values()].some((v) => v.networkId === net.id && v.guestIp === requestedIp)) {
        throw insufficientCapacity(`The IP address ${requestedIp} is already in use in network ${net.name}`);
      }
      guestIp = requestedIp;
    } else {
      guestIp = allocateGuestIp(ctx, net);
    }
    const vm: VmRecord = {
      id,
      name,
      displayName: params["displayname"] ?? name,
      instanceNumber: ctx.world.nextInstance++,
      accountId,
      // An admin deploying for another account acts as that account's user, as the VM's owner is.
      userId: accountId === caller.accountId ? caller.userId : undefined,
      // UserVmManagerImpl.createVirtualMachine: template flag AND dynamicscalingenabled (default true)
      // AND the offering's flag.
      dynamicallyScalable: template.isdynamicallyscalable && bool(params, "dynamicscalingenabled", true) && offering.dynamicscalingenabled,
      zoneId,
      templateId: template.id,
      serviceOfferingId: offering.id,
      cpuNumber: offering.cpunumber,
      cpuSpeed: offering.cpuspeed,
      memory: offering.memory,
      state: startVm ? "Starting" : "Stopped",
      keypairs,
      userData,
      userDataId,
      networkId: net.id,
      guestIp,
      nicId: ctx.uuid(),
      macAddress: `02:00:${[0, 0, 0, 0].map(() => Math.floor(ctx.options.random() * 256).toString(16).padStart(2, "0")).join(":")}`,
      group: params["group"],
      haEnable: false,
      deleteProtection: false,
      details: detailsMap(params, "details"),
      created: ctx.now(),
      hostId: host?.id,
      hypervisor,
    };
    vms.set(vm.id, vm);
    return {
      kind: "async",
      work: {
        entityId: vm.id,
        instanceType: "VirtualMachine",
        instanceId: vm.id,
        // The VM row exists from the synchronous part of the command; a deploy job that fails before
        // the VM ever started leaves it in Error, not Starting: the failed start returns it to Stopped,
        // then apache/cloudstack server/src/main/java/com/cloud/vm/UserVmManagerImpl.java
        // updateVmStateForFailedVmCreation transits Stopped --OperationFailedToError--> Error
        // (api/src/main/java/com/cloud/vm/VirtualMachine.java: "only one case (failed in VM creation
        // process)"), as deploy-capacity does; the owner then destroys (expunges) it.
        onFailure: () => {
          if (vms.get(vm.id) === vm && vm.state === "Starting") vm.state = "Error";
          if (vm.state === "Error") {
            vm.hostId = undefined;
            dropMemberships(ctx, vm.id);
          }
        },
        run: async () => {
          if (ctx.options.faults.hit("deploy-capacity", vm.name)) {
            await ctx.sleep(DURATIONS.rule);
            vm.state = "Error";
            vm.hostId = undefined;
            throw insufficientCapacity(`Unable to create a deployment for VM instance {"name":"${vm.name}","uuid":"${vm.id}"}`);
          }
          try {
            await implementNetwork(ctx, net);
          } catch (err) {
            vm.state = "Error";
            throw err;
          }
          if (!startVm) {
            await ctx.sleep(DURATIONS.destroy);
            return vmResult(ctx, vm, caller);
          }
          await powerOn(vm, DURATIONS.deploy);
          return vmResult(ctx, vm, caller);
        },
      },
    };
  };

  const startVirtualMachine: CommandHandler = (params, caller) => {
    const vm = getVm(caller, "startVirtualMachine", required(params, "startVirtualMachine", "id"));
    return asyncVm(vm, async () => {
      if (vm.state === "Running") throw paramError(`The virtual machine ${vm.id} (${vm.displayName}) is already running`);
      if (vm.state !== "Stopped") throw internalError(`Unable to start VM ${vm.name}: it is in state ${vm.state}`);
      checkCapacity(ctx, vm.zoneId, vm.name, vm.cpuNumber, vm.memory, vm.id);
      vm.hostId = placeVm(ctx, vm).id;
      const net = ctx.world.networks.get(vm.networkId);
      vm.state = "Starting";
      if (net) await implementNetwork(ctx, net);
      await powerOn(vm, DURATIONS.start);
      return vmResult(ctx, vm, caller);
    });
  };

  const stopVirtualMachine: CommandHandler = (params, caller) => {
    const vm = getVm(caller, "stopVirtualMachine", required(params, "stopVirtualMachine", "id"));
    return asyncVm(vm, async () => {
      // Stopping a VM that is not running is a successful no-op (advanceStop).
      if (vm.state === "Running" || vm.state === "Starting") await powerOff(vm, DURATIONS.stop);
      return vmResult(ctx, vm, caller);
    });
  };

  const rebootVirtualMachine: CommandHandler = (params, caller) => {
    const vm = getVm(caller, "rebootVirtualMachine", required(params, "rebootVirtualMachine", "id"));
    return asyncVm(vm, async () => {
      if (vm.state !== "Running") throw internalError(`Unable to reboot VM ${vm.name}: it is not Running (state ${vm.state})`);
      await ctx.options.nodes.stop(vm.id);
      vm.state = "Starting";
      await powerOn(vm, DURATIONS.start);
      return vmResult(ctx, vm, caller);
    });
  };

  const destroyVirtualMachine: CommandHandler = (params, caller) => {
    const vm = getVm(caller, "destroyVirtualMachine", required(params, "destroyVirtualMachine", "id"));
    const expunge = bool(params, "expunge");
    return asyncVm(vm, async () => {
      if (expunge && !caller.isAdmin && !ctx.settingBool("allow.user.expunge.recover.vm")) {
        throw internalError("Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.");
      }
      if (vm.deleteProtection) throw paramError(`Instance ${vm.name} has delete protection enabled and cannot be deleted`);
      if ((vm.state === "Destroyed" || vm.state === "Expunging") && !expunge) return vmResult(ctx, vm, caller);
      if (vm.state === "Running" || vm.state === "Starting") await powerOff(vm, 0);
      await ctx.sleep(DURATIONS.destroy);
      vm.state = "Destroyed";
      if (expunge) {
        const result = vmResult(ctx, { ...vm, state: "Expunging" }, caller);
        await expungeVm(ctx, vm);
        return result;
      }
      scheduleExpunge(ctx, vm);
      return vmResult(ctx, vm, caller);
    });
  };

  const expungeVirtualMachine: CommandHandler = (params, caller) => {
    const vm = getVm(caller, "expungeVirtualMachine", required(params, "expungeVirtualMachine", "id"));
    return asyncVm(vm, async () => {
      if (!caller.isAdmin && !ctx.settingBool("allow.user.expunge.recover.vm")) {
        throw internalError("Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.");
      }
      if (!["Destroyed", "Expunging", "Error"].includes(vm.state)) {
        throw internalError(`Please destroy vm ${vm.name} (${vm.id}) before expunging it; it is in state ${vm.state}`);
      }
      await ctx.sleep(DURATIONS.expunge);
      await expungeVm(ctx, vm);
      return { kind: "success" };
    });
  };

  const recoverVirtualMachine: CommandHandler = (params, caller) => {
    const vm = getVm(caller, "recoverVirtualMachine", required(params, "recoverVirtualMachine", "id"));
    if (!caller.isAdmin && !ctx.settingBool("allow.user.expunge.recover.vm")) {
      throw permissionDenied("Recovering a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.");
    }
    if (vm.state !== "Destroyed") throw paramError(`Unable to recover VM ${vm.name} as it is not in Destroyed state (state ${vm.state})`);
    checkVmLimits(ctx, vm.accountId, { vms: 1, cpu: vm.cpuNumber, memory: vm.memory });
    vm.state = "Stopped";
    return { kind: "object", entityKey: "virtualmachine", entity: renderVm(ctx, vm) };
  };

  const scaleVirtualMachine: CommandHandler = (params, caller) => {
    const cmd = "scaleVirtualMachine";
    const vm = getVm(caller, cmd, required(params, cmd, "id"));
    const offeringId = required(params, cmd, "serviceofferingid");
    const offering = ctx.seed.serviceOfferings.find((o) => o.id === offeringId);
    if (!offering) throw invalidValue(cmd, "serviceofferingid", offeringId);
    return asyncVm(vm, async () => {
      if (vm.serviceOfferingId === offering.id) {
        throw paramError(`Not upgrading vm ${vm.name} since it already has the requested service offering (${offering.name})`);
      }
      // A Stopped VM takes any other offering (upgradeStoppedVirtualMachine); a Running one goes
      // through upgradeRunningVirtualMachine's rules; any other state is refused.
      if (vm.state === "Running") checkLiveScale(vm, offering);
      else if (vm.state !== "Stopped") throw paramError(`Unable to scale the vm: ${vm.id} as it is not in the state Stopped or Running (state ${vm.state})`);
      checkVmLimits(ctx, vm.accountId, { vms: 0, cpu: offering.cpunumber - vm.cpuNumber, memory: offering.memory - vm.memory });
      await ctx.sleep(DURATIONS.scale);
      vm.serviceOfferingId = offering.id;
      vm.cpuNumber = offering.cpunumber;
      vm.cpuSpeed = offering.cpuspeed;
      vm.memory = offering.memory;
      return vmResult(ctx, vm, caller);
    });
  };

  /**
   * server/src/main/java/com/cloud/vm/UserVmManagerImpl.java, upgradeRunningVirtualMachine: the
   * hypervisor must scale live, the zone must allow it (enable.dynamic.scale.vm, default false), the VM
   * must be dynamically scalable (template, deploy flag and offering), both offerings must agree on
   * dynamic scaling, only scaling up is allowed, and KVM scales live only from a custom offering
   * (maxMemory is set only then), which the seed's fixed offerings never are.
   */
  function checkLiveScale(vm: VmRecord, offering: (typeof ctx.seed.serviceOfferings)[number]): void {
    const hypervisor = ctx.zone(vm.zoneId)?.hypervisor ?? "KVM";
    if (!["XenServer", "VMware", "Simulator", "KVM"].includes(hypervisor)) {
      throw paramError(`Scaling the VM dynamically is not supported for VMs running on Hypervisor [${hypervisor}].`);
    }
    if (!ctx.settingBool("enable.dynamic.scale.vm")) {
      // A PermissionDeniedException inside a job ends it with 530 (ApiAsyncJobDispatcher.runJob).
      throw internalError("Dynamically scaling virtual machines is disabled for this zone, please contact your admin");
    }
    if (!vm.dynamicallyScalable) throw internalError(`Unable to Scale the VM: ${vm.id} as VM is not configured to be dynamically scalable`);
    const current = ctx.seed.serviceOfferings.find((o) => o.id === vm.serviceOfferingId);
    if (current && current.dynamicscalingenabled !== offering.dynamicscalingenabled) {
      throw paramError("Unable to Scale VM: since dynamic scaling enabled flag is not same for new service offering and old service offering");
    }
    const [cpu, mem, speed] = [vm.cpuNumber, vm.memory, vm.cpuSpeed];
    const same = offering.cpunumber === cpu && offering.memory === mem && offering.cpuspeed === speed;
    if (offering.cpunumber < cpu || offering.memory < mem || offering.cpuspeed < speed || same) {
      throw paramError(
        `While the VM is running, only scalling up it is supported. New service offering {"memory": ${offering.memory}, "speed": ${offering.cpuspeed}, "cpu": ${offering.cpunumber}} should have at least one value (ram, speed or cpu) greater than the current values {"memory": ${mem}, "speed": ${speed}, "cpu": ${cpu}}.`,
      );
    }
    if (hypervisor === "KVM") {
      throw paramError(
        'Unable to live scale VM on KVM when current service offering is a "Fixed Offering". KVM needs the tag "maxMemory" to live scale and it is only configured when VM is deployed with a custom service offering and "Dynamic Scalable" is enabled.',
      );
    }
  }

  const updateVirtualMachine: CommandHandler = (params, caller) => {
    const cmd = "updateVirtualMachine";
    const vm = getVm(caller, cmd, required(params, cmd, "id"));
    if (vm.state === "Error" || vm.state === "Expunging") throw paramError(`Vm ${vm.name} is in state ${vm.state} and can't be updated`);
    if (params["name"] !== undefined && params["name"] !== vm.name) {
      checkHostname(params["name"]);
      vm.name = params["name"];
    }
    if (params["displayname"] !== undefined) vm.displayName = params["displayname"];
    if (params["group"] !== undefined) vm.group = params["group"];
    if (params["haenable"] !== undefined) vm.haEnable = bool(params, "haenable");
    if (params["deleteprotection"] !== undefined) vm.deleteProtection = bool(params, "deleteprotection");
    if (params["userdata"] !== undefined) {
      // updateVirtualMachine strips literal "\n" sequences before validating.
      vm.userData = normaliseUserData(ctx, params["userdata"].split("\\n").join(""));
      vm.userDataId = undefined;
    } else if (params["userdataid"] !== undefined) {
      const ud = ctx.world.userData.get(params["userdataid"]);
      if (!ud || ud.kind !== "userdata") throw invalidValue(cmd, "userdataid", params["userdataid"]);
      vm.userData = ud.userData;
      vm.userDataId = ud.id;
    }
    if (bool(params, "cleanupdetails")) vm.details = {};
    Object.assign(vm.details, detailsMap(params, "details"));
    return { kind: "object", entityKey: "virtualmachine", entity: renderVm(ctx, vm) };
  };

  const resetSSHKeyForVirtualMachine: CommandHandler = (params, caller) => {
    const cmd = "resetSSHKeyForVirtualMachine";
    const vm = getVm(caller, cmd, required(params, cmd, "id"));
    const names = keyPairNames(params);
    if (names.length === 0) throw paramError("Please specify at least one of keypair or keypairs");
    const keypairs = resolveKeyPairs(ctx, vm.accountId, names);
    return asyncVm(vm, async () => {
      if (vm.state !== "Stopped") throw paramError(`Vm ${vm.id} should be stopped to do SSH Key reset`);
      await ctx.sleep(DURATIONS.rule);
      vm.keypairs = keypairs;
      return vmResult(ctx, vm, caller);
    });
  };

  const resetUserDataForVirtualMachine: CommandHandler = (params, caller) => {
    const cmd = "resetUserDataForVirtualMachine";
    const vm = getVm(caller, cmd, required(params, cmd, "id"));
    if (vm.state !== "Stopped") throw paramError(`Vm ${vm.id} should be stopped to do UserData reset`);
    if (params["userdataid"] !== undefined) {
      const ud = ctx.world.userData.get(params["userdataid"]);
      if (!ud || ud.kind !== "userdata") throw invalidValue(cmd, "userdataid", params["userdataid"]);
      vm.userData = ud.userData;
      vm.userDataId = ud.id;
    } else {
      vm.userData = params["userdata"] !== undefined ? normaliseUserData(ctx, params["userdata"]) : undefined;
      vm.userDataId = undefined;
    }
    return { kind: "object", entityKey: "virtualmachine", entity: renderVm(ctx, vm) };
  };

  const listVirtualMachines: CommandHandler = (params, caller) => {
    ctx.checkListIds("listVirtualMachines", params, { id: [vms], networkid: [ctx.world.networks], isoid: [ctx.world.isos], templateid: [ctx.seed.templates], affinitygroupid: [affinityGroups(ctx)] });
    const inScope = ctx.listScope(caller, params);
    const byTag = ctx.tagFilter(params, "UserVm");
    const state = params["state"];
    const showDestroyed = caller.isAdmin || ctx.settingBool("allow.user.view.destroyed.vm");
    const items = [...vms.values()]
      .filter((v) => inScope(v.accountId))
      .filter((v) => basicFilter(params, v, [v.name, v.displayName]))
      .filter((v) => params["name"] === undefined || v.name.toLowerCase().includes(params["name"].toLowerCase()))
      .filter((v) => {
        if (state === undefined) return showDestroyed || (v.state !== "Destroyed" && v.state !== "Expunging");
        if (state.toLowerCase() === "present") return v.state !== "Destroyed" && v.state !== "Expunging";
        return v.state.toLowerCase() === state.toLowerCase() && (showDestroyed || v.state !== "Destroyed");
      })
      .filter((v) => params["zoneid"] === undefined || v.zoneId === params["zoneid"])
      .filter((v) => params["networkid"] === undefined || v.networkId === params["networkid"])
      .filter((v) => params["templateid"] === undefined || v.templateId === params["templateid"])
      .filter((v) => params["serviceofferingid"] === undefined || v.serviceOfferingId === params["serviceofferingid"])
      .filter((v) => params["isoid"] === undefined || v.isoId === params["isoid"])
      .filter((v) => params["keypair"] === undefined || v.keypairs.includes(params["keypair"]))
      .filter((v) => params["displayname"] === undefined || v.displayName === params["displayname"])
      // UserVmManagerImpl.searchForUserVMsInternal joins affinity_group_vm_map on affinitygroupid.
      .filter((v) => params["affinitygroupid"] === undefined || (affinityGroups(ctx).get(params["affinitygroupid"])?.vmIds.includes(v.id) ?? false))
      .filter((v) => byTag === undefined || byTag(v.id))
      .map((v) => renderVm(ctx, v, { withUserData: bool(params, "userdata"), admin: caller.isAdmin }));
    return { kind: "list", entityKey: "virtualmachine", items };
  };

  return {
    deployVirtualMachine,
    startVirtualMachine,
    stopVirtualMachine,
    rebootVirtualMachine,
    destroyVirtualMachine,
    expungeVirtualMachine,
    recoverVirtualMachine,
    scaleVirtualMachine,
    updateVirtualMachine,
    resetSSHKeyForVirtualMachine,
    resetUserDataForVirtualMachine,
    listVirtualMachines,
  };
}
