// zod schemas of the cloud-config keys the simulated cloud-init acts on. Unknown keys pass through
// (cloud-init ignores modules it does not run); a key of the wrong shape fails its module.
import { z } from "zod";

export const Command = z.union([z.string(), z.array(z.union([z.string(), z.number()]).transform(String))]);
export type Command = z.infer<typeof Command>;

const StringList = z.union([z.string().transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== "")), z.array(z.string())]);

export const UserSpec = z.union([
  z.string(),
  z
    .object({
      name: z.string().min(1),
      sudo: z.union([z.string(), z.array(z.string()), z.boolean(), z.null()]).optional(),
      shell: z.string().optional(),
      groups: StringList.optional(),
      primary_group: z.string().optional(),
      homedir: z.string().optional(),
      ssh_authorized_keys: z.array(z.string()).optional(),
      lock_passwd: z.boolean().optional(),
      system: z.boolean().optional(),
    })
    .passthrough(),
]);
export type UserSpec = z.infer<typeof UserSpec>;

export const WriteFile = z.object({
  path: z.string().min(1),
  content: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
  encoding: z.string().optional(),
  // Anything: decode_perms decides (cc_write_files.py), warning on what it cannot read.
  permissions: z.unknown().optional(),
  owner: z.string().optional(),
  append: z.boolean().optional(),
  defer: z.boolean().optional(),
});
export type WriteFile = z.infer<typeof WriteFile>;

export const ModuleSchemas = {
  users: z.union([z.array(UserSpec), z.string().transform((s) => s.split(",").map((x) => x.trim()))]),
  user: z.union([z.string(), z.object({ name: z.string() }).passthrough()]),
  ssh_authorized_keys: z.array(z.string()),
  write_files: z.array(WriteFile),
  bootcmd: z.array(Command),
  runcmd: z.array(Command),
  hostname: z.string(),
  fqdn: z.string(),
  preserve_hostname: z.boolean(),
  final_message: z.string(),
} as const;
