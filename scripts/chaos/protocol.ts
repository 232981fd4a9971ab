// What the chaos driver hands one provider process, and what that process prints back: one JSON line
// per progress line ("progress") and one final line ("result"). Both sides validate.
import { z } from "zod";

export const ProviderCallSchema = z.enum(["create", "update", "delete"]);
export type ProviderCall = z.infer<typeof ProviderCallSchema>;

export const ChildRequestSchema = z.object({
  call: ProviderCallSchema,
  /** Simulator time scale: the provider client's job polling is scaled by it (scripts/bench/scaledCloud.ts). */
  timeScale: z.number().positive(),
  /** The resource id recorded by the engine (update, delete). */
  id: z.string().optional(),
  /** The recorded outputs (update's olds, delete's props). */
  olds: z.record(z.string(), z.unknown()).optional(),
  /** The program's inputs (create, update); check() runs on them first, as the engine does. */
  news: z.record(z.string(), z.unknown()).optional(),
});
export type ChildRequest = z.infer<typeof ChildRequestSchema>;

export const ChildResultSchema = z.object({
  ok: z.boolean(),
  /** Set on success of create/update, and on a ResourceInitError (the engine records it then). */
  id: z.string().optional(),
  outs: z.record(z.string(), z.unknown()).optional(),
  /** True when the failure carried a partial state (ResourceInitError): the engine keeps it. */
  initError: z.boolean().optional(),
  error: z.string().optional(),
});
export type ChildResult = z.infer<typeof ChildResultSchema>;

export const ChildLineSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), line: z.string() }),
  z.object({ type: z.literal("result"), result: ChildResultSchema }),
]);
export type ChildLine = z.infer<typeof ChildLineSchema>;
