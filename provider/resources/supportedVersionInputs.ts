// KubernetesSupportedVersion inputs and diff plan.
import { z } from "zod";
import * as semver from "semver";
import { connectionShape, CONNECTION_KEYS } from "./common/connection";
import { failure, zodFailures, type CheckFailure } from "./common/failures";
import type { DiffPlan } from "./common/diff";
import { parseVersion, MIN_SUPPORTED_VERSION } from "../kubernetes/versions";

export const SupportedVersionInputsSchema = z.object({
  ...connectionShape,
  semanticVersion: z.string({ error: "is required, e.g. \"1.31.4\"" }),
  url: z.url({ protocol: /^https?$/, error: "must be the http(s) URL of the binaries ISO" }),
  checksum: z.string().min(1).optional(),
  zoneId: z.string().min(1).optional(),
  minCpuNumber: z.int("must be a whole number").min(2, "must be at least 2 (CKS minimum)").default(2),
  minMemory: z.int("must be a whole number of MB").min(2048, "must be at least 2048 MB (CKS minimum)").default(2048),
  state: z.enum(["Enabled", "Disabled"], { error: 'must be "Enabled" or "Disabled"' }).default("Enabled"),
  name: z.string().min(1).optional(),
});
export type SupportedVersionInputs = z.infer<typeof SupportedVersionInputsSchema>;

export function validateSupportedVersionInputs(raw: unknown): { inputs?: SupportedVersionInputs; failures: CheckFailure[] } {
  const r = SupportedVersionInputsSchema.safeParse(raw);
  if (!r.success) return { failures: zodFailures(r.error) };
  const failures: CheckFailure[] = [];
  try {
    parseVersion(r.data.semanticVersion);
    if (semver.lt(r.data.semanticVersion, MIN_SUPPORTED_VERSION)) {
      failures.push(failure("semanticVersion", `${r.data.semanticVersion} is below the minimum supported version ${MIN_SUPPORTED_VERSION}`));
    }
  } catch (err) {
    failures.push(failure("semanticVersion", err instanceof Error ? err.message : String(err)));
  }
  return { inputs: r.data, failures };
}

export const SUPPORTED_VERSION_DIFF_PLAN: DiffPlan = {
  replacing: ["semanticVersion", "url", "checksum", "zoneId", "name"],
  inPlace: ["state", "minCpuNumber", "minMemory", ...CONNECTION_KEYS],
  optionalComputed: [...CONNECTION_KEYS],
  defaults: { state: "Enabled", minCpuNumber: 2, minMemory: 2048 },
};

export function isoNameFor(inputs: Pick<SupportedVersionInputs, "name" | "semanticVersion">): string {
  return inputs.name ?? `Kubernetes-${inputs.semanticVersion}`;
}
