// The slice of the CloudStack client the orchestration uses: the generic request/listAll calls of
// docs/internal-contracts.md. Responses are validated here with our own zod schemas (entities.ts), and
// unit tests substitute a fake that implements just this interface.
import type { ResolvedConnection } from "../resources/common/connection";

export type CloudParamValue =
  | string
  | number
  | boolean
  | readonly string[]
  | Readonly<Record<string, string>>
  | ReadonlyArray<Readonly<Record<string, string>>>
  | undefined;

export type CloudParams = Readonly<Record<string, CloudParamValue>>;

export interface CloudApi {
  /** The object under the response key; for async commands the job's `jobresult`. */
  request(command: string, params?: CloudParams): Promise<unknown>;
  /** Every item of a list command, across pages. */
  listAll(command: string, params: CloudParams, entityKey: string): Promise<unknown[]>;
}

/** Builds the real client; required lazily so nothing is loaded (or captured) before it is needed. */
export function createCloudApi(connection: ResolvedConnection): CloudApi {
  const { CloudStackClient } = require("../cloudstack") as typeof import("../cloudstack");
  const client = new CloudStackClient({
    apiUrl: connection.apiUrl,
    apiKey: connection.apiKey,
    secretKey: connection.secretKey,
    insecure: connection.insecure,
    caBundle: connection.caBundle,
  });
  return {
    request: (command, params) => client.request<unknown>(command, params ?? {}),
    listAll: (command, params, entityKey) => client.listAll<unknown>(command, params, entityKey),
  };
}
