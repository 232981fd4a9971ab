// Parameter checks that CloudStack runs before a command executes (ParamProcessWorker, BaseListCmd,
// UserDataManagerImpl.validateUserData), all synchronous 431s: missing, unknown (strict mode),
// malformed UUID/number, too long, paging rules and userdata size/encoding.
import { ApiError, type Params } from "../contracts";
import { commandLabel, type CommandSpec, type ParamSpec } from "./commandTable";

/** Parameters every command takes besides those in its table entry (signing and dispatch). */
const IMPLICIT = new Set(["command", "apikey", "signature", "signatureversion", "expires"]);

export const MAX_PAGE_SIZE = 500;
const GET_USERDATA_MAX = 4096;
const POST_USERDATA_MAX = 1_048_576;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d+$/;
const MAP_ENTRY = /^([a-z0-9_]+)\[(\d+)\]\.([a-z0-9_]+)$/;
/** ServerApiException (missing parameter, paging) vs InvalidParameterValueException. */
const CS_SERVER_API = 9999;
const CS_INVALID_PARAM = 4350;

export interface ParamCheckOptions {
  strict: boolean;
  method: "GET" | "POST";
  isAdmin: boolean;
  /** vm.userdata.max.length (default 32768). */
  userDataMaxLength?: number;
}

export interface ParamCheckResult {
  /** Names the command does not declare: refused in strict mode, otherwise ignored (and audited). */
  unknown: string[];
}

/**
 * Throws ApiError(431) on the first problem, in CloudStack's order: names, required, values, paging,
 * userdata. Unknown names are only a warning in CloudStack (ParamGenericValidationWorker logs them);
 * they are returned so the front can audit and drop them.
 */
export function checkParams(spec: CommandSpec, params: Params, options: ParamCheckOptions): ParamCheckResult {
  const label = commandLabel(spec);
  const declared = new Map<string, ParamSpec>();
  for (const p of spec.params) declared.set(p.name, p);
  if (options.isAdmin) for (const p of spec.adminOnlyParams ?? []) declared.set(p.name, p);

  const present = new Set<string>();
  const unknown: string[] = [];
  for (const name of Object.keys(params)) {
    if (IMPLICIT.has(name)) continue;
    const entry = MAP_ENTRY.exec(name);
    const base = entry ? entry[1] : name;
    const p = declared.get(base);
    if (!p || (entry && p.type !== "MAP")) {
      unknown.push(name);
      continue;
    }
    present.add(base);
  }
  if (options.strict && unknown.length > 0) {
    throw new ApiError(431, `Received unknown parameters for command ${label}. Unknown parameters : ${unknown.join(" ")}`, CS_INVALID_PARAM);
  }

  for (const p of declared.values()) {
    if (p.required && (!present.has(p.name) || (p.type !== "MAP" && params[p.name] === ""))) {
      throw new ApiError(431, `Unable to execute API command ${label} due to missing parameter ${p.name}`, CS_SERVER_API);
    }
  }

  for (const name of present) {
    const p = declared.get(name);
    const value = params[name];
    if (!p || value === undefined || value === "") continue;
    checkValue(label, p, value);
  }

  if (spec.isList) checkPaging(params);
  const userdata = declared.get("userdata");
  if (userdata?.type === "STRING" && params.userdata) checkUserData(params.userdata, options);
  return { unknown };
}

function invalidValue(label: string, name: string, value: string): ApiError {
  return new ApiError(
    431,
    `Unable to execute API command ${label} due to invalid value. Invalid parameter ${name} value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
    CS_INVALID_PARAM,
  );
}

function looksLikeId(p: ParamSpec, value: string): boolean {
  // Parameters older than UUIDs still accept internal numeric ids (and "-1" = all zones for registerIso).
  return UUID.test(value) || (p.since === undefined && INTEGER.test(value));
}

function checkValue(label: string, p: ParamSpec, value: string): void {
  if (p.type === "UUID" && !looksLikeId(p, value)) throw invalidValue(label, p.name, value);
  if (p.type === "LIST" && p.collectionType === "UUID") {
    for (const item of value.split(",")) {
      if (item.trim() !== "" && !looksLikeId(p, item.trim())) throw invalidValue(label, p.name, value);
    }
  }
  if ((p.type === "INTEGER" || p.type === "LONG" || p.type === "SHORT") && !INTEGER.test(value)) {
    throw invalidValue(label, p.name, value);
  }
  if (p.type === "INTEGER" && Math.abs(Number(value)) > 2_147_483_647) throw invalidValue(label, p.name, value);
  // userdata has its own, more specific length rules below.
  if (p.length !== undefined && p.name !== "userdata" && value.length > p.length) {
    throw new ApiError(431, `Value greater than max allowed length ${p.length} for param: ${p.name}`, CS_INVALID_PARAM);
  }
}

function checkPaging(params: Params): void {
  const page = params.page;
  const pageSize = params.pagesize;
  const hasPage = page !== undefined && page !== "";
  const hasPageSize = pageSize !== undefined && pageSize !== "";
  if (hasPageSize && Number(pageSize) === -1) {
    if (hasPage) throw new ApiError(431, `Can't specify page parameter when pagesize is -1 (Unlimited)`, CS_SERVER_API);
    return;
  }
  if (hasPage && !hasPageSize) throw new ApiError(431, `"pagesize" parameter is required when "page" is specified`, CS_SERVER_API);
  if (hasPageSize && !hasPage) throw new ApiError(431, `"page" parameter is required when "pagesize" is specified`, CS_SERVER_API);
  if (hasPageSize && Number(pageSize) > MAX_PAGE_SIZE) {
    throw new ApiError(431, `Page size can't exceed max allowed page size value: ${MAX_PAGE_SIZE}`, CS_INVALID_PARAM);
  }
  if (hasPageSize && Number(pageSize) < 1) throw new ApiError(431, `Page size must be a positive number or -1 (Unlimited)`, CS_INVALID_PARAM);
}

/** Commons-codec Base64.isBase64: alphabet (standard or URL-safe), padding and whitespace only. */
function isBase64(text: string): boolean {
  return /^[A-Za-z0-9+/=\-_\s]*$/.test(text);
}

function checkUserData(raw: string, options: ParamCheckOptions): void {
  let value = raw;
  if (value.includes("%")) {
    try {
      value = decodeURIComponent(value.replace(/\+/g, " "));
    } catch {
      throw new ApiError(431, "Url decoding of userdata failed.", CS_INVALID_PARAM);
    }
  }
  if (!isBase64(value)) throw new ApiError(431, "User data is not base64 encoded", CS_INVALID_PARAM);
  const httpMax = options.method === "GET" ? GET_USERDATA_MAX : POST_USERDATA_MAX;
  if (value.length > httpMax) throw new ApiError(431, `User data is too long for an http ${options.method} request`, CS_INVALID_PARAM);
  const configured = options.userDataMaxLength ?? 32768;
  if (value.length > configured) throw new ApiError(431, `User data has exceeded configurable max length : ${configured}`, CS_INVALID_PARAM);
  const decoded = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (decoded.length < 1) throw new ApiError(431, "User data is too short", CS_INVALID_PARAM);
}
