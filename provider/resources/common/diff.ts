// Diff helpers: pure, no network (DESIGN rule 7). Values are compared structurally after JSON
// normalisation, and an unknown (preview) value always counts as a change.
import { containsUnknown } from "./unknowns";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace?: boolean;
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function valuesDiffer(oldValue: unknown, newValue: unknown): boolean {
  if (containsUnknown(newValue)) return true;
  return canonical(oldValue) !== canonical(newValue);
}

export interface DiffPlan {
  /** Inputs whose change replaces the resource. */
  replacing: readonly string[];
  /** Inputs that change in place. */
  inPlace: readonly string[];
  /** Optional inputs whose output is computed when absent: a missing new value is no change. */
  optionalComputed?: readonly string[];
  /** Per-input defaults applied by check, so that an old state without the key compares equal. */
  defaults?: Readonly<Record<string, unknown>>;
}

export interface ClassifiedDiff {
  changed: string[];
  replaces: string[];
}

export function classify(plan: DiffPlan, olds: Record<string, unknown>, news: Record<string, unknown>): ClassifiedDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  const computed = new Set(plan.optionalComputed ?? []);
  const withDefault = (key: string, v: unknown): unknown => (v === undefined || v === null ? plan.defaults?.[key] : v);
  for (const key of [...plan.replacing, ...plan.inPlace]) {
    const newValue = withDefault(key, news[key]);
    if (computed.has(key) && (newValue === undefined || newValue === null)) continue;
    if (valuesDiffer(withDefault(key, olds[key]), newValue)) {
      changed.push(key);
      if (plan.replacing.includes(key)) replaces.push(key);
    }
  }
  return { changed, replaces };
}
