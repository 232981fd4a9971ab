// The `upgrade` input with its defaults filled in.
import type { ClusterInputs } from "../../resources/clusterInputs";
import { DEFAULT_ROLLING, type RollingSettings } from "./policy";

export function rollingSettings(inputs: Pick<ClusterInputs, "upgrade">): RollingSettings {
  return { ...DEFAULT_ROLLING, ...(inputs.upgrade ?? {}) };
}
