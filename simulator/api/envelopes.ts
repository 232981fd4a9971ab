// Response envelopes (reference §2): the shapes CloudStack's JSON serializer produces, including the
// empty-list `{}` and the total `count` beside a page slice.
import { ApiError, type HandlerResult, type Params } from "../contracts";
import { MAX_PAGE_SIZE } from "./params";

export type Envelope = Record<string, unknown>;

/** CSExceptionErrorCode of the exception CloudStack would have thrown for an HTTP error code. */
export function csErrorCodeFor(errorcode: number): number {
  switch (errorcode) {
    case 431:
      return 4350;
    case 530:
      return 4250;
    case 533:
      return 4325;
    case 534:
      return 4380;
    case 535:
      return 4370;
    case 531:
      return 4365;
    default:
      return 9999;
  }
}

export function errorEnvelope(responseKey: string, errorcode: number, errortext: string, cserrorcode?: number): Envelope {
  const body: Record<string, unknown> = { uuidList: [], errorcode };
  if (cserrorcode !== undefined) body.cserrorcode = cserrorcode;
  body.errortext = errortext;
  return { [responseKey]: body };
}

/** The 401 path carries no cserrorcode. */
export function unauthorizedEnvelope(responseKey: string): Envelope {
  return errorEnvelope(responseKey, 401, "unable to verify user credentials and/or request signature");
}

export function apiErrorEnvelope(responseKey: string, err: ApiError): Envelope {
  return errorEnvelope(responseKey, err.errorcode, err.errortext, err.cserrorcode);
}

/** The page of `items` the request asked for: pagesize -1 = all, none given = the first 500. */
export function pageSlice<T>(items: T[], params: Params): T[] {
  const pageSize = params.pagesize ? Number(params.pagesize) : MAX_PAGE_SIZE;
  if (pageSize === -1) return items;
  const page = params.page ? Math.max(1, Number(params.page)) : 1;
  return items.slice((page - 1) * pageSize, page * pageSize);
}

type SyncResult = Exclude<HandlerResult, { kind: "async" }>;

export function resultEnvelope(responseKey: string, result: SyncResult, params: Params): Envelope {
  switch (result.kind) {
    case "object":
      return { [responseKey]: { [result.entityKey]: result.entity } };
    case "list": {
      if (result.items.length === 0) return { [responseKey]: {} };
      const slice = pageSlice(result.items, params);
      // A page past the end keeps the total but has no entity key.
      return { [responseKey]: slice.length === 0 ? { count: result.items.length } : { count: result.items.length, [result.entityKey]: slice } };
    }
    case "success":
      return { [responseKey]: result.displaytext === undefined ? { success: true } : { success: true, displaytext: result.displaytext } };
    case "flat":
      return { [responseKey]: result.body };
  }
}

export function asyncSubmitEnvelope(responseKey: string, jobid: string, entityId?: string): Envelope {
  return { [responseKey]: entityId === undefined ? { jobid } : { id: entityId, jobid } };
}
