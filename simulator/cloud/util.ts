// Small helpers shared by the handlers: CloudStack errors, parameter decoding, ids and dates.
import { ApiError, type Params } from "../contracts";

export const PARAM_ERROR = 431;

/** InvalidParameterValueException (431, cserrorcode 4350). */
export function paramError(text: string): ApiError {
  return new ApiError(431, text, 4350);
}

/** CloudRuntimeException (530, cserrorcode 4250). */
export function internalError(text: string): ApiError {
  return new ApiError(530, text, 4250);
}

export function permissionDenied(text: string): ApiError {
  return new ApiError(531, text, 4365);
}

export function insufficientCapacity(text: string): ApiError {
  return new ApiError(533, text, 4325);
}

export function resourceAllocation(text: string): ApiError {
  return new ApiError(535, text, 4370);
}

export function ruleConflict(text: string): ApiError {
  return new ApiError(537, text, 4250);
}

export function missingParam(command: string, name: string): ApiError {
  return paramError(`Unable to execute API command ${command.toLowerCase()} due to missing parameter ${name}`);
}

export function invalidValue(command: string, name: string, value: string): ApiError {
  return paramError(
    `Unable to execute API command ${command.toLowerCase()} due to invalid value. Invalid parameter ${name} value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
  );
}

export function required(params: Params, command: string, name: string): string {
  const v = params[name];
  if (v === undefined || v === "") throw missingParam(command, name);
  return v;
}

/** CloudStack's Boolean.valueOf: only "true" (any case) is true; absent → fallback. */
export function bool(params: Params, name: string, fallback = false): boolean {
  const v = params[name];
  if (v === undefined) return fallback;
  return v.toLowerCase() === "true";
}

export function list(params: Params, name: string): string[] {
  const v = params[name];
  if (v === undefined || v === "") return [];
  return v.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

export function int(params: Params, command: string, name: string): number | undefined {
  const v = params[name];
  if (v === undefined || v === "") return undefined;
  if (!/^-?\d+$/.test(v)) throw paramError(`Unable to execute API command ${command.toLowerCase()} due to invalid value ${v} for parameter ${name}`);
  return Number(v);
}

/** Map parameters `name[i].field=value` grouped by index: [{field: value}, ...] in index order. */
export function mapEntries(params: Params, name: string): Record<string, string>[] {
  const groups = new Map<number, Record<string, string>>();
  const re = new RegExp(`^${name}\\[(\\d+)\\]\\.(.+)$`);
  for (const [k, v] of Object.entries(params)) {
    const m = re.exec(k);
    if (!m) continue;
    const idx = Number(m[1]);
    const g = groups.get(idx) ?? {};
    g[m[2]] = v;
    groups.set(idx, g);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

/** `details[0].cpuNumber=2` style: the sub-field is the key. */
export function detailsMap(params: Params, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of mapEntries(params, name)) Object.assign(out, g);
  return out;
}

/** RFC 4122 version-4 shaped id drawn from the cloud's seeded random source. */
export function newUuid(random: () => number): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
  const variant = "89ab"[Math.floor(random() * 4)];
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/** CloudStack's date format: yyyy-MM-dd'T'HH:mm:ssZ (e.g. 2021-10-04T09:24:38+0000). */
export function csDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+0000");
}

/** Case-insensitive substring. */
export function contains(haystack: string | undefined, needle: string): boolean {
  return (haystack ?? "").toLowerCase().includes(needle.toLowerCase());
}
