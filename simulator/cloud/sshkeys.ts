// OpenSSH public keys: parsing, CloudStack's fingerprint (MD5 of the key blob, colon hex) and a
// generator for createSSHKeyPair.
import { createHash, generateKeyPairSync } from "node:crypto";

const KEY_TYPES = ["ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"];

/** The base64 blob of an OpenSSH public key line, or undefined when the line is not one. */
export function publicKeyBlob(line: string): Buffer | undefined {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2 || !KEY_TYPES.includes(parts[0])) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1])) return undefined;
  const blob = Buffer.from(parts[1], "base64");
  // The blob starts with the length-prefixed key type: a cheap consistency check.
  if (blob.length < 4) return undefined;
  const typeLen = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + typeLen).toString("latin1") !== parts[0]) return undefined;
  return blob;
}

export function fingerprint(blob: Buffer): string {
  return createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");
}

function sshString(data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

/** SSH mpint: big-endian, with a leading zero when the high bit is set. */
function mpint(data: Buffer): Buffer {
  let d = data;
  while (d.length > 1 && d[0] === 0 && (d[1] & 0x80) === 0) d = d.subarray(1);
  if (d[0] & 0x80) d = Buffer.concat([Buffer.from([0]), d]);
  return sshString(d);
}

/** A fresh RSA key pair: OpenSSH public key line and PKCS#1 PEM private key. */
export function generateRsaKeyPair(comment: string): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const e = Buffer.from(String(jwk.e), "base64url");
  const n = Buffer.from(String(jwk.n), "base64url");
  const blob = Buffer.concat([sshString(Buffer.from("ssh-rsa")), mpint(e), mpint(n)]);
  return {
    publicKey: `ssh-rsa ${blob.toString("base64")} ${comment}`,
    privateKey: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
  };
}
