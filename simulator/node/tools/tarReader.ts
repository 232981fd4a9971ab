// A minimal tar reader (ustar, GNU long names, pax path headers) for the archives on the ISOs.
import { gunzipSync } from "node:zlib";

export interface TarEntry {
  path: string;
  type: "file" | "dir" | "symlink" | "other";
  mode: number;
  data: Buffer;
  linkName?: string;
}

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TarError";
  }
}

function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString("utf8");
}

function octal(block: Buffer, offset: number, length: number): number {
  const text = field(block, offset, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError("This does not look like a tar archive");
  return parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  const stored = octal(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === stored;
}

function paxPath(data: Buffer): string | undefined {
  const text = data.toString("utf8");
  let i = 0;
  while (i < text.length) {
    const space = text.indexOf(" ", i);
    if (space < 0) break;
    const len = Number(text.slice(i, space));
    if (!Number.isFinite(len) || len <= 0) break;
    const record = text.slice(space + 1, i + len - 1);
    const eq = record.indexOf("=");
    if (record.slice(0, eq) === "path") return record.slice(eq + 1);
    i += len;
  }
  return undefined;
}

export function isGzip(buf: Buffer): boolean {
  return buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Entries of a tar archive (gunzipped first when it is gzip data). */
export function readTar(input: Buffer): TarEntry[] {
  let buf = input;
  if (isGzip(buf)) {
    try {
      buf = gunzipSync(buf);
    } catch {
      throw new TarError("gzip: stdin: invalid compressed data--format violated");
    }
  }
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= buf.length) {
    const block = buf.subarray(offset, offset + 512);
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block)) throw new TarError(entries.length === 0 ? "This does not look like a tar archive" : "Skipping to next header");
    const size = octal(block, 124, 12);
    const typeflag = String.fromCharCode(block[156] || 48);
    const data = buf.subarray(offset + 512, offset + 512 + size);
    if (data.length < size) throw new TarError("Unexpected EOF in archive");
    offset += 512 + Math.ceil(size / 512) * 512;
    if (typeflag === "L") {
      longName = field(data, 0, data.length);
      continue;
    }
    if (typeflag === "x") {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (typeflag === "g") continue;
    const magic = field(block, 257, 6);
    const prefix = magic.startsWith("ustar") ? field(block, 345, 155) : "";
    const name = longName ?? (prefix !== "" ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    longName = undefined;
    const type: TarEntry["type"] = typeflag === "0" || typeflag === "\0" || typeflag === "7" ? "file" : typeflag === "5" ? "dir" : typeflag === "2" ? "symlink" : "other";
    entries.push({ path: name, type, mode: octal(block, 100, 8) & 0o7777, data: Buffer.from(data), ...(type === "symlink" ? { linkName: field(block, 157, 100) } : {}) });
  }
  return entries;
}
