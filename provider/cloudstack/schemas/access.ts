// Tags, SSH key pairs, stored userdata and CNI configurations.
import { z } from "zod";
import { ResourceTagSchema } from "./common";

export const TagSchema = ResourceTagSchema;
export type Tag = z.infer<typeof TagSchema>;

export const SshKeyPairSchema = z.looseObject({
  name: z.string(),
  fingerprint: z.string().optional(),
  id: z.string().optional(),
  account: z.string().optional(),
});
export type SshKeyPair = z.infer<typeof SshKeyPairSchema>;

/** A stored userdata (`registerUserData`, `listUserData`). */
export const UserDataSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  userdata: z.string().optional(),
  params: z.string().optional(),
  account: z.string().optional(),
});
export type UserData = z.infer<typeof UserDataSchema>;

/** A CNI configuration is stored as userdata; its entity key is `cniconfig`. */
export const CniConfigurationSchema = UserDataSchema;
export type CniConfiguration = z.infer<typeof CniConfigurationSchema>;
