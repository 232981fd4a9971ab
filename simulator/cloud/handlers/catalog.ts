// Read-only catalogue from the seed: zones, offerings, OS types, templates, network offerings.
import type { CommandHandler, Params } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import { bool, int, paramError } from "../util";

const CREATED = "2025-01-01T00:00:00+0000";

function nameMatches(params: Params, name: string): boolean {
  return params["name"] === undefined || params["name"] === name;
}

/** "System Offering For Software Router": the offering a network's virtual router runs with. */
const VIRTUAL_ROUTER_OFFERING_ID = "b1000000-0000-4000-8000-000000000190";

export function catalogHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const seed = ctx.seed;
  return {
    listZones: (params) => {
      ctx.checkListIds("listZones", params, { id: [seed.zones] });
      return {
        kind: "list",
        entityKey: "zone",
        items: seed.zones
          .filter((z) => basicFilter(params, z, [z.name]) && nameMatches(params, z.name))
          .filter((z) => params["networktype"] === undefined || params["networktype"] === z.networktype)
          .filter((z) => !bool(params, "available") || z.allocationstate === "Enabled")
          .map((z) => ({
            id: z.id,
            name: z.name,
            networktype: z.networktype,
            allocationstate: z.allocationstate,
            securitygroupsenabled: false,
            localstorageenabled: false,
            dhcpprovider: "VirtualRouter",
            dns1: "8.8.8.8",
            internaldns1: "10.0.0.2",
            guestcidraddress: "10.1.0.0/16",
            type: "Core",
            ismultiarch: false,
            routedmodeenabled: false,
            tags: [],
          })),
      };
    },

    listServiceOfferings: (params) => {
      ctx.checkListIds("listServiceOfferings", params, { id: [seed.serviceOfferings] });
      const cpu = int(params, "listServiceOfferings", "cpunumber");
      const mem = int(params, "listServiceOfferings", "memory");
      return {
        kind: "list",
        entityKey: "serviceoffering",
        items: seed.serviceOfferings
          .filter((o) => basicFilter(params, o, [o.name]) && nameMatches(params, o.name))
          .filter((o) => (cpu === undefined || o.cpunumber >= cpu) && (mem === undefined || o.memory >= mem))
          .filter(() => !bool(params, "issystem"))
          .map((o) => ({
            id: o.id,
            name: o.name,
            displaytext: o.displaytext ?? o.name,
            cpunumber: o.cpunumber,
            cpuspeed: o.cpuspeed,
            memory: o.memory,
            created: CREATED,
            storagetype: "shared",
            provisioningtype: "thin",
            offerha: false,
            limitcpuuse: false,
            isvolatile: false,
            issystem: false,
            defaultuse: false,
            iscustomized: false,
            dynamicscalingenabled: o.dynamicscalingenabled,
            state: "Active",
            hasannotations: false,
          })),
      };
    },

    listDiskOfferings: (params) => ({
      kind: "list",
      entityKey: "diskoffering",
      items: seed.diskOfferings
        .filter((o) => basicFilter(params, o, [o.name]) && nameMatches(params, o.name))
        .map((o) => ({
          id: o.id,
          name: o.name,
          displaytext: o.displaytext ?? o.name,
          disksize: o.disksize,
          iscustomized: o.iscustomized,
          created: CREATED,
          storagetype: "shared",
          provisioningtype: "thin",
          displayoffering: true,
          state: "Active",
          encrypt: false,
        })),
    }),

    listOsTypes: (params) => ({
      kind: "list",
      entityKey: "ostype",
      items: seed.osTypes
        .filter((o) => basicFilter(params, o, [o.description]))
        .filter((o) => params["description"] === undefined || o.description === params["description"])
        .filter((o) => params["oscategoryid"] === undefined || o.oscategoryid === params["oscategoryid"])
        .map((o) => ({
          id: o.id,
          name: o.description,
          description: o.description,
          oscategoryid: o.oscategoryid,
          oscategoryname: o.oscategoryname,
          isuserdefined: false,
          fordisplay: true,
        })),
    }),

    listTemplates: (params, caller) => {
      ctx.checkListIds("listTemplates", params, { id: [seed.templates] });
      const filter = params["templatefilter"];
      const known = ["featured", "self", "selfexecutable", "sharedexecutable", "executable", "community", "all"];
      if (filter === undefined) throw paramError("Unable to execute API command listtemplates due to missing parameter templatefilter");
      if (!known.includes(filter)) throw paramError(`Please specify a valid template filter: ${filter} is not one of ${known.join(", ")}`);
      const zone = seed.zones[0];
      const adminAccount = seed.accounts.find((a) => a.isAdmin);
      return {
        kind: "list",
        entityKey: "template",
        items: seed.templates
          .filter((t) => basicFilter(params, t, [t.name]) && nameMatches(params, t.name))
          .filter((t) => {
            if (filter === "featured") return t.isfeatured;
            if (filter === "community") return t.ispublic && !t.isfeatured;
            // Seed templates belong to the root admin account.
            if (filter === "self" || filter === "selfexecutable") return caller.accountId === adminAccount?.id;
            if (filter === "sharedexecutable") return false;
            return true;
          })
          .filter(() => params["zoneid"] === undefined || params["zoneid"] === zone.id)
          .filter((t) => params["hypervisor"] === undefined || params["hypervisor"].toLowerCase() === t.hypervisor.toLowerCase())
          .filter((t) => params["isready"] === undefined || bool(params, "isready") === t.isready)
          .filter((t) => params["forcks"] === undefined || bool(params, "forcks") === t.forcks)
          .filter((t) => params["arch"] === undefined || params["arch"] === t.arch)
          .map((t) => ({
            id: t.id,
            name: t.name,
            displaytext: t.displaytext ?? t.name,
            ispublic: t.ispublic,
            created: CREATED,
            isready: t.isready,
            passwordenabled: false,
            format: "QCOW2",
            bootable: true,
            isfeatured: t.isfeatured,
            crossZones: false,
            ostypeid: t.ostypeid,
            ostypename: seed.osTypes.find((o) => o.id === t.ostypeid)?.description,
            accountid: adminAccount?.id,
            account: adminAccount?.name,
            zoneid: zone.id,
            zonename: zone.name,
            status: t.isready ? "Download Complete" : "Not Ready",
            size: t.size,
            physicalsize: t.size,
            templatetype: t.templatetype,
            hypervisor: t.hypervisor,
            domainid: ctx.domain.id,
            domain: ctx.domain.name,
            isextractable: false,
            sshkeyenabled: false,
            isdynamicallyscalable: t.isdynamicallyscalable,
            directdownload: false,
            deployasis: false,
            forcks: t.forcks,
            requireshvm: true,
            arch: t.arch,
            tags: ctx.tagsOf("Template", t.id),
          })),
      };
    },

    listNetworkOfferings: (params) => ({
      kind: "list",
      entityKey: "networkoffering",
      items: seed.networkOfferings
        .filter((o) => basicFilter(params, o, [o.name]) && nameMatches(params, o.name))
        .filter((o) => params["state"] === undefined || params["state"].toLowerCase() === o.state.toLowerCase())
        .filter((o) => params["guestiptype"] === undefined || params["guestiptype"].toLowerCase() === o.guestiptype.toLowerCase())
        .filter((o) => params["forvpc"] === undefined || bool(params, "forvpc") === o.forvpc)
        .filter((o) => params["sourcenatsupported"] === undefined || bool(params, "sourcenatsupported") === o.services.includes("SourceNat"))
        .filter((o) => {
          const wanted = (params["supportedservices"] ?? "").split(",").filter((s) => s !== "");
          return wanted.every((w) => o.services.some((s) => s.toLowerCase() === w.toLowerCase()));
        })
        .map((o) => ({
          id: o.id,
          name: o.name,
          displaytext: o.displaytext ?? o.name,
          created: CREATED,
          traffictype: "Guest",
          isdefault: o.isdefault,
          specifyvlan: o.guestiptype === "Shared",
          conservemode: true,
          specifyipranges: o.guestiptype === "Shared",
          availability: "Optional",
          state: o.state,
          guestiptype: o.guestiptype,
          service: o.services.map((s) => ({ name: s, provider: [{ name: "VirtualRouter" }] })),
          forvpc: o.forvpc,
          fornsx: false,
          networkmode: "NATTED",
          ispersistent: false,
          egressdefaultpolicy: o.egressdefaultpolicy,
          supportsstrechedl2subnet: false,
          supportspublicaccess: false,
          supportsinternallb: false,
          internetprotocol: "IPv4",
          // Always sent: the offering's rate in Mbit/s (network.throttling.rate, default 200, when the
          // offering sets none) and its router's system offering, the default router offering when it
          // names none (server/src/main/java/com/cloud/api/ApiResponseHelper.java,
          // createNetworkOfferingResponse; NetworkModelImpl.getNetworkRate).
          serviceofferingid: VIRTUAL_ROUTER_OFFERING_ID,
          networkrate: Number(ctx.setting("network.throttling.rate") ?? "200"),
        })),
    }),
  };
}
