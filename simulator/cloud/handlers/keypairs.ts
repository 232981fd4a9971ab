// SSH key pairs: register, create (with a generated private key), delete, list.
import type { CommandHandler } from "../../contracts";
import { basicFilter, type CloudContext } from "../context";
import type { KeyPairRecord } from "../model";
import { renderKeyPair } from "../render";
import { fingerprint, generateRsaKeyPair, publicKeyBlob } from "../sshkeys";
import { paramError, required } from "../util";

export function keyPairHandlers(ctx: CloudContext): Record<string, CommandHandler> {
  const keys = ctx.world.keyPairs;
  const byName = (accountId: string, name: string) => [...keys.values()].find((k) => k.accountId === accountId && k.name === name);

  function add(accountId: string, name: string, publicKey: string): KeyPairRecord {
    if (byName(accountId, name)) throw paramError(`A key pair with name '${name}' already exists.`);
    const blob = publicKeyBlob(publicKey);
    if (!blob) throw paramError("Public key is invalid");
    const fp = fingerprint(blob);
    if ([...keys.values()].some((k) => k.accountId === accountId && k.fingerprint === fp)) {
      throw paramError(`A key pair with key '${publicKey.trim().split(/\s+/).slice(0, 2).join(" ").slice(0, 40)}...' already exists.`);
    }
    const rec: KeyPairRecord = { id: ctx.uuid(), name, publicKey: publicKey.trim(), fingerprint: fp, accountId };
    keys.set(rec.id, rec);
    return rec;
  }

  return {
    registerSSHKeyPair: (params, caller) => {
      const cmd = "registerSSHKeyPair";
      const name = required(params, cmd, "name");
      const publicKey = required(params, cmd, "publickey");
      const rec = add(ctx.actingAccount(caller, params), name, publicKey);
      return { kind: "object", entityKey: "keypair", entity: renderKeyPair(ctx, rec) };
    },

    createSSHKeyPair: (params, caller) => {
      const cmd = "createSSHKeyPair";
      const name = required(params, cmd, "name");
      const accountId = ctx.actingAccount(caller, params);
      if (byName(accountId, name)) throw paramError(`A key pair with name '${name}' already exists.`);
      const pair = generateRsaKeyPair(name);
      const rec = add(accountId, name, pair.publicKey);
      return { kind: "object", entityKey: "keypair", entity: { privatekey: pair.privateKey, ...renderKeyPair(ctx, rec) } };
    },

    deleteSSHKeyPair: (params, caller) => {
      const name = required(params, "deleteSSHKeyPair", "name");
      const accountId = ctx.actingAccount(caller, params);
      const rec = byName(accountId, name);
      if (!rec) throw paramError(`A key pair with name '${name}' does not exist for account ${ctx.accountName(accountId)} in specified domain id`);
      keys.delete(rec.id);
      return { kind: "success" };
    },

    listSSHKeyPairs: (params, caller) => {
      ctx.checkListIds("listSSHKeyPairs", params, { id: [keys] });
      const inScope = ctx.listScope(caller, params);
      const items = [...keys.values()]
        .filter((k) => inScope(k.accountId))
        .filter((k) => basicFilter(params, k, [k.name]))
        .filter((k) => params["name"] === undefined || k.name === params["name"])
        .filter((k) => params["fingerprint"] === undefined || k.fingerprint === params["fingerprint"])
        .map((k) => renderKeyPair(ctx, k));
      return { kind: "list", entityKey: "sshkeypair", items };
    },
  };
}
