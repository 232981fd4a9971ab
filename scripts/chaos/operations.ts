// The operations a chaos run puts under faults. Each says what the cluster looks like before it (made
// without faults), what the operation asks for, and where a kill may land. Extension point: the
// upgrade and the offering change (issues 11 and 12) become one entry each here, e.g.
//   upgrade: { killPhases: [...upgrade phase names], before: (s) => inputs(s, { kubernetesVersion: OLD }), target: (s) => inputs(s, {}) }
// and need nothing else from the driver.
import type { Shape } from "./plan";

export type Patch = Record<string, unknown>;

export interface ChaosOperation {
  /** Phase names whose start is a kill point (the provider's progress lines announce them). */
  killPhases: readonly string[];
  /** The cluster made before the operation, without faults; undefined = nothing before. */
  before?(shape: Shape): Patch;
  /** The inputs the operation converges to, or "destroy". */
  target(shape: Shape): Patch | "destroy";
}

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
} satisfies Record<string, ChaosOperation>;

export type OperationName = keyof typeof OPERATIONS;
