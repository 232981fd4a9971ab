// Really download a registered ISO (loopback URLs only), store it under the data directory and
// verify its checksum: "{SHA-256}hex", "{MD5}hex", or bare hex whose length names the algorithm.
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { paramError } from "./util";

export interface ExpectedChecksum {
  algorithm: "md5" | "sha1" | "sha256" | "sha512";
  hex: string;
}

const BY_LENGTH: Record<number, ExpectedChecksum["algorithm"]> = { 32: "md5", 40: "sha1", 64: "sha256", 128: "sha512" };
const BY_NAME: Record<string, ExpectedChecksum["algorithm"]> = { md5: "md5", "sha-1": "sha1", sha1: "sha1", "sha-256": "sha256", sha256: "sha256", "sha-512": "sha512", sha512: "sha512" };

/** Parse the registerIso checksum parameter; a malformed one is a 431 at registration. */
export function parseChecksum(raw: string | undefined): ExpectedChecksum | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const m = /^\{([A-Za-z0-9-]+)\}([0-9a-fA-F]+)$/.exec(raw.trim());
  if (m) {
    const algorithm = BY_NAME[m[1].toLowerCase()];
    if (!algorithm) throw paramError(`Unsupported checksum algorithm ${m[1]}`);
    return { algorithm, hex: m[2].toLowerCase() };
  }
  const hex = raw.trim().toLowerCase();
  const algorithm = BY_LENGTH[hex.length];
  if (!/^[0-9a-f]+$/.test(hex) || !algorithm) throw paramError(`Checksum ${raw} is not a valid md5, sha1, sha256 or sha512 hex value`);
  return { algorithm, hex };
}

export function isLoopbackUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== "http:") return false;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export class DownloadError extends Error {}

/** GET the URL (loopback http only) into memory, with a size cap. */
export function fetchLoopback(raw: string, maxBytes = 512 * 1024 * 1024): Promise<Buffer> {
  if (!isLoopbackUrl(raw)) return Promise.reject(new DownloadError("url not reachable from the simulator"));
  return new Promise((resolve, reject) => {
    const req = http.get(raw, { timeout: 30_000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new DownloadError(`Failed to download: HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy();
          reject(new DownloadError("Failed to download: image too large"));
          return;
        }
        chunks.push(c);
      });
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", () => reject(new DownloadError("Failed to download: connection reset")));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err: NodeJS.ErrnoException) => reject(new DownloadError(`Failed to download: ${err.code ?? "connection error"}`)));
  });
}

export function digest(data: Buffer, algorithm: ExpectedChecksum["algorithm"]): string {
  return createHash(algorithm).update(data).digest("hex");
}

export async function storeIso(dataDir: string, isoId: string, data: Buffer): Promise<string> {
  const dir = path.join(dataDir, "isos");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${isoId}.iso`);
  await writeFile(file, data);
  return file;
}
