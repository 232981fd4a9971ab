// The operations a chaos run puts under faults. Each says what the cluster looks like before it (made
// without faults), what the operation asks for, and where a kill may land; the driver needs nothing else.
import { SEED_IDS } from "../../simulator";
import type { Shape } from "./plan";
import type { SessionVersions } from "./session";

export type Patch = Record<string, unknown>;

export interface ChaosOperation {
  /** Phase names whose start is a kill point (the provider's progress lines announce them). */
  killPhases: readonly string[];
  /** The cluster made before the operation, without faults; undefined = nothing before. */
  before?(shape: Shape, versions: SessionVersions): Patch;
  /** The inputs the operation converges to, or "destroy". */
  target(shape: Shape, versions: SessionVersions): Patch | "destroy";
}

/** The larger offering an offering change moves every node onto (the session's base is Small). */
export const CHAOS_LARGER_OFFERING = SEED_IDS.offerings.medium;

const PIPELINE = ["network", "keys", "public-ip", "vms", "iso", "rules", "cloud-init", "install", "kubeadm-init", "join", "cni", "dashboard", "ready", "kubeconfig", "detach-iso"];

function shaped(shape: Shape, extra: Patch = {}): Patch {
  return { controlNodes: shape.controlNodes, size: shape.size, ...extra };
}

/** A size change that alternates between growing and shrinking with the drawn size. */
export function scaledSize(shape: Shape): number {
  return shape.size === 1 ? 3 : shape.size - 1;
}

export const OPERATIONS = {
  create: { killPhases: PIPELINE, target: (s: Shape) => shaped(s) },
  scale: {
    killPhases: ["scale-down", "vms", "iso", "rules", "cloud-init", "install", "join", "ready", "kubeconfig"],
    before: (s: Shape) => shaped(s),
    target: (s: Shape) => shaped(s, { size: scaledSize(s) }),
  },
  delete: { killPhases: [], before: (s: Shape) => shaped(s), target: () => "destroy" as const },
  // The next minor of the session's first version (operations/upgrade.ts phases as kill points).
  upgrade: {
    killPhases: ["probe-versions", "control-plane", "workers", "certificates", "kubeconfig", "finish"],
    before: (s: Shape, v: SessionVersions) => shaped(s, { kubernetesVersionId: v.first.id, kubernetesVersion: v.first.semanticVersion }),
    target: (s: Shape, v: SessionVersions) => shaped(s, { kubernetesVersionId: v.next.id, kubernetesVersion: v.next.semanticVersion, upgrade: { nodeReadyTimeout: "20s" } }),
  },
  // Small → Medium on every node: on the simulator's KVM zone a roll (cordon, drain, stop, scale, start).
  offering: {
    killPhases: ["control", "worker", "totals"],
    before: (s: Shape) => shaped(s),
    target: (s: Shape) => shaped(s, { serviceOfferingId: CHAOS_LARGER_OFFERING, upgrade: { nodeReadyTimeout: "20s" } }),
  },
} satisfies Record<string, ChaosOperation>;

export type OperationName = keyof typeof OPERATIONS;
