// check() failures: every message names the property path and, where possible, the fix (DESIGN rule 7).
import type { z } from "zod";

export interface CheckFailure {
  property: string;
  reason: string;
  /**
   * Other inputs the rule read to reach its verdict. During preview a rule is only reported when
   * neither its property nor any of these is unknown; it runs again once they are known.
   */
  dependsOn?: string[];
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

export function failure(property: string, reason: string, dependsOn?: string[]): CheckFailure {
  return dependsOn && dependsOn.length > 0 ? { property, reason: `${property}: ${reason}`, dependsOn } : { property, reason: `${property}: ${reason}` };
}
