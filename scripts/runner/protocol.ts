// What the parent (tests, demo) hands the per-run child process and what the child hands back, as
// files, validated on both sides.
import { z } from "zod";

export const OperationSchema = z.enum(["up", "preview", "destroy", "refresh"]);
export type Operation = z.infer<typeof OperationSchema>;

export const RunRequestSchema = z.object({
  operation: OperationSchema,
  /** Directory holding Pulumi.yaml: the program's and the provider host's working directory. */
  projectDir: z.string(),
  /** Absolute path of the program's entry (Pulumi.yaml `main`, default index.ts). */
  program: z.string(),
  project: z.string(),
  stack: z.string(),
  stateFile: z.string(),
  /** Stack config, keys namespaced ("cks-quickstart:zoneId", "cloudstack-kubernetes:apiUrl"). */
  config: z.record(z.string(), z.string()).default({}),
  secretConfigKeys: z.array(z.string()).default([]),
  /** Extra environment for the provider host (e.g. CLOUDSTACK_API_URL). */
  hostEnv: z.record(z.string(), z.string()).default({}),
  resultFile: z.string(),
});
export type RunRequest = z.infer<typeof RunRequestSchema>;

const StepSchema = z.object({
  kind: z.enum(["create", "same", "update", "replace", "delete", "read"]),
  urn: z.string(),
  id: z.string(),
  oldId: z.string().optional(),
  deleteBeforeReplace: z.boolean().optional(),
  keys: z.array(z.string()).optional(),
});

export const StackOutputSchema = z.object({ value: z.unknown(), secret: z.boolean() });
export type StackOutput = z.infer<typeof StackOutputSchema>;

export const RunResultSchema = z.object({
  ok: z.boolean(),
  operation: OperationSchema,
  steps: z.array(StepSchema),
  outputs: z.record(z.string(), StackOutputSchema),
  /** Failure messages (provider errors carry resource, phase and cause; never secrets). */
  errors: z.array(z.string()),
  /** Per resource: the resource options the program passed, as the engine received them. */
  options: z.record(
    z.string(),
    z.object({
      dependencies: z.array(z.string()),
      additionalSecretOutputs: z.array(z.string()),
      deleteBeforeReplace: z.boolean(),
      ignoreChanges: z.array(z.string()),
      replaceOnChanges: z.array(z.string()),
      protect: z.boolean(),
    }),
  ),
  durationMs: z.number(),
});
export type RunResult = z.infer<typeof RunResultSchema>;
