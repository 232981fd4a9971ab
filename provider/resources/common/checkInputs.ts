// Shared check() plumbing: drop `__provider` and preview unknowns before validating, then hand back
// the parsed inputs (defaults applied) with unknowns and `__provider` restored.
import { isUnknown, withoutUnknowns } from "./unknowns";
import type { CheckFailure } from "./failures";

export interface CheckOutcome {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

export function checkWith(
  news: unknown,
  validate: (clean: Record<string, unknown>) => { inputs?: Record<string, unknown>; failures: CheckFailure[] },
): CheckOutcome {
  const raw: Record<string, unknown> = news !== null && typeof news === "object" ? { ...(news as Record<string, unknown>) } : {};
  const provider = raw.__provider;
  delete raw.__provider;
  const clean = withoutUnknowns(raw) as Record<string, unknown>;
  const { inputs, failures } = validate(clean);
  const out: Record<string, unknown> = { ...(inputs ?? raw) };
  for (const [k, v] of Object.entries(raw)) if (isUnknown(v)) out[k] = v;
  if (provider !== undefined) out.__provider = provider;
  // Only failures on known values count: a rule tripped by a missing (unknown) value is re-checked later.
  const unknownKeys = Object.keys(raw).filter((k) => isUnknown(raw[k]));
  const relevant = failures.filter((f) => !unknownKeys.some((k) => f.property === k || f.property.startsWith(`${k}.`)));
  return { inputs: JSON.parse(JSON.stringify(out)) as Record<string, unknown>, failures: relevant };
}
