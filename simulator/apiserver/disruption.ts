// PodDisruptionBudgets: which budget covers a pod, the disruption controller's status arithmetic, and
// the eviction subresource's admission (POST pods/<name>/eviction). Shared by the HTTP API and by the
// simulated in-node kubectl, so both refuse the same evictions with the same words.
//
// Upstream: kubernetes/kubernetes pkg/controller/disruption/disruption.go (getExpectedPodCount,
// countHealthyPods, updatePdbStatus) and pkg/registry/core/pod/storage/eviction.go (EvictionREST.Create,
// checkAndDecrement, canIgnorePDB).
import type { KubeObject, KubeStore } from "../contracts";
import { KubeHttpError } from "./status";

type Rec = Record<string, unknown>;

const rec = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});

interface Expression {
  key: string;
  operator: string;
  values?: string[];
}

/** A metav1.LabelSelector (matchLabels + matchExpressions); an empty selector matches every pod. */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const s = rec(selector);
  const have = labels ?? {};
  for (const [k, v] of Object.entries(rec(s.matchLabels))) if (have[k] !== v) return false;
  const expressions = Array.isArray(s.matchExpressions) ? (s.matchExpressions as Expression[]) : [];
  for (const e of expressions) {
    const value = have[e.key];
    const values = e.values ?? [];
    if (e.operator === "In" && (value === undefined || !values.includes(value))) return false;
    if (e.operator === "NotIn" && value !== undefined && values.includes(value)) return false;
    if (e.operator === "Exists" && value === undefined) return false;
    if (e.operator === "DoesNotExist" && value !== undefined) return false;
  }
  return true;
}

/** A pod counts as healthy when it is Running with condition Ready=True (countHealthyPods / IsPodReady). */
export function podHealthy(pod: KubeObject): boolean {
  const status = rec(pod.status);
  if (pod.metadata.deletionTimestamp) return false;
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Rec[]) : [];
  return status.phase === "Running" && conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true), as the controller calls it. */
function scaled(value: unknown, total: number): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const m = /^(\d+)%$/.exec(value);
    if (m) return Math.ceil((Number(m[1]) * total) / 100);
    if (/^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

export function budgetsFor(store: KubeStore, pod: KubeObject): KubeObject[] {
  const ns = pod.metadata.namespace ?? "default";
  return store.list("policy/v1", "PodDisruptionBudget", ns).filter((pdb) => {
    const spec = rec(pdb.spec);
    // A nil selector selects nothing in policy/v1 (an empty one selects everything).
    return spec.selector !== undefined && spec.selector !== null && matchesLabelSelector(spec.selector, pod.metadata.labels);
  });
}

export interface BudgetStatus {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/** updatePdbStatus: desiredHealthy from minAvailable or expected - maxUnavailable; allowed = max(0, healthy - desired). */
export function budgetStatus(store: KubeStore, pdb: KubeObject): BudgetStatus {
  const spec = rec(pdb.spec);
  const pods = store.list("v1", "Pod", pdb.metadata.namespace).filter((p) => matchesLabelSelector(spec.selector, p.metadata.labels));
  const expectedPods = pods.length;
  const currentHealthy = pods.filter(podHealthy).length;
  let desiredHealthy = 0;
  if (spec.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - (scaled(spec.maxUnavailable, expectedPods) ?? 0));
  else if (spec.minAvailable !== undefined) desiredHealthy = scaled(spec.minAvailable, expectedPods) ?? 0;
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}

/** The status block the disruption controller writes. */
export function budgetStatusObject(store: KubeStore, pdb: KubeObject, disruptedPods: Rec = {}): Rec {
  const s = budgetStatus(store, pdb);
  const allowed = s.disruptionsAllowed > 0;
  const previous = rec(pdb.status);
  const previousCondition = (Array.isArray(previous.conditions) ? (previous.conditions as Rec[]) : []).find((c) => c.type === "DisruptionAllowed");
  const status = allowed ? "True" : "False";
  return {
    observedGeneration: 1,
    disruptedPods,
    disruptionsAllowed: s.disruptionsAllowed,
    currentHealthy: s.currentHealthy,
    desiredHealthy: s.desiredHealthy,
    expectedPods: s.expectedPods,
    conditions: [
      {
        type: "DisruptionAllowed",
        status,
        reason: allowed ? "SufficientPods" : "InsufficientPods",
        message: "",
        observedGeneration: 1,
        lastTransitionTime: previousCondition?.status === status ? previousCondition.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      },
    ],
  };
}

/** Message of the 429 the eviction subresource answers (eviction.go: checkAndDecrement). */
export const EVICTION_REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

/**
 * EvictionREST.Create: evict (delete) pod `name` unless a budget forbids it. Throws KubeHttpError 404
 * (no pod), 500 (more than one budget) or 429 (TooManyRequests, with the DisruptionBudget cause).
 */
export function evictPod(store: KubeStore, namespace: string, name: string): void {
  const pod = store.get("v1", "Pod", name, namespace);
  if (!pod) throw new KubeHttpError(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" });
  const phase = rec(pod.status).phase;
  // canIgnorePDB: terminal and Pending pods are deleted without consulting a budget.
  const ignore = phase === "Succeeded" || phase === "Failed" || phase === "Pending";
  if (!ignore) {
    const budgets = budgetsFor(store, pod);
    if (budgets.length > 1) throw new KubeHttpError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    const pdb = budgets[0];
    if (pdb) {
      const s = budgetStatus(store, pdb);
      if (s.disruptionsAllowed <= 0) {
        throw new KubeHttpError(429, "TooManyRequests", EVICTION_REFUSED, {
          causes: [{ reason: "DisruptionBudget", message: `The disruption budget ${pdb.metadata.name} needs ${s.desiredHealthy} healthy pods and has ${s.currentHealthy} currently` }],
        });
      }
      const status = rec(pdb.status);
      const disrupted = { ...rec(status.disruptedPods), [name]: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
      store.delete("v1", "Pod", name, namespace);
      store.upsert({ ...pdb, status: budgetStatusObject(store, pdb, disrupted) });
      return;
    }
  }
  store.delete("v1", "Pod", name, namespace);
}
