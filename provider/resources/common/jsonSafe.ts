// Outputs cross the gRPC boundary as protobuf Structs, which reject undefined, functions and bigint
// (reference/pulumi-dynamic-providers.md §2.3): strip them before returning.

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as T;
}

/** Drops keys whose value is undefined (one level), keeping the object's type. */
export function stripUndefined<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}
