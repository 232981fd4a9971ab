// The kubeadm bootstrap token and certificate key are generated locally (never by CKS's predictable
// UUID-derived scheme, cks-behaviour.md §3.6) but derived from the cluster's SSH private key with HMAC,
// so a resumed run gets the same values without storing two more secrets in state.
import { createHmac } from "crypto";

const TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function derive(secret: string, clusterId: string, purpose: string): Buffer {
  return createHmac("sha256", secret).update(`${purpose}:${clusterId}`).digest();
}

/** `[a-z0-9]{6}.[a-z0-9]{16}` as kubeadm requires. */
export function bootstrapToken(sshPrivateKey: string, clusterId: string): string {
  const bytes = Buffer.concat([derive(sshPrivateKey, clusterId, "token-id"), derive(sshPrivateKey, clusterId, "token-secret")]);
  const chars = [...bytes].map((b) => TOKEN_ALPHABET[b % TOKEN_ALPHABET.length]);
  return `${chars.slice(0, 6).join("")}.${chars.slice(6, 22).join("")}`;
}

/** 64 hex characters: the key that encrypts the certificates kubeadm uploads for control-plane joins. */
export function certificateKey(sshPrivateKey: string, clusterId: string): string {
  return derive(sshPrivateKey, clusterId, "certificate-key").toString("hex");
}
