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

/** Generates a fresh ed25519 key pair for a cluster's nodes. */
export function generateClusterKeyPair(comment = "cloudstack-kubernetes"): ClusterKeyPair {
  const pair = utils.generateKeyPairSync("ed25519", { comment });
  return { publicKey: pair.public.trim(), privateKey: pair.private };
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
