// Reads the seed world for the front: which keys belong to the root admin (the /admin/ key) and to the
// regular user, and the configured userdata limit. The seed itself is owned by cloud/.
import { defaultSeed, SeedSchema } from "../cloud/seed";
import type { LoadedSeed } from "./assemble";

/** Seed → keys: the first admin account's first user is the root admin; the first other account is the user. */
export function loadSeed(raw: unknown): LoadedSeed {
  const seed = raw === undefined ? defaultSeed() : SeedSchema.parse(raw);
  const admin = seed.accounts.find((a) => a.isAdmin)?.users[0];
  if (!admin) throw new Error("seed: no admin account (an account with isAdmin: true) to own the /admin/ endpoints");
  const user = seed.accounts.find((a) => !a.isAdmin)?.users[0] ?? admin;
  const max = Number(seed.settings["vm.userdata.max.length"]);
  return {
    seed,
    admin: { apiKey: admin.apikey, secretKey: admin.secretkey },
    user: { apiKey: user.apikey, secretKey: user.secretkey },
    userDataMaxLength: Number.isInteger(max) && max > 0 ? max : undefined,
  };
}
