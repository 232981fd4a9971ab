import { z } from "zod";
import { boolLike, intLike, tagsField } from "./common";

export const NicSchema = z.looseObject({
  id: z.string(),
  networkid: z.string(),
  ipaddress: z.string().optional(),
  isdefault: boolLike.optional(),
  macaddress: z.string().optional(),
});
export type Nic = z.infer<typeof NicSchema>;

export const VirtualMachineSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  displayname: z.string().optional(),
  zoneid: z.string().optional(),
  templateid: z.string().optional(),
  serviceofferingid: z.string().optional(),
  serviceofferingname: z.string().optional(),
  /** Template, deploy flag and offering all allow live scaling (UserVmManagerImpl.createVirtualMachine). */
  isdynamicallyscalable: boolLike.optional(),
  cpunumber: intLike.optional(),
  memory: intLike.optional(),
  isoid: z.string().optional(),
  keypairs: z.string().optional(),
  userdataid: z.string().optional(),
  nic: z.array(NicSchema).optional().default([]),
  tags: tagsField,
  created: z.string().optional(),
});
export type VirtualMachine = z.infer<typeof VirtualMachineSchema>;
