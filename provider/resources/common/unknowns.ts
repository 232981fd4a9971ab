// During `pulumi preview`, inputs that depend on not-yet-created resources arrive as this sentinel
// string, at any depth (the dynamic-provider host deserializes with keepUnknowns). check() must not
// reject a rule that depends on one, and diff() must treat them as "will change".
import { pathString } from "./failures";

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** The property paths (as failures name them: `a.b[0].c`) of every unknown leaf. */
export function unknownPaths(value: unknown, path: (string | number)[] = []): string[] {
  if (value === UNKNOWN) return [pathString(path)];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, [...path, i]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, [...path, k]));
  return [];
}

/** True when one path is the other or lies inside it (`a` and `a.b`, `a` and `a[0]`). */
export function pathsOverlap(a: string, b: string): boolean {
  if (a === "" || b === "") return true;
  const inside = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return inside(a, b) || inside(b, a);
}

/** A copy without unknown leaves (object keys dropped, array items kept as undefined), for validation. */
export function withoutUnknowns(value: unknown): unknown {
  if (value === UNKNOWN) return undefined;
  if (Array.isArray(value)) return value.map(withoutUnknowns);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== UNKNOWN) out[k] = withoutUnknowns(v);
    }
    return out;
  }
  return value;
}

/**
 * Puts every unknown leaf of `raw` back into `parsed` at the same path, so what check() returns still
 * says "not known yet" where the program said so (a parsed copy would silently drop them).
 */
export function restoreUnknowns(parsed: unknown, raw: unknown): unknown {
  if (raw === UNKNOWN) return UNKNOWN;
  if (Array.isArray(raw)) {
    const base = Array.isArray(parsed) ? [...(parsed as unknown[])] : [];
    raw.forEach((v, i) => {
      if (containsUnknown(v)) base[i] = restoreUnknowns(base[i], v);
    });
    return base;
  }
  if (raw !== null && typeof raw === "object") {
    const base: Record<string, unknown> = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? { ...(parsed as Record<string, unknown>) } : {};
    for (const [k, v] of Object.entries(raw)) if (containsUnknown(v)) base[k] = restoreUnknowns(base[k], v);
    return base;
  }
  return parsed;
}
