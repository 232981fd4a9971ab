import * as pulumi from "@pulumi/pulumi";
import { withSecretInputs, type ConnectionArgs } from "./connection";
import { CONNECTION_SECRET_INPUTS } from "../provider/resources/schema/resourceSpecs";
import { kubernetesSupportedVersionShim } from "./shims";

export interface KubernetesSupportedVersionArgs extends ConnectionArgs {
  /** MAJOR.MINOR.PATCH, e.g. "1.31.4". */
  semanticVersion: pulumi.Input<string>;
  /** http(s) URL of the binaries ISO (docs/binaries-iso.md). */
  url: pulumi.Input<string>;
  checksum?: pulumi.Input<string>;
  /** Zone to register the ISO in; all zones when absent. */
  zoneId?: pulumi.Input<string>;
  /** ≥ 2 (default 2). */
  minCpuNumber?: pulumi.Input<number>;
  /** MB, ≥ 2048 (default 2048). */
  minMemory?: pulumi.Input<number>;
  /** Default "Enabled"; changes in place. */
  state?: pulumi.Input<"Enabled" | "Disabled">;
  /** ISO name; default "Kubernetes-<semanticVersion>". */
  name?: pulumi.Input<string>;
}

/** A Kubernetes version clusters can use: a binaries ISO registered in CloudStack. */
export class KubernetesSupportedVersion extends pulumi.dynamic.Resource {
  declare public readonly semanticVersion: pulumi.Output<string>;
  declare public readonly isoId: pulumi.Output<string>;
  declare public readonly isoName: pulumi.Output<string>;
  declare public readonly isoState: pulumi.Output<string>;
  declare public readonly supportsHa: pulumi.Output<boolean>;
  declare public readonly state: pulumi.Output<"Enabled" | "Disabled">;
  declare public readonly minCpuNumber: pulumi.Output<number>;
  declare public readonly minMemory: pulumi.Output<number>;
  declare public readonly zoneId: pulumi.Output<string | undefined>;
  declare public readonly url: pulumi.Output<string>;

  constructor(name: string, args: KubernetesSupportedVersionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kubernetesSupportedVersionShim,
      name,
      { ...withSecretInputs(args, CONNECTION_SECRET_INPUTS), isoId: undefined, isoName: undefined, isoState: undefined, supportsHa: undefined, state: args.state, minCpuNumber: args.minCpuNumber, minMemory: args.minMemory },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...CONNECTION_SECRET_INPUTS] },
      "cloudstack-kubernetes",
      "KubernetesSupportedVersion",
    );
  }
}
