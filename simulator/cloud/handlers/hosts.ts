// Admin host commands: listHosts (apache/cloudstack api/.../admin/host/ListHostsCmd.java,
// QueryManagerImpl.searchForServers; response HostResponse / HostJoinDaoImpl.newHostResponse).
// Dedication: dedicateHost / releaseDedicatedHost / listDedicatedHosts (plugins/dedicated-resources
// DedicatedResourceManagerImpl: dedicateHost, findOrCreateDedicatedAffinityGroup,
// checkHostSuitabilityForExplicitDedication, releaseDedicatedResource).
import { ApiError, type Caller, type CommandHandler } from "../../contracts";
import { affinityGroups, EXPLICIT, type AffinityGroupRecord } from "../affinity";
import { basicFilter, type CloudContext } from "../context";
import { allHosts, hostById, hostUsage, type HostRecord } from "../hosts";
import { internalError, paramError, required } from "../util";

/**
 * Commands a role may not call are refused by ApiServer.checkCommandAvailable with
 * UNSUPPORTED_ACTION_ERROR (432).
 */
export function adminOnly(caller: Caller, command: string): void {
  if (!caller.isAdmin) {
    throw new ApiError(432, `The given command:${command} does not exist or it is not available for user with id:${caller.userId}`, 9999);
  }
}

const pct = (used: number, total: number) => `${total === 0 ? "0.00" : ((100 * used) / total).toFixed(2)}%`;

