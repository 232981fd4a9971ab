// Registered user data and CNI configurations (CloudStack 4.21 stores CNI configurations as user
// data of a special kind, returned under the entity key "cniconfig").
import type { CommandHandler, Params, Caller } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import type { UserDataRecord } from "../model";
import { renderUserData } from "../render";
import { normaliseUserData } from "../vmops";
import { paramError, required } from "../util";

/** Comma list of variable names, normalised (trimmed, no empties). */
function paramNames(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const n of names) if (!/^[A-Za-z0-9_.-]+$/.test(n)) throw paramError(`Invalid user data parameter name ${n}`);
  return names.length > 0 ? names.join(",") : undefined;
}

export function userDataHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const store = ctx.world.userData;

  function register(kind: UserDataRecord["kind"], params: Params, caller: Caller, command: string, dataParam: string, required_: boolean): UserDataRecord {
    const name = required(params, command, "name");
    const accountId = ctx.actingAccount(caller, params);
    if ([...store.values()].some((u) => u.accountId === accountId && u.kind === kind && u.name === name)) {
      throw paramError(`A userdata with name ${name} already exists for this account.`);
    }
    const raw = params[dataParam];
    if (raw === undefined && required_) throw paramError(`Unable to execute API command ${command.toLowerCase()} due to missing parameter ${dataParam}`);
    // CNI configurations may be up to 1 MiB (they are not limited by vm.userdata.max.length).
    const data = raw === undefined ? "" : kind === "cni" ? normaliseLarge(raw) : normaliseUserData(ctx, raw);
    const rec: UserDataRecord = { id: ctx.uuid(), name, kind, userData: data, params: paramNames(params["params"]), accountId };
    store.set(rec.id, rec);
    return rec;
  }

  function lister(kind: UserDataRecord["kind"], entityKey: string, command: string): CommandHandler {
    return (params, caller) => {
      ctx.checkListIds(command, params, { id: [store] });
      const inScope = ctx.listScope(caller, params);
      const items = [...store.values()]
        .filter((u) => u.kind === kind && inScope(u.accountId))
        .filter((u) => basicFilter(params, u, [u.name]))
        .filter((u) => params["name"] === undefined || u.name === params["name"])
        .map((u) => renderUserData(ctx, u));
      return { kind: "list", entityKey, items };
    };
  }

  function deleter(kind: UserDataRecord["kind"], command: string): CommandHandler {
    return (params, caller) => {
      const rec = ctx.owned(store, caller, command, "id", required(params, command, "id"));
      if (rec.kind !== kind) throw paramError(`Unable to find ${kind === "cni" ? "CNI configuration" : "user data"} with id ${rec.id}`);
      if (kind === "userdata" && [...ctx.world.vms.values()].some((v) => v.userDataId === rec.id)) {
        throw paramError(`Userdata ${rec.name} is in use by a VM and cannot be deleted`);
      }
      store.delete(rec.id);
      ctx.removeTagsOf("UserData", rec.id);
      return { kind: "success" };
    };
  }

  return {
    registerUserData: (params, caller) => {
      const rec = register("userdata", params, caller, "registerUserData", "userdata", true);
      return { kind: "object", entityKey: "userdata", entity: renderUserData(ctx, rec) };
    },
    listUserData: lister("userdata", "userdata", "listUserData"),
    deleteUserData: deleter("userdata", "deleteUserData"),
    registerCniConfiguration: (params, caller) => {
      const rec = register("cni", params, caller, "registerCniConfiguration", "cniconfig", false);
      return { kind: "object", entityKey: "cniconfig", entity: renderUserData(ctx, rec) };
    },
    listCniConfiguration: lister("cni", "cniconfig", "listCniConfiguration"),
    deleteCniConfiguration: deleter("cni", "deleteCniConfiguration"),
  };
}

/** Base64 check and re-encoding for CNI configurations (≤ 1 MiB encoded). */
function normaliseLarge(raw: string): string {
  const compact = raw.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw paramError("CNI configuration is not base64 encoded");
  if (compact.length > 1048576) throw paramError("CNI configuration has exceeded the max length : 1048576");
  const bytes = Buffer.from(compact, "base64");
  if (bytes.length < 1) throw paramError("CNI configuration is empty");
  return bytes.toString("base64");
}
