// Zones, offerings, templates and ISOs: what a cluster is built from.
import { z } from "zod";
import { boolLike, intLike, tagsField } from "./common";

export const ZoneSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  networktype: z.string().optional(),
  allocationstate: z.string().optional(),
  securitygroupsenabled: boolLike.optional(),
  tags: tagsField,
});
export type Zone = z.infer<typeof ZoneSchema>;

export const ServiceOfferingSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  cpunumber: intLike.optional(),
  cpuspeed: intLike.optional(),
  dynamicscalingenabled: boolLike.optional(),
  memory: intLike.optional(),
  iscustomized: boolLike.optional(),
  state: z.string().optional(),
});
export type ServiceOffering = z.infer<typeof ServiceOfferingSchema>;

export const DiskOfferingSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  disksize: intLike.optional(),
  iscustomized: boolLike.optional(),
});
export type DiskOffering = z.infer<typeof DiskOfferingSchema>;

export const NetworkOfferingSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string().optional(),
  guestiptype: z.string().optional(),
  forvpc: boolLike.optional(),
  service: z.array(z.looseObject({ name: z.string() })).optional(),
});
export type NetworkOffering = z.infer<typeof NetworkOfferingSchema>;

export const TemplateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  zoneid: z.string().optional(),
  isready: boolLike.optional(),
  /** USER, BUILTIN, SYSTEM, ROUTING, PERHOST (CloudStack Storage.TemplateType). */
  templatetype: z.string().optional(),
  hypervisor: z.string().optional(),
  ostypeid: z.string().optional(),
  arch: z.string().optional(),
  tags: tagsField,
});
export type Template = z.infer<typeof TemplateSchema>;

export const IsoSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  zoneid: z.string().optional(),
  isready: boolLike.optional(),
  status: z.string().optional(),
  bootable: boolLike.optional(),
  url: z.string().optional(),
  checksum: z.string().optional(),
  tags: tagsField,
});
export type Iso = z.infer<typeof IsoSchema>;
