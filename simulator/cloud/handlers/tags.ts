// Resource tags: createTags / deleteTags (async) and listTags. Tags also appear in list responses and
// drive the tag filters of list commands (context.tagFilter).
import type { Caller, CommandHandler } from "../../contracts";
import { TAGGABLE, type CloudContext } from "../context";
import type { TagRecord } from "../model";
import { DURATIONS } from "../netops";
import { list, mapEntries, paramError, permissionDenied, required } from "../util";

export function tagHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const w = ctx.world;

  function canonicalType(raw: string): string {
    const t = TAGGABLE[raw.toLowerCase()];
    if (!t) throw paramError(`Invalid resource type ${raw}`);
    return t;
  }

  /** Owner of a taggable resource, or undefined when it does not exist. */
  function ownerOf(type: string, id: string): { exists: boolean; accountId?: string } {
    const lookup: Record<string, () => { accountId?: string } | undefined> = {
      UserVm: () => w.vms.get(id),
      ISO: () => w.isos.get(id),
      Network: () => w.networks.get(id),
      PublicIpAddress: () => w.publicIps.get(id),
      FirewallRule: () => w.firewallRules.get(id),
      PortForwardingRule: () => w.portForwardingRules.get(id),
      LoadBalancer: () => w.loadBalancerRules.get(id),
      UserData: () => w.userData.get(id),
      Vpc: () => w.vpcs.get(id),
      NetworkACL: () => {
        const item = w.networkAclItems.get(id);
        const list = item ? w.networkAclLists.get(item.aclId) : undefined;
        return list ? w.vpcs.get(list.vpcId) : undefined;
      },
      Template: () => (ctx.seed.templates.some((t) => t.id === id) ? { accountId: ctx.seed.accounts.find((a) => a.isAdmin)?.id } : undefined),
    };
    const found = lookup[type]?.();
    return found ? { exists: true, accountId: found.accountId } : { exists: false };
  }

  function checkResources(caller: Caller, type: string, ids: string[]): Map<string, string | undefined> {
    const owners = new Map<string, string | undefined>();
    for (const id of ids) {
      const o = ownerOf(type, id);
      if (!o.exists) throw paramError(`Unable to find resource by id ${id} and type ${type}`);
      if (!caller.isAdmin && o.accountId !== undefined && o.accountId !== caller.accountId) {
        throw permissionDenied(`Account ${caller.accountName} does not have permission to tag resource ${id}`);
      }
      owners.set(id, o.accountId);
    }
    return owners;
  }

  return {
    createTags: (params, caller) => {
      const cmd = "createTags";
      const type = canonicalType(required(params, cmd, "resourcetype"));
      const ids = list(params, "resourceids");
      if (ids.length === 0) throw paramError("Unable to execute API command createtags due to missing parameter resourceids");
      const pairs = mapEntries(params, "tags");
      if (pairs.length === 0) throw paramError("Unable to execute API command createtags due to missing parameter tags");
      for (const p of pairs) if (!p["key"]) throw paramError("Tag key can't be empty");
      const owners = checkResources(caller, type, ids);
      for (const id of ids) {
        for (const p of pairs) {
          if (w.tags.some((t) => t.resourceType === type && t.resourceId === id && t.key === p["key"])) {
            throw paramError(`A tag with key ${p["key"]} already exists on resource ${id}`);
          }
        }
      }
      return {
        kind: "async",
        work: {
          run: async () => {
            await ctx.sleep(DURATIONS.tags);
            for (const id of ids) {
              for (const p of pairs) {
                const tag: TagRecord = {
                  key: p["key"],
                  value: p["value"] ?? "",
                  resourceType: type,
                  resourceId: id,
                  accountId: owners.get(id) ?? caller.accountId,
                  customer: params["customer"],
                };
                w.tags = w.tags.filter((t) => !(t.resourceType === type && t.resourceId === id && t.key === tag.key));
                w.tags.push(tag);
              }
            }
            return { kind: "success" };
          },
        },
      };
    },

    deleteTags: (params, caller) => {
      const cmd = "deleteTags";
      const type = canonicalType(required(params, cmd, "resourcetype"));
      const ids = list(params, "resourceids");
      if (ids.length === 0) throw paramError("Unable to execute API command deletetags due to missing parameter resourceids");
      checkResources(caller, type, ids);
      const pairs = mapEntries(params, "tags");
      return {
        kind: "async",
        work: {
          run: async () => {
            await ctx.sleep(DURATIONS.tags);
            w.tags = w.tags.filter((t) => {
              if (t.resourceType !== type || !ids.includes(t.resourceId)) return true;
              if (pairs.length === 0) return false;
              const hit = pairs.some((p) => p["key"] === t.key && (p["value"] === undefined || p["value"] === t.value));
              return !hit;
            });
            return { kind: "success" };
          },
        },
      };
    },

    listTags: (params, caller) => {
      const inScope = ctx.listScope(caller, params);
      const type = params["resourcetype"] !== undefined ? canonicalType(params["resourcetype"]) : undefined;
      const items = w.tags
        .filter((t) => inScope(t.accountId))
        .filter((t) => type === undefined || t.resourceType === type)
        .filter((t) => params["resourceid"] === undefined || t.resourceId === params["resourceid"])
        .filter((t) => params["key"] === undefined || t.key === params["key"])
        .filter((t) => params["value"] === undefined || t.value === params["value"])
        .filter((t) => params["customer"] === undefined || t.customer === params["customer"])
        .filter((t) => params["keyword"] === undefined || t.key.includes(params["keyword"]) || t.value.includes(params["keyword"]))
        .map((t) => ({
          key: t.key,
          value: t.value,
          resourcetype: t.resourceType,
          resourceid: t.resourceId,
          ...ctx.owner(t.accountId),
          customer: t.customer,
        }));
      return { kind: "list", entityKey: "tag", items };
    },
  };
}
