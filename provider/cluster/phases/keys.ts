// Phase 3: the cluster SSH key. Generated locally once (kept in state as a secret, so a resumed run
// reuses it) and registered as `cks-<prefix>` unless CloudStack already has it with the same fingerprint.
import { createHash } from "crypto";
import { parseList, SshKeyPairSchema } from "../entities";
import type { ClusterContext } from "../context";
import { isNotFoundError } from "../cloudErrors";
import { clusterKeypairName } from "../names";
import { withRetry } from "../retry";
import { scoped } from "./validate";

/** CloudStack's keypair fingerprint: MD5 of the key blob, colon-separated hex. */
export function cloudStackFingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? "", "base64");
  return createHash("md5").update(blob).digest("hex").match(/../g)?.join(":") ?? "";
}

export async function keysPhase(ctx: ClusterContext): Promise<void> {
  const phase = "keys";
  const { api, inputs, state } = ctx;
  if (!state.sshPrivateKey || !state.sshPublicKey) {
    const { generateClusterKeyPair } = require("../../ssh") as typeof import("../../ssh");
    const pair = generateClusterKeyPair(`cks-${state.prefix}`);
    state.sshPrivateKey = pair.privateKey;
    state.sshPublicKey = pair.publicKey;
    ctx.progress.line(phase, "generated the cluster SSH key");
  }
  const name = clusterKeypairName(state.prefix);
  const publicKey = state.sshPublicKey;
  const retry = { deadline: ctx.deadline, what: `registering keypair ${name}` };
  const existing = parseList(SshKeyPairSchema, await withRetry(() => api.listAll("listSSHKeyPairs", scoped(inputs, { name }), "sshkeypair"), retry), "listSSHKeyPairs").find((k) => k.name === name);
  const fingerprint = cloudStackFingerprint(publicKey);
  if (existing && existing.fingerprint && existing.fingerprint.toLowerCase() !== fingerprint) {
    // Our name, another key (an earlier run lost its state): replace it with the key we hold.
    await api.request("deleteSSHKeyPair", scoped(inputs, { name })).catch((err: unknown) => {
      if (!isNotFoundError(err)) throw err;
    });
  } else if (existing) {
    state.keypairName = name;
    ctx.progress.line(phase, `keypair ${name} already registered`);
    return;
  }
  ctx.progress.line(phase, `registering keypair ${name}`);
  await api.request("registerSSHKeyPair", scoped(inputs, { name, publickey: publicKey }));
  state.keypairName = name;
}
