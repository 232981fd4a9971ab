// Reading nested fields of stored objects, which are typed as unknown beyond metadata.

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function getString(obj: unknown, path: string): string | undefined {
  const v = getPath(obj, path);
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

export function getNumber(obj: unknown, path: string): number | undefined {
  const v = getPath(obj, path);
  return typeof v === "number" ? v : undefined;
}

export function getArray(obj: unknown, path: string): unknown[] {
  const v = getPath(obj, path);
  return Array.isArray(v) ? v : [];
}

export function getRecord(obj: unknown, path: string): Record<string, unknown> | undefined {
  const v = getPath(obj, path);
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
