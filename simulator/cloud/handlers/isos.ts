// ISOs: registerIso (synchronous; the download runs in the background), listIsos, deleteIso and
// attaching / detaching them to VMs.
import { rm } from "node:fs/promises";
import type { Caller, CommandHandler } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import { DownloadError, digest, fetchLoopback, parseChecksum, storeIso, type ExpectedChecksum } from "../isoDownload";
import type { IsoRecord, VmRecord } from "../model";
import { DURATIONS } from "../netops";
import { renderIso, renderVm } from "../render";
import { bool, invalidValue, paramError, required } from "../util";

export function isoHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const isos = ctx.world.isos;

  function visible(caller: Caller, iso: IsoRecord): boolean {
    return caller.isAdmin || iso.accountId === caller.accountId || iso.isPublic;
  }

  async function download(iso: IsoRecord, expected: ExpectedChecksum | undefined): Promise<void> {
    try {
      const data = await fetchLoopback(iso.url);
      iso.status = "50% Downloaded";
      await ctx.backgroundSleep(DURATIONS.isoDownload);
      if (expected && digest(data, expected.algorithm) !== expected.hex) {
        iso.status = "Failed post download script: checksum mismatch";
        return;
      }
      if (ctx.closed || isos.get(iso.id) !== iso) return;
      iso.filePath = await storeIso(ctx.options.dataDir, iso.id, data);
      iso.size = data.length;
      iso.isReady = true;
      iso.status = "Successfully Installed";
    } catch (err) {
      iso.status = err instanceof DownloadError ? err.message : "Failed to download: internal error";
    }
  }

  function vmCheck(vm: VmRecord): void {
    if (vm.state !== "Running" && vm.state !== "Stopped") throw paramError(`VM ${vm.name} must be Stopped or Running to attach or detach an ISO (state ${vm.state})`);
  }

  return {
    registerIso: (params, caller) => {
      const cmd = "registerIso";
      const name = required(params, cmd, "name");
      const url = required(params, cmd, "url");
      const zoneParam = required(params, cmd, "zoneid");
      const zoneId = zoneParam === "-1" ? undefined : ctx.zoneOrThrow(cmd, "zoneid", zoneParam).id;
      const expected = parseChecksum(params["checksum"]);
      if (!/^https?:\/\//i.test(url)) throw paramError(`Please specify a valid URL. URL: ${url} is an invalid for ISO`);
      const iso: IsoRecord = {
        id: ctx.uuid(),
        name,
        displayText: params["displaytext"] ?? name,
        url,
        zoneId,
        accountId: ctx.actingAccount(caller, params),
        isReady: false,
        status: "0% Downloaded",
        checksum: params["checksum"],
        bootable: bool(params, "bootable", true),
        isPublic: bool(params, "ispublic"),
        isFeatured: bool(params, "isfeatured"),
        isExtractable: bool(params, "isextractable"),
        osTypeId: params["ostypeid"],
        created: ctx.now(),
      };
      isos.set(iso.id, iso);
      ctx.spawn(() => download(iso, expected));
      return { kind: "list", entityKey: "iso", items: [renderIso(ctx, iso)] };
    },

    listIsos: (params, caller) => {
      ctx.checkListIds("listIsos", params, { id: [isos] });
      const filter = (params["isofilter"] ?? "selfexecutable").toLowerCase();
      const byTag = ctx.tagFilter(params, "ISO");
      const items = [...isos.values()]
        .filter((iso) => {
          const own = iso.accountId === caller.accountId;
          switch (filter) {
            case "self":
            case "selfexecutable":
              return own;
            case "featured":
              return iso.isFeatured && (iso.isPublic || own);
            case "community":
              return iso.isPublic && !iso.isFeatured;
            case "sharedexecutable":
              return false;
            case "all":
              return caller.isAdmin || own || iso.isPublic;
            default:
              return own || iso.isPublic;
          }
        })
        .filter((iso) => basicFilter(params, iso, [iso.name, iso.displayText]))
        .filter((iso) => params["name"] === undefined || iso.name === params["name"])
        .filter((iso) => params["zoneid"] === undefined || iso.zoneId === undefined || iso.zoneId === params["zoneid"])
        .filter((iso) => params["isready"] === undefined || bool(params, "isready") === iso.isReady)
        .filter((iso) => params["bootable"] === undefined || bool(params, "bootable") === iso.bootable)
        .filter((iso) => params["ispublic"] === undefined || bool(params, "ispublic") === iso.isPublic)
        .filter((iso) => byTag === undefined || byTag(iso.id))
        .map((iso) => renderIso(ctx, iso));
      return { kind: "list", entityKey: "iso", items };
    },

    deleteIso: (params, caller) => {
      const cmd = "deleteIso";
      const iso = ctx.owned(isos, caller, cmd, "id", required(params, cmd, "id"));
      return {
        kind: "async",
        work: {
          instanceType: "Iso",
          instanceId: iso.id,
          run: async () => {
            const user = [...ctx.world.vms.values()].find((v) => v.isoId === iso.id);
            if (user) throw paramError(`Unable to delete ISO ${iso.name}: it is attached to VM ${user.name}; detach it first`);
            await ctx.sleep(DURATIONS.rule);
            isos.delete(iso.id);
            ctx.removeTagsOf("ISO", iso.id);
            if (iso.filePath) await rm(iso.filePath, { force: true });
            return { kind: "success" };
          },
        },
      };
    },

    attachIso: (params, caller) => {
      const cmd = "attachIso";
      const isoId = required(params, cmd, "id");
      const iso = isos.get(isoId);
      if (!iso || !visible(caller, iso)) throw invalidValue(cmd, "id", isoId);
      const vm = ctx.owned(ctx.world.vms, caller, cmd, "virtualmachineid", required(params, cmd, "virtualmachineid"));
      return {
        kind: "async",
        work: {
          instanceType: "VirtualMachine",
          instanceId: vm.id,
          run: async () => {
            if (!iso.isReady || !iso.filePath) throw paramError(`Unable to attach ISO ${iso.name}: it is not ready (${iso.status})`);
            vmCheck(vm);
            if (vm.isoId !== undefined) throw paramError(`An ISO is already attached to VM ${vm.name}, please detach the current ISO first`);
            await ctx.sleep(DURATIONS.isoAttach);
            vm.isoId = iso.id;
            ctx.options.nodes.setIso(vm.id, iso.filePath);
            return { kind: "object", entityKey: "virtualmachine", entity: renderVm(ctx, vm) };
          },
        },
      };
    },

    detachIso: (params, caller) => {
      const cmd = "detachIso";
      const vm = ctx.owned(ctx.world.vms, caller, cmd, "virtualmachineid", required(params, cmd, "virtualmachineid"));
      return {
        kind: "async",
        work: {
          instanceType: "VirtualMachine",
          instanceId: vm.id,
          run: async () => {
            vmCheck(vm);
            if (vm.isoId === undefined) throw paramError(`Virtual machine ${vm.name} doesn't have any ISO attached`);
            await ctx.sleep(DURATIONS.isoAttach);
            vm.isoId = undefined;
            ctx.options.nodes.setIso(vm.id, null);
            return { kind: "object", entityKey: "virtualmachine", entity: renderVm(ctx, vm) };
          },
        },
      };
    },
  };
}
