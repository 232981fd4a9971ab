// List calls filtered by the id of something that may no longer exist. CloudStack resolves every UUID
// parameter before a list command runs and answers 431 "Invalid parameter <name> value=<uuid> due to
// incorrect long value format, or entity does not exist ..." when it finds no row, removed rows
// included (server/src/main/java/com/cloud/api/dispatch/ParamProcessWorker.java,
// translateUuidToInternalId). Removed rows usually remain, so a deleted entity lists as empty, but
// once they are purged (expunged.resources.purge.enabled, CloudStack 4.20+) or on a CloudStack that
// never had the id, the answer is that 431. For a resume, read or delete both mean "gone".
import type { CloudApi, CloudParams } from "./cloudApi";
import { cloudErrorInfo } from "./cloudErrors";

/** True when `err` is CloudStack refusing one of `params`' values as an unknown entity. */
export function isUnresolvedIdError(err: unknown, params: CloudParams): boolean {
  const { code, text } = cloudErrorInfo(err);
  if (code !== 431) return false;
  const m = /Invalid parameter (\S+) value=(\S+) due to incorrect long value format, or entity does not exist/i.exec(text);
  if (!m) return false;
  const value = params[m[1].toLowerCase()];
  return typeof value === "string" && value === m[2];
}

/** listAll, but an id filter naming an entity CloudStack cannot find yields no items instead of an error. */
export async function listAllOrGone(api: CloudApi, command: string, params: CloudParams, entityKey: string): Promise<unknown[]> {
  try {
    return await api.listAll(command, params, entityKey);
  } catch (err) {
    if (isUnresolvedIdError(err, params)) return [];
    throw err;
  }
}
