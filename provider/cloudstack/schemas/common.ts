// Building blocks shared by the entity schemas. These schemas are the ONE set of CloudStack entity
// schemas: the typed client (provider/cloudstack) and the orchestration phases (provider/cluster) both
// parse with them, so a field is coerced the same way wherever it is read. Entities are loose objects:
// the fields we rely on are required and typed, everything else CloudStack sends is kept as `unknown`.
import { z } from "zod";

/** CloudStack sends some integers as strings (rule ports); accept both, give a number. */
export const intLike = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));

/** `true`/`false` as JSON booleans or, from older servers, as strings. */
export const boolLike = z.union([z.boolean(), z.enum(["true", "false"])]).transform((v) => v === true || v === "true");

export const ResourceTagSchema = z.looseObject({
  key: z.string(),
  /** CloudStack always sends it (ResourceTagResponse); "" when absent so tag maps stay string-valued. */
  value: z.string().optional().default(""),
  resourceid: z.string().optional(),
  resourcetype: z.string().optional(),
});
export type ResourceTag = z.infer<typeof ResourceTagSchema>;

/** Tags as returned inside entities (`tags: [...]`); an absent list reads as no tags. */
export const tagsField = z.array(ResourceTagSchema).optional().default([]);

/** `{ success: true }`, the result of delete-style commands. */
export const SuccessSchema = z.looseObject({
  success: boolLike,
  displaytext: z.string().optional(),
  details: z.string().optional(),
});
export type SuccessResponse = z.infer<typeof SuccessSchema>;
