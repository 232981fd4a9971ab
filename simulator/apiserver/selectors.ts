// labelSelector= and fieldSelector= query parameters (equality, inequality, existence and set forms).
import type { KubeObject } from "../contracts";
import { getString } from "./fieldPath";
import { KubeHttpError } from "./status";

type Requirement =
  | { op: "exists" | "notexists"; key: string }
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] };

/** Splits on commas that are not inside "( … )". */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function invalid(kind: string, text: string): KubeHttpError {
  return new KubeHttpError(400, "BadRequest", `unable to parse requirement: invalid ${kind} selector: ${JSON.stringify(text)}`);
}

function parseRequirement(text: string, kind: string): Requirement {
  let m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) return { op: m[2] === "in" ? "in" : "notin", key: m[1], values: m[3].split(",").map((v) => v.trim()) };
  m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(text);
  if (m) return { op: m[2] === "!=" ? "neq" : "eq", key: m[1], value: m[3] };
  m = /^(!?)([^\s!=(),]+)$/.exec(text);
  if (m) return { op: m[1] ? "notexists" : "exists", key: m[2] };
  throw invalid(kind, text);
}

function matches(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case "exists":
      return value !== undefined;
    case "notexists":
      return value === undefined;
    case "eq":
      return value === req.value;
    case "neq":
      return value !== req.value;
    case "in":
      return value !== undefined && req.values.includes(value);
    case "notin":
      return value === undefined || !req.values.includes(value);
  }
}

export type ObjectFilter = (obj: KubeObject) => boolean;

export function labelSelector(text: string | null): ObjectFilter {
  if (!text) return () => true;
  const reqs = splitTopLevel(text).map((t) => parseRequirement(t, "label"));
  return (obj) => reqs.every((r) => matches(r, obj.metadata.labels?.[r.key]));
}

export function fieldSelector(text: string | null): ObjectFilter {
  if (!text) return () => true;
  const reqs = splitTopLevel(text).map((t) => parseRequirement(t, "field"));
  for (const r of reqs) if (r.op !== "eq" && r.op !== "neq") throw invalid("field", text);
  // Unset string fields compare as "", as the real field selectors do (spec.nodeName= matches unscheduled pods).
  return (obj) => reqs.every((r) => matches(r, getString(obj, r.key) ?? ""));
}
