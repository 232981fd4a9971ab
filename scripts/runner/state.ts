// The runner's checkpoint: what a real Pulumi backend keeps between runs, reduced to what the engine
// needs for the next step (ids, inputs, outputs, dependencies, secret output names, init errors).
// Secret values are stored as they are (like `pulumi stack export --show-secrets`), so the file is
// written with mode 0600 and lives next to the stack it belongs to.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";

const Props = z.record(z.string(), z.unknown());

export const ResourceRecordSchema = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  id: z.string(),
  /** The checked inputs (including `__provider`) the resource was last created or updated with. */
  inputs: Props,
  /** What the host returned; `__provider` in here is the text that delete and refresh will run. */
  outputs: Props,
  /** URNs this resource depends on (from the RegisterResource request), for destroy ordering. */
  dependencies: z.array(z.string()).default([]),
  /** Output names that are secret (additionalSecretOutputs, or a secret input of the same name). */
  secretOutputs: z.array(z.string()).default([]),
  /** Set when the last create/update ended in ErrorResourceInitFailed: the next run must update. */
  initErrors: z.array(z.string()).optional(),
  /** The old half of a create-before-delete replacement, deleted at the end of a successful run. */
  pendingDelete: z.boolean().optional(),
});
export type ResourceRecord = z.infer<typeof ResourceRecordSchema>;

export const StackStateSchema = z.object({
  version: z.literal(1),
  project: z.string(),
  stack: z.string(),
  /** In creation order. */
  resources: z.array(ResourceRecordSchema),
  /** The stack outputs of the last successful run (values as JSON, secrets listed by name). */
  outputs: Props.default({}),
  secretOutputs: z.array(z.string()).default([]),
});
export type StackState = z.infer<typeof StackStateSchema>;

export function emptyState(project: string, stack: string): StackState {
  return { version: 1, project, stack, resources: [], outputs: {}, secretOutputs: [] };
}

export function loadState(file: string, project: string, stack: string): StackState {
  if (!fs.existsSync(file)) return emptyState(project, stack);
  const parsed = StackStateSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`state file ${file} is not a runner checkpoint: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** Write atomically (a crash mid-write must not lose the checkpoint), readable by the owner only. */
export function saveState(file: string, state: StackState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * The order in which to delete `doomed` records: every resource before the resources it depends on
 * (reverse dependency order), ties broken by reverse creation order, as the engine does.
 */
export function deletionOrder(doomed: readonly ResourceRecord[]): ResourceRecord[] {
  const byUrn = new Map(doomed.map((r) => [r.urn, r]));
  const dependents = new Map<string, Set<string>>();
  for (const r of doomed) for (const dep of r.dependencies) if (byUrn.has(dep)) (dependents.get(dep) ?? dependents.set(dep, new Set()).get(dep)!).add(r.urn);
  const done = new Set<string>();
  const order: ResourceRecord[] = [];
  const remaining = [...doomed].reverse();
  while (remaining.length > 0) {
    const index = remaining.findIndex((r) => [...(dependents.get(r.urn) ?? [])].every((d) => done.has(d)));
    // A cycle cannot come from a program (dependencies point backwards), but never loop forever.
    const next = remaining.splice(index === -1 ? 0 : index, 1)[0]!;
    done.add(next.urn);
    order.push(next);
  }
  return order;
}
