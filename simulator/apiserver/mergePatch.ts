// JSON merge patch (RFC 7386). Used for merge and strategic-merge patches alike: kubectl's cordon,
// label and annotate send plain field maps, for which both mean the same.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    // Strategic-merge directives ("$patch", "$retainKeys", ...) have no meaning in a plain merge.
    if (key.startsWith("$")) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
