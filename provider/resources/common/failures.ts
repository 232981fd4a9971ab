// check() failures: every message names the property path and, where possible, the fix (DESIGN rule 7).
import type { z } from "zod";

export interface CheckFailure {
  property: string;
  reason: string;
}

export function pathString(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function zodFailures(error: z.ZodError): CheckFailure[] {
  return error.issues.map((issue) => {
    const property = pathString(issue.path);
    return { property, reason: `${property || "inputs"}: ${issue.message}` };
  });
}

export function failure(property: string, reason: string): CheckFailure {
  return { property, reason: `${property}: ${reason}` };
}
