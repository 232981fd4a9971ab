// The zone a resource names must exist for this account before anything is registered in it; a wrong
// zone then says "zone not found" instead of surfacing later as an ISO or template that "is not
// available in zone …".
import { ZoneSchema } from "../cloudstack/schemas/catalog";
import type { CloudApi } from "./cloudApi";
import { isNotFoundError } from "./cloudErrors";
import { parseList } from "./entities";

/** Undefined when `zoneId` is a zone this account sees; otherwise what is wrong, naming the field. */
export async function zoneProblem(api: CloudApi, zoneId: string, field = "zoneId"): Promise<string | undefined> {
  // CloudStack answers 431 for an id it never had (an unknown uuid), an empty list for a hidden zone.
  const byId = await api.listAll("listZones", { id: zoneId }, "zone").catch((err: unknown) => {
    if (isNotFoundError(err)) return [];
    throw err;
  });
  if (parseList(ZoneSchema, byId, "listZones").length > 0) return undefined;
  const byName = parseList(ZoneSchema, await api.listAll("listZones", { name: zoneId }, "zone"), "listZones");
  const named = byName.find((z) => z.name === zoneId);
  if (named) return `${field}: "${zoneId}" is the name of zone ${named.id}, not its id; pass ${field}: "${named.id}"`;
  return `${field}: zone not found: no zone with id "${zoneId}" is visible to this account (listZones); use the id of one of your zones`;
}
