// Durations as users write them in `timeouts` ("45m", "1h30m", "90s", "2h"). Pulumi does not enforce
// customTimeouts for dynamic providers (DESIGN rule 8), so every operation derives its deadline from these.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** Parses "1h30m" style durations into milliseconds; throws an Error naming the value and the expected form. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!DURATION_RE.test(trimmed)) {
    throw new Error(`invalid duration "${text}": use a number with a unit, e.g. "45m", "1h30m", "90s"`);
  }
  let total = 0;
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]];
  }
  if (total <= 0) throw new Error(`invalid duration "${text}": it must be longer than zero, e.g. "45m"`);
  return Math.round(total);
}

export function isValidDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}
