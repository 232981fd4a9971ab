// Public API of the CloudStack client (docs/internal-contracts.md, "provider/cloudstack").
export { CloudStackClient, type ParamsWith } from "./client";
export { CloudStackApi, type RequestOptions } from "./client-core";
export type { CloudStackClientOptions, CloudStackLogger } from "./options";
export type { CommandParams, ParamValue, ParamRecordList } from "./encoding";
export { encodeValue, flattenParams } from "./encoding";
export { canonicalString, signature, signRequest, formatExpires } from "./signing";
export {
  CloudStackError,
  CloudStackConnectionError,
  CloudStackTimeoutError,
  CloudStackAbortError,
  CloudStackResponseError,
  isNotFound,
} from "./errors";
export { redactParams } from "./redact";
export { isReadOnlyCommand, responseKeyFor } from "./commands";
export type { JsonObject } from "./envelope";
export * from "./schemas";
