// Admin host commands: listHosts (apache/cloudstack api/.../admin/host/ListHostsCmd.java,
// QueryManagerImpl.searchForServers; response HostResponse / HostJoinDaoImpl.newHostResponse).
import { ApiError, type Caller, type CommandHandler } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import { allHosts, hostUsage } from "../hosts";

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
  return {
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
