/*
 * Fault specification grammar (for `--faults`, `sim.faults.set(...)` and POST /admin/faults).
 *
 *   spec    := entry ( ";" entry )*          entries may also be separated by "," or newlines
 *   entry   := "cmd=" COMMAND option*        synchronous API error for COMMAND ("*" = any command)
 *            | "job=" COMMAND option*        async job of COMMAND fails (the work is not done)
 *            | "latency=" NUMBER             multiply every simulated API latency by NUMBER
 *            | "throttle=" INTEGER           answer 429 "API rate limit exceeded" above N requests/second
 *            | FAULT option*                 a cloud or node fault, drawn per subject (the VM name):
 *                                            deploy-capacity, boot-hang, ssh-drop, kubelet-fail,
 *                                            cloudinit-hang, node-never-ready
 *   option  := ":rate=" FLOAT                probability per occurrence, 0..1 (default 1)
 *            | ":code=" INTEGER              error code for cmd= / job= (default 530)
 *            | ":match=" TEXT                only subjects containing TEXT (VM name, or the command)
 *            | ":count=" INTEGER             fire at most N times in total, then never again
 *
 * Examples:
 *   cmd=deployVirtualMachine:rate=0.3:code=530
 *   job=createFirewallRule:rate=1:code=530:count=1     fails once, then resumes
 *   deploy-capacity:rate=1:match=worker;boot-hang:match=node-2;ssh-drop:rate=0.2;throttle=20
 *
 * JSON form: { "latency"?: number, "throttle"?: number, "rules": [ { "kind": "cmd"|"job"|"fault",
 *   "target": string, "rate"?: number, "code"?: number, "match"?: string, "count"?: number } ] }
 * Draws are deterministic: each is keyed by the seed, the rule, the subject and the occurrence number.
 */
import { z } from "zod";

export const KNOWN_FAULTS = [
  "deploy-capacity",
  "boot-hang",
  "ssh-drop",
  "kubelet-fail",
  "cloudinit-hang",
  "node-never-ready",
] as const;

const ruleSchema = z.strictObject({
  kind: z.enum(["cmd", "job", "fault"]),
  /** Command name for cmd/job rules ("*" = any), fault name for fault rules. */
  target: z.string().min(1),
  rate: z.number().min(0).max(1).default(1),
  code: z.number().int().min(400).max(599).default(530),
  match: z.string().min(1).optional(),
  count: z.number().int().min(0).optional(),
});

export const faultSpecSchema = z.strictObject({
  latency: z.number().min(0).optional(),
  throttle: z.number().int().min(1).optional(),
  rules: z.array(ruleSchema).default([]),
});

export type FaultRule = z.infer<typeof ruleSchema>;
export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultSpecError";
  }
}

/** Parse the string form; throws FaultSpecError naming the bad entry. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = { rules: [] };
  for (const raw of text.split(/[;,\n]/)) {
    const entry = raw.trim();
    if (entry === "") continue;
    const [head, ...options] = entry.split(":");
    const eq = head.indexOf("=");
    const key = eq < 0 ? head : head.slice(0, eq);
    const value = eq < 0 ? undefined : head.slice(eq + 1);
    if (key === "latency" || key === "throttle") {
      if (options.length > 0) throw new FaultSpecError(`"${entry}": ${key} takes no options`);
      const n = Number(value);
      if (value === undefined || value === "" || !Number.isFinite(n)) throw new FaultSpecError(`"${entry}": ${key} needs a number`);
      if (key === "latency") spec.latency = n;
      else spec.throttle = n;
      continue;
    }
    let rule: Record<string, unknown>;
    if (key === "cmd" || key === "job") {
      if (!value) throw new FaultSpecError(`"${entry}": ${key}= needs a command name`);
      rule = { kind: key, target: value };
    } else {
      if (value !== undefined) throw new FaultSpecError(`"${entry}": unknown entry "${key}="`);
      if (!(KNOWN_FAULTS as readonly string[]).includes(key)) {
        throw new FaultSpecError(`"${entry}": unknown fault "${key}" (known: ${KNOWN_FAULTS.join(", ")})`);
      }
      rule = { kind: "fault", target: key };
    }
    for (const option of options) {
      const oeq = option.indexOf("=");
      const name = oeq < 0 ? option : option.slice(0, oeq);
      const optValue = oeq < 0 ? "" : option.slice(oeq + 1);
      if (name === "match") {
        if (optValue === "") throw new FaultSpecError(`"${entry}": match needs a value`);
        rule.match = optValue;
      } else if (name === "rate" || name === "code" || name === "count") {
        const n = Number(optValue);
        if (optValue === "" || !Number.isFinite(n)) throw new FaultSpecError(`"${entry}": ${name} needs a number`);
        rule[name] = n;
      } else {
        throw new FaultSpecError(`"${entry}": unknown option "${name}"`);
      }
    }
    spec.rules.push(validateRule(rule, entry));
  }
  return faultSpecSchema.parse(spec);
}

function validateRule(rule: unknown, entry: string): FaultRule {
  const parsed = ruleSchema.safeParse(rule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FaultSpecError(`"${entry}": ${issue.path.join(".") || "rule"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Accepts the string form, the JSON form, or a JSON string of the JSON form. */
export function toFaultSpec(input: unknown): FaultSpec {
  if (typeof input === "string") {
    const trimmed = input.trim();
    if (trimmed.startsWith("{")) {
      let json: unknown;
      try {
        json = JSON.parse(trimmed);
      } catch {
        throw new FaultSpecError("fault spec looks like JSON but does not parse");
      }
      return toFaultSpec(json);
    }
    return parseFaultSpec(trimmed);
  }
  const parsed = faultSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FaultSpecError(`fault spec: ${issue.path.join(".") || "spec"}: ${issue.message}`);
  }
  for (const rule of parsed.data.rules) {
    if (rule.kind === "fault" && !(KNOWN_FAULTS as readonly string[]).includes(rule.target)) {
      throw new FaultSpecError(`fault spec: unknown fault "${rule.target}"`);
    }
  }
  return parsed.data;
}

/** The canonical string form of a spec (round-trips through parseFaultSpec). */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  if (spec.latency !== undefined) parts.push(`latency=${spec.latency}`);
  if (spec.throttle !== undefined) parts.push(`throttle=${spec.throttle}`);
  for (const r of spec.rules) {
    let s = r.kind === "fault" ? r.target : `${r.kind}=${r.target}`;
    s += `:rate=${r.rate}`;
    if (r.kind !== "fault") s += `:code=${r.code}`;
    if (r.match !== undefined) s += `:match=${r.match}`;
    if (r.count !== undefined) s += `:count=${r.count}`;
    parts.push(s);
  }
  return parts.join(";");
}
