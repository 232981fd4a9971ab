// Shared check() plumbing: drop `__provider` and preview unknowns (at any depth) before validating,
// then hand back the parsed inputs (defaults applied) with unknowns and `__provider` restored.
import { pathsOverlap, restoreUnknowns, unknownPaths, withoutUnknowns } from "./unknowns";
import type { CheckFailure } from "./failures";

export interface CheckOutcome {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

/** A failure counts only when nothing it depends on is unknown yet; it is checked again once known. */
function decidable(f: CheckFailure, unknown: string[]): boolean {
  const touched = [f.property, ...(f.dependsOn ?? [])];
  return !touched.some((p) => unknown.some((u) => pathsOverlap(p, u)));
}

export function checkWith(
  news: unknown,
  validate: (clean: Record<string, unknown>) => { inputs?: Record<string, unknown>; failures: CheckFailure[] },
): CheckOutcome {
  const raw: Record<string, unknown> = news !== null && typeof news === "object" ? { ...(news as Record<string, unknown>) } : {};
  const provider = raw.__provider;
  delete raw.__provider;
  const unknown = unknownPaths(raw);
  const clean = withoutUnknowns(raw) as Record<string, unknown>;
  let { inputs, failures } = validate(clean);
  // A required value that is unknown fails the schema before any rule runs. Stand in a value of the
  // right kind for it so the other rules still run during preview (their verdicts on the stand-in
  // itself are discarded below).
  if (!inputs && unknown.length > 0 && failures.every((f) => !decidable(f, unknown))) {
    const filled = withStandIns(clean, failures.map((f) => f.property));
    ({ inputs, failures } = validate(filled));
  }
  const out = restoreUnknowns(inputs ?? withoutUnknowns(raw), raw) as Record<string, unknown>;
  if (provider !== undefined) out.__provider = provider;
  const relevant = failures.filter((f) => decidable(f, unknown));
  return { inputs: JSON.parse(JSON.stringify(out)) as Record<string, unknown>, failures: relevant };
}

// Passes the string validators used on required inputs (non-empty, http(s) URL); never sent anywhere.
const STAND_IN = "https://unknown-during-preview.invalid/";

/** Sets each top-level or nested property named by `paths` (dotted, no array indices) to a stand-in string. */
function withStandIns(clean: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(clean)) as Record<string, unknown>;
  for (const path of paths) {
    if (path === "" || path.includes("[")) continue;
    const parts = path.split(".");
    let at: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) {
      const next = at[part];
      if (next === null || typeof next !== "object") at[part] = {};
      at = at[part] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]] = STAND_IN;
  }
  return copy;
}
