// The fault controller: one place that decides, deterministically under a seed, which API calls fail,
// which jobs fail, how slow and how throttled the API is, and which cloud/node faults fire for which VM.
import type { FaultSource } from "../contracts";
import { keyedDraw } from "./random";
import { formatFaultSpec, toFaultSpec, type FaultRule, type FaultSpec } from "./spec";

export interface InjectedError {
  code: number;
  errortext: string;
}

export interface FaultState {
  spec: string;
  json: FaultSpec;
  seed: number | string;
  /** How many times each rule (same order as json.rules) has fired since the spec was set. */
  fired: number[];
}

export class FaultController implements FaultSource {
  private spec: FaultSpec = { rules: [] };
  private fired: number[] = [];
  private readonly occurrences = new Map<string, number>();

  constructor(
    public readonly seed: number | string = 1,
    initial?: unknown,
  ) {
    if (initial !== undefined) this.set(initial);
  }

  /** Replace the whole spec (string or JSON form); counters restart so the sequence is reproducible. */
  set(input: unknown): void {
    this.spec = toFaultSpec(input);
    this.fired = this.spec.rules.map(() => 0);
    this.occurrences.clear();
  }

  clear(): void {
    this.set({ rules: [] });
  }

  state(): FaultState {
    return { spec: formatFaultSpec(this.spec), json: this.spec, seed: this.seed, fired: [...this.fired] };
  }

  /** FaultSource: cloud and node faults by name; subject = VM name. */
  hit(fault: string, subject: string): boolean {
    return this.fire("fault", fault, subject) !== undefined;
  }

  /** A synchronous error to answer instead of running `command`, if a cmd= rule fires. */
  commandError(command: string): InjectedError | undefined {
    const rule = this.fire("cmd", command, command);
    return rule && { code: rule.code, errortext: `Simulated failure of ${command} (fault injection)` };
  }

  /** An error to fail the async job of `command` with, if a job= rule fires. */
  jobFailure(command: string): InjectedError | undefined {
    const rule = this.fire("job", command, command);
    return rule && { code: rule.code, errortext: `Simulated job failure of ${command} (fault injection)` };
  }

  latencyMultiplier(): number {
    return this.spec.latency ?? 1;
  }

  /** Requests per second above which the API answers 429; undefined = no throttling. */
  throttleLimit(): number | undefined {
    return this.spec.throttle;
  }

  private fire(kind: FaultRule["kind"], target: string, subject: string): FaultRule | undefined {
    const rules = this.spec.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (rule.kind !== kind) continue;
      if (rule.target !== target && !(kind !== "fault" && rule.target === "*")) continue;
      if (rule.match !== undefined && !subject.includes(rule.match)) continue;
      if (rule.count !== undefined && this.fired[i] >= rule.count) continue;
      // Occurrences are counted per rule and subject, so one node's draws do not shift another's.
      const key = `${i}|${kind}|${rule.target}|${subject}`;
      const occurrence = this.occurrences.get(key) ?? 0;
      this.occurrences.set(key, occurrence + 1);
      if (keyedDraw(this.seed, key, occurrence) < rule.rate) {
        this.fired[i]++;
        return rule;
      }
    }
    return undefined;
  }
}
