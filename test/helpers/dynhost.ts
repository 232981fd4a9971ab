// The gRPC client for the real dynamic-provider host, shared with the offline runner (scripts/runner).
export * from "../../scripts/runner/dynhost";

import * as path from "path";

/** The repository root: the project directory the host must run in so the shim's require() resolves. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** The provider text exactly as dynamic.Resource stores it in `__provider`. */
export async function serializeProvider(provider: object): Promise<string> {
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
    serializeFunction(func: () => unknown, args: { allowSecrets: boolean }): Promise<{ text: string; containsSecrets: boolean }>;
  };
  const result = await serializeFunction(() => provider, { allowSecrets: true });
  if (result.containsSecrets) throw new Error("the provider captured a secret");
  return result.text;
}
