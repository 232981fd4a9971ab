// A small deployment engine with the Pulumi engine's step rules for custom resources, driving the real
// dynamic-provider host: Check, then Diff against the checkpoint, then Create / Update / Replace
// (delete-before-replace when the provider or the resource option asks for it, otherwise
// create-before-delete with the old resource deleted at the end of the run), ErrorResourceInitFailed
// kept as partial state that the next run updates, and deletes in reverse dependency order.
import { DIFF_SOME, DIFF_UNKNOWN, ResourceInitFailedError, type DynHost, type Props } from "./dynhost";
import { deletionOrder, saveState, type ResourceRecord, type StackState } from "./state";

export interface ResourceOptionsSeen {
  dependencies: string[];
  additionalSecretOutputs: string[];
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  protect: boolean;
}

export interface Registration {
  urn: string;
  type: string;
  name: string;
  /** Inputs with secret markers removed, as the engine sends them to a host that does not accept secrets. */
  inputs: Props;
  /** Top-level input names that were secret: the engine keeps same-named outputs secret. */
  secretInputs: string[];
  options: ResourceOptionsSeen;
}

export type StepKind = "create" | "same" | "update" | "replace" | "delete" | "read";

export interface Step {
  kind: StepKind;
  urn: string;
  id: string;
  /** For replace: the id that was (or will be) deleted. */
  oldId?: string;
  deleteBeforeReplace?: boolean;
  /** For update/replace: the changed or replacing input names the provider reported. */
  keys?: string[];
}

export interface Registered {
  id: string;
  outputs: Props;
  secretOutputs: string[];
}

export interface EngineOptions {
  host: DynHost;
  state: StackState;
  stateFile: string;
  /** Step progress lines ("+ create ..."), for people watching. */
  log?: (line: string) => void;
}

