import * as pulumi from "@pulumi/pulumi";
import { withSecretInputs, type ConnectionArgs } from "./connection";
import { CONNECTION_SECRET_INPUTS } from "../provider/resources/schema/resourceSpecs";
import { cniConfigurationShim } from "./shims";

export interface CniConfigurationArgs extends ConnectionArgs {
  name: pulumi.Input<string>;
  /** A #cloud-config with {{ VARIABLE }} placeholders, filled from a cluster's cniConfigDetails. */
  userData: pulumi.Input<string>;
  /** The placeholder names. */
  params?: pulumi.Input<pulumi.Input<string>[]>;
}

/** A CNI configuration clusters can use instead of the ISO's network manifest. Any change replaces it. */
export class CniConfiguration extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly params: pulumi.Output<string[]>;
  /** Which CloudStack API holds it: "cniConfiguration" (≥ 4.21) or "userData". */
  declare public readonly apiKind: pulumi.Output<"cniConfiguration" | "userData">;

  constructor(name: string, args: CniConfigurationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      cniConfigurationShim,
      name,
      { ...withSecretInputs(args, CONNECTION_SECRET_INPUTS), apiKind: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...CONNECTION_SECRET_INPUTS] },
      "cloudstack-kubernetes",
      "CniConfiguration",
    );
  }
}
