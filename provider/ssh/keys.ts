// The cluster's SSH key pair and host key fingerprints.
import { createHash } from "crypto";
import { utils } from "ssh2";

/** An OpenSSH key pair; privateKey is secret. */
export interface ClusterKeyPair {
  /** "ssh-ed25519 AAAA... comment" */
  publicKey: string;
  /** OpenSSH PEM ("-----BEGIN OPENSSH PRIVATE KEY-----"). */
  privateKey: string;
}

/**
 * Generates a fresh ed25519 key pair for a cluster's nodes.
 *
 * ssh2 1.17's own generator occasionally (about 1 in 170 keys, measured) emits an OpenSSH private key that
 * its parser then rejects as malformed; a cluster holding such a key could never be reached. So a key is
 * only handed out once ssh2 has parsed it back.
 */
export function generateClusterKeyPair(comment = "cloudstack-kubernetes"): ClusterKeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519", { comment });
    if (!(utils.parseKey(pair.private) instanceof Error)) return { publicKey: pair.public.trim(), privateKey: pair.private };
  }
  throw new Error("could not generate an ed25519 key pair that ssh2 can parse (20 attempts)");
}

/** OpenSSH-style fingerprint of a host key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** Fingerprint of an OpenSSH public key line ("ssh-ed25519 AAAA... comment"). */
export function publicKeyFingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error("not an OpenSSH public key line");
  return hostKeyFingerprint(Buffer.from(blob, "base64"));
}

/** Normalises a pinned fingerprint: accepts "SHA256:xxx", "xxx", with or without base64 padding. */
export function normaliseFingerprint(value: string): string {
  const bare = value.trim().replace(/^SHA256:/i, "").replace(/=+$/, "");
  return `SHA256:${bare}`;
}