/** The engine's wire form of an unknown value (rpc.unknownValue): what a provider's Check receives. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function containsUnknownSentinel(v: unknown): boolean {
  if (v === UNKNOWN_SENTINEL) return true;
  if (Array.isArray(v)) return v.some(containsUnknownSentinel);
  if (v !== null && typeof v === "object") return Object.values(v as Props).some(containsUnknownSentinel);
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Props)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  }
  return v;
}

function describeFailures(urn: string, failures: { property: string; reason: string }[]): string {
  return `${urn}: check failed: ${failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; ")}`;
}

export class MiniEngine {
  readonly steps: Step[] = [];
  private readonly registered = new Set<string>();
  private readonly host: DynHost;
  private readonly state: StackState;
  private readonly log: (line: string) => void;

  constructor(private readonly options: EngineOptions) {
    this.host = options.host;
    this.state = options.state;
    this.log = options.log ?? (() => undefined);
  }

  private live(urn: string): ResourceRecord | undefined {
    return this.state.resources.find((r) => r.urn === urn && !r.pendingDelete);
  }

  private save(): void {
    saveState(this.options.stateFile, this.state);
  }

  private put(record: ResourceRecord): void {
    const index = this.state.resources.findIndex((r) => r.urn === record.urn && !r.pendingDelete);
    if (index === -1) this.state.resources.push(record);
    else this.state.resources[index] = record;
    this.save();
  }

  private remove(record: ResourceRecord): void {
    this.state.resources = this.state.resources.filter((r) => r !== record);
    this.save();
  }

  private secretOutputsOf(reg: Registration): string[] {
    return [...new Set([...reg.options.additionalSecretOutputs, ...reg.secretInputs])];
  }

  private record(reg: Registration, id: string, inputs: Props, outputs: Props, initErrors?: string[]): ResourceRecord {
    const rec: ResourceRecord = {
      urn: reg.urn,
      type: reg.type,
      name: reg.name,
      id,
      inputs,
      outputs,
      dependencies: reg.options.dependencies,
      secretOutputs: this.secretOutputsOf(reg),
    };
    if (initErrors && initErrors.length > 0) rec.initErrors = initErrors;
    return rec;
  }

  /** Create, keeping a partial resource (init failure) in the checkpoint before rethrowing. */
  private async create(reg: Registration, inputs: Props): Promise<ResourceRecord> {
    try {
      const { id, outs } = await this.host.create(reg.urn, inputs);
      return this.record(reg, id, inputs, outs);
    } catch (err) {
      if (err instanceof ResourceInitFailedError) this.put(this.record(reg, err.id, inputs, err.properties, err.reasons.length ? err.reasons : [err.message]));
      throw err;
    }
  }

  private async update(reg: Registration, old: ResourceRecord, inputs: Props): Promise<ResourceRecord> {
    try {
      const outs = await this.host.update(reg.urn, old.id, old.outputs, inputs);
      return this.record(reg, old.id, inputs, outs);
    } catch (err) {
      if (err instanceof ResourceInitFailedError) this.put(this.record(reg, old.id, inputs, err.properties, err.reasons.length ? err.reasons : [err.message]));
      throw err;
    }
  }

  private async deleteRecord(rec: ResourceRecord): Promise<void> {
    this.log(`- delete ${rec.type} ${rec.name} (${rec.id})`);
    await this.host.delete(rec.urn, rec.id, rec.outputs);
    this.remove(rec);
    this.steps.push({ kind: "delete", urn: rec.urn, id: rec.id });
  }

  /** The first half of every step: a URN registered once, the live record, and Check's verdict. */
  private async checkRegistration(reg: Registration): Promise<{ old: ResourceRecord | undefined; inputs: Props }> {
    if (this.registered.has(reg.urn)) throw new Error(`Duplicate resource URN '${reg.urn}'; try giving it a unique name`);
    this.registered.add(reg.urn);
    const old = this.live(reg.urn);
    const news: Props = { ...reg.inputs };
    // ignoreChanges: the engine substitutes the old input before Check.
    if (old) for (const key of reg.options.ignoreChanges) if (key in old.inputs) news[key] = old.inputs[key];
    const checked = await this.host.check(reg.urn, old?.inputs ?? {}, news);
    if (checked.failures.length > 0) throw new Error(describeFailures(reg.urn, checked.failures));
    return { old, inputs: checked.inputs };
  }

  /** One RegisterResource of a custom resource: the step the engine would take, through the host. */
  async register(reg: Registration): Promise<Registered> {
    const { old, inputs } = await this.checkRegistration(reg);

    if (!old) {
      this.log(`+ create ${reg.type} ${reg.name}`);
      const rec = await this.create(reg, inputs);
      this.put(rec);
      this.steps.push({ kind: "create", urn: reg.urn, id: rec.id });
      return this.result(rec);
    }

    const diff = await this.host.diff(reg.urn, old.id, old.outputs, inputs);
    let changed = diff.changes === DIFF_SOME;
    if (diff.changes === DIFF_UNKNOWN) changed = !deepEqual(old.inputs, inputs);
    const replaces = [...diff.replaces];
    if (changed && reg.options.replaceOnChanges.length > 0) {
      for (const key of reg.options.replaceOnChanges) if (!deepEqual(old.inputs[key], inputs[key]) && !replaces.includes(key)) replaces.push(key);
    }

    if (changed && replaces.length > 0) {
      if (reg.options.protect) throw new Error(`${reg.urn}: the resource is protected and cannot be replaced (changed: ${replaces.join(", ")})`);
      const deleteBeforeReplace = diff.deleteBeforeReplace || reg.options.deleteBeforeReplace;
      this.log(`+- replace ${reg.type} ${reg.name} (${replaces.join(", ")}${deleteBeforeReplace ? ", delete first" : ""})`);
      if (deleteBeforeReplace) {
        // Like the engine, first delete what depends on the old resource (it is recreated when the
        // program registers it again), then the old resource itself.
        for (const dependent of deletionOrder(this.dependentsOf(old))) await this.deleteRecord(dependent);
        await this.host.delete(reg.urn, old.id, old.outputs);
        this.remove(old);
      } else {
        // Create first; the old one stays in the checkpoint until the run ends successfully.
        old.pendingDelete = true;
        this.save();
      }
      const rec = await this.create(reg, inputs);
      this.put(rec);
      this.steps.push({ kind: "replace", urn: reg.urn, id: rec.id, oldId: old.id, deleteBeforeReplace, keys: replaces });
      return this.result(rec);
    }

    if (changed || old.initErrors) {
      this.log(`~ update ${reg.type} ${reg.name}${old.initErrors ? " (resuming after an init failure)" : ""}`);
      const rec = await this.update(reg, old, inputs);
      this.put(rec);
      this.steps.push({ kind: "update", urn: reg.urn, id: rec.id, keys: diff.replaces });
      return this.result(rec);
    }

    // Same: the engine keeps the old outputs and records the new inputs and options.
    const rec = this.record(reg, old.id, inputs, old.outputs);
    this.put(rec);
    this.steps.push({ kind: "same", urn: reg.urn, id: rec.id });
    return this.result(rec);
  }

  /**
   * The same step decision as `register` for `pulumi preview`: Check (with the unknowns the program's
   * inputs carry, as the engine sends them) and Diff, but no Create, Update or Delete, and nothing
   * saved. A resource to be created or changed answers with its known inputs only, so every output
   * the program reads from it is unknown, as in the engine's preview.
   */
  async plan(reg: Registration): Promise<Registered> {
    const { old, inputs } = await this.checkRegistration(reg);
    const checked = { inputs };
    const known = Object.fromEntries(Object.entries(checked.inputs).filter(([, v]) => v !== UNKNOWN_SENTINEL && !containsUnknownSentinel(v)));
    if (!old) {
      this.log(`+ create ${reg.type} ${reg.name} (preview)`);
      this.steps.push({ kind: "create", urn: reg.urn, id: "" });
      return { id: "", outputs: known, secretOutputs: this.secretOutputsOf(reg) };
    }
    const diff = await this.host.diff(reg.urn, old.id, old.outputs, checked.inputs);
    const changed = diff.changes === DIFF_SOME || (diff.changes === DIFF_UNKNOWN && !deepEqual(old.inputs, checked.inputs));
    if (!changed && !old.initErrors) {
      this.steps.push({ kind: "same", urn: reg.urn, id: old.id });
      return this.result(old);
    }
    const kind = changed && diff.replaces.length > 0 ? "replace" : "update";
    this.log(`${kind === "replace" ? "+-" : "~"} ${kind} ${reg.type} ${reg.name} (preview${diff.replaces.length ? `: ${diff.replaces.join(", ")}` : ""})`);
    this.steps.push({ kind, urn: reg.urn, id: old.id, keys: diff.replaces });
    return { id: kind === "replace" ? "" : old.id, outputs: known, secretOutputs: this.secretOutputsOf(reg) };
  }

  /** After a preview: the deletes a successful `up` would make, as steps only. */
  previewDeletes(): void {
    const doomed = this.state.resources.filter((r) => r.pendingDelete || !this.registered.has(r.urn));
    for (const rec of deletionOrder(doomed)) {
      this.log(`- delete ${rec.type} ${rec.name} (preview)`);
      this.steps.push({ kind: "delete", urn: rec.urn, id: rec.id });
    }
  }

  /** Live resources that depend on `rec`, directly or through others. */
  private dependentsOf(rec: ResourceRecord): ResourceRecord[] {
    const found = new Map<string, ResourceRecord>();
    let frontier = [rec.urn];
    while (frontier.length > 0) {
      const next = this.state.resources.filter((r) => !r.pendingDelete && r !== rec && !found.has(r.urn) && r.dependencies.some((d) => frontier.includes(d)));
      for (const r of next) found.set(r.urn, r);
      frontier = next.map((r) => r.urn);
    }
    return [...found.values()];
  }

  private result(rec: ResourceRecord): Registered {
    return { id: rec.id, outputs: rec.outputs, secretOutputs: rec.secretOutputs };
  }

  /**
   * After a successful program: delete replaced resources and every resource the program no longer
   * declares, dependents first.
   */
  async finish(): Promise<void> {
    const doomed = this.state.resources.filter((r) => r.pendingDelete || !this.registered.has(r.urn));
    for (const rec of deletionOrder(doomed)) await this.deleteRecord(rec);
  }

  /** `pulumi destroy`: everything, dependents first. */
  async destroyAll(): Promise<void> {
    for (const rec of deletionOrder(this.state.resources)) await this.deleteRecord(rec);
  }

  /** `pulumi refresh`: Read each resource through the host; gone resources leave the checkpoint. */
  async refresh(): Promise<void> {
    for (const rec of [...this.state.resources]) {
      const read = await this.host.read(rec.urn, rec.id, rec.outputs, rec.inputs);
      if (!read.id) {
        this.log(`- refresh: ${rec.type} ${rec.name} is gone`);
        this.remove(rec);
        this.steps.push({ kind: "read", urn: rec.urn, id: "" });
        continue;
      }
      rec.outputs = read.props;
      if (read.inputs) rec.inputs = read.inputs;
      this.save();
      this.steps.push({ kind: "read", urn: rec.urn, id: read.id });
    }
  }
}
