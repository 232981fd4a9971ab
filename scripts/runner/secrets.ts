// Pulumi's secret sentinel as it appears in deserialized inputs: the engine strips it before a host
// that does not accept secrets sees the value, and remembers which properties were secret.
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretSentinel(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

function strip(v: unknown): unknown {
  if (isSecretSentinel(v)) return strip(v.value);
  if (Array.isArray(v)) return v.map(strip);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, strip(x)]));
  return v;
}

function containsSecret(v: unknown): boolean {
  if (isSecretSentinel(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v !== null && typeof v === "object") return Object.values(v as Record<string, unknown>).some(containsSecret);
  return false;
}

/** Plain values plus the top-level keys that held (or contained) a secret. */
export function unwrapSecrets(inputs: Record<string, unknown>): { value: Record<string, unknown>; secretKeys: string[] } {
  const secretKeys = Object.keys(inputs).filter((k) => containsSecret(inputs[k]));
  return { value: strip(inputs) as Record<string, unknown>, secretKeys };
}
