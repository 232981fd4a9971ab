import * as pulumi from "@pulumi/pulumi";

/** CloudStack connection inputs; each falls back to CLOUDSTACK_API_URL / _API_KEY / _SECRET_KEY. */
export interface ConnectionArgs {
  apiUrl?: pulumi.Input<string>;
  apiKey?: pulumi.Input<string>;
  /** Stored as a secret in state. */
  secretKey?: pulumi.Input<string>;
  /** Skip TLS verification of the API endpoint (only when you must). */
  insecure?: pulumi.Input<boolean>;
  /** PEM CA bundle to trust for the API endpoint. */
  caBundle?: pulumi.Input<string>;
}


/**
 * Wraps the named inputs in `pulumi.secret`, so the engine encrypts them in the state's inputs too
 * (`additionalSecretOutputs` covers outputs only). Applied whether or not the caller already passed a
 * secret: a plain string handed to `secretKey` must not land in state in clear.
 */
export function withSecretInputs<T extends object>(args: T, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(args as Record<string, unknown>) };
  for (const key of keys) {
    if (out[key] !== undefined && out[key] !== null) out[key] = pulumi.secret(out[key]);
  }
  return out;
}
