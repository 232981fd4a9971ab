// Affinity groups (AffinityGroupResponse in apache/cloudstack api/src/main/java/org/apache/cloudstack/
// affinity/AffinityGroupResponse.java).
import { z } from "zod";

export const AffinityGroupSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  description: z.string().optional(),
  account: z.string().optional(),
  virtualmachineIds: z.array(z.string()).optional(),
});
export type AffinityGroup = z.infer<typeof AffinityGroupSchema>;