export function hostHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const groups = affinityGroups(ctx);

  /** The ExplicitDedication group of an account, or the domain-level one (findOrCreateDedicatedAffinityGroup). */
  function dedicationGroup(domainId: string, accountId: string | undefined): AffinityGroupRecord {
    const found = [...groups.values()].find((g) => g.type === EXPLICIT && g.accountId === accountId && (accountId !== undefined || g.domainId === domainId));
    if (found) return found;
    const name = accountId !== undefined ? `DedicatedGrp-${ctx.accountName(accountId)}` : `DedicatedGrp-domain-${ctx.seed.domain.name}`;
    const g: AffinityGroupRecord = { id: ctx.uuid(), name, type: EXPLICIT, description: "dedicated resources group", accountId, domainId, vmIds: [] };
    groups.set(g.id, g);
    return g;
  }

  const renderDedication = (h: HostRecord) => {
    const d = h.dedicated!;
    const g = dedicationGroup(d.domainid, d.accountid);
    return {
      // The dedicated_resources row's uuid; one row per host, so derived from the host's.
      id: `de${h.id.slice(2)}`,
      hostid: h.id,
      hostname: h.name,
      domainid: d.domainid,
      domainname: ctx.seed.domain.name,
      accountid: d.accountid,
      accountname: ctx.accountName(d.accountid),
      affinitygroupid: g.id,
    };
  };

  // Seeded dedications come with their group, as dedicateHost would have created it.
  for (const h of allHosts(ctx.seed)) if (h.dedicated) dedicationGroup(h.dedicated.domainid, h.dedicated.accountid);

  return {
    dedicateHost: (params, caller) => {
      const cmd = "dedicateHost";
      adminOnly(caller, cmd);
      const hostId = required(params, cmd, "hostid");
      const domainId = required(params, cmd, "domainid");
      const host = hostById(ctx, hostId);
      if (!host) throw paramError(`Unable to find host by id ${hostId}`);
      if (domainId !== ctx.seed.domain.id) throw paramError(`Unable to find the domain by id ${domainId}, please specify valid domainId`);
      const accountId = params["account"] !== undefined ? ctx.actingAccount(caller, params) : undefined;
      return {
        kind: "async",
        work: {
          instanceType: "Host",
          instanceId: host.id,
          run: async () => {
            // CloudRuntimeException → 530.
            if (host.dedicated) throw internalError(`Host ${host.name} is already dedicated`);
            const foreign = [...ctx.world.vms.values()].some(
              (v) => (v.hostId === host.id || v.lastHostId === host.id) && ["Starting", "Running", "Stopping"].includes(v.state) && accountId !== undefined && v.accountId !== accountId,
            );
            if (foreign) throw internalError(`Host ${host.id} found to be unsuitable for explicit dedication as it is running instances of another account`);
            host.dedicated = { domainid: domainId, ...(accountId !== undefined ? { accountid: accountId } : {}) };
            return { kind: "object", entityKey: "dedicatedhost", entity: [renderDedication(host)] };
          },
        },
      };
    },

    releaseDedicatedHost: (params, caller) => {
      const cmd = "releaseDedicatedHost";
      adminOnly(caller, cmd);
      const hostId = required(params, cmd, "hostid");
      const host = hostById(ctx, hostId);
      if (!host) throw paramError(`Unable to find host by id ${hostId}`);
      return {
        kind: "async",
        work: {
          instanceType: "Host",
          instanceId: host.id,
          run: async () => {
            if (!host.dedicated) throw paramError("No Dedicated Resource available to release");
            const g = dedicationGroup(host.dedicated.domainid, host.dedicated.accountid);
            host.dedicated = undefined;
            // releaseDedicatedResource: the group goes when no resource is left under it.
            if (!allHosts(ctx.seed).some((h) => h.dedicated && dedicationGroup(h.dedicated.domainid, h.dedicated.accountid) === g)) groups.delete(g.id);
            return { kind: "success" };
          },
        },
      };
    },

    listDedicatedHosts: (params, caller) => {
      adminOnly(caller, "listDedicatedHosts");
      ctx.checkListIds("listDedicatedHosts", params, { hostid: [allHosts(ctx.seed)], affinitygroupid: [groups] });
      const items = allHosts(ctx.seed)
        .filter((h) => h.dedicated !== undefined)
        .filter((h) => params["hostid"] === undefined || params["hostid"] === h.id)
        .filter((h) => params["domainid"] === undefined || params["domainid"] === h.dedicated!.domainid)
        .filter((h) => params["account"] === undefined || ctx.accountName(h.dedicated!.accountid) === params["account"])
        .map(renderDedication)
        .filter((r) => params["affinitygroupid"] === undefined || params["affinitygroupid"] === r.affinitygroupid);
      return { kind: "list", entityKey: "dedicatedhost", items };
    },

    listHosts: (params, caller) => {
      adminOnly(caller, "listHosts");
      ctx.checkListIds("listHosts", params, { id: [allHosts(ctx.seed)], zoneid: [ctx.seed.zones] });
      const items = allHosts(ctx.seed)
        .filter((h) => basicFilter(params, h, [h.name]))
        .filter((h) => params["name"] === undefined || params["name"] === h.name)
        .filter((h) => params["zoneid"] === undefined || params["zoneid"] === h.zoneid)
        // Every simulated host is a hypervisor host (Host.Type.Routing).
        .filter(() => params["type"] === undefined || params["type"].toLowerCase() === "routing")
        .filter((h) => params["hypervisor"] === undefined || params["hypervisor"].toLowerCase() === h.hypervisor.toLowerCase())
        .filter((h) => params["state"] === undefined || params["state"].toLowerCase() === h.state.toLowerCase())
        .filter((h) => params["resourcestate"] === undefined || params["resourcestate"].toLowerCase() === h.resourcestate.toLowerCase())
        .map((h) => {
          const used = hostUsage(ctx, h.id);
          const mhzTotal = h.cpunumber * h.cpuspeed;
          const mhzUsed = [...ctx.world.vms.values()]
            .filter((v) => v.hostId === h.id && ["Starting", "Running", "Stopping"].includes(v.state))
            .reduce((s, v) => s + v.cpuNumber * v.cpuSpeed, 0);
          const zone = ctx.zone(h.zoneid);
          return {
            id: h.id,
            name: h.name,
            state: h.state,
            type: "Routing",
            hypervisor: h.hypervisor,
            zoneid: h.zoneid,
            zonename: zone?.name,
            cpunumber: h.cpunumber,
            cpuspeed: h.cpuspeed,
            cpuallocated: pct(mhzUsed, mhzTotal),
            cpuallocatedvalue: mhzUsed,
            cpuallocatedpercentage: pct(mhzUsed, mhzTotal),
            memorytotal: h.memory * 1024 * 1024,
            memoryallocated: used.memory * 1024 * 1024,
            memoryallocatedbytes: used.memory * 1024 * 1024,
            memoryallocatedpercentage: pct(used.memory, h.memory),
            hosttags: h.hosttags.length > 0 ? h.hosttags.join(",") : undefined,
            resourcestate: h.resourcestate,
            arch: "x86_64",
          };
        });
      return { kind: "list", entityKey: "host", items };
    },
  };
}
