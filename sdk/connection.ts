import type * as pulumi from "@pulumi/pulumi";

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

