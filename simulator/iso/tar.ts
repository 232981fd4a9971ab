// Minimal ustar archives and gzip (node zlib), enough for the binaries ISO's .tgz files and for the
// simulated nodes' `tar -xzf`. Deterministic: fixed mtime, owner root, entries in the given order.
import { gunzipSync, gzipSync } from "zlib";

export interface TarEntry {
  /** Path inside the archive, without leading slash; directories may end with "/". */
  path: string;
  type: "file" | "dir";
  /** Permission bits, e.g. 0o755. */
  mode: number;
  data: Buffer;
}

const BLOCK = 512;
/** 2024-01-01T00:00:00Z: a fixed mtime so archives are byte-for-byte reproducible. */
export const FIXED_MTIME_SECONDS = 1704067200;

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`tar: field too long (${bytes.length} > ${length} bytes): ${value}`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // Octal digits, zero padded, NUL terminated (the POSIX form).
  writeString(header, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

/** Splits a long path into ustar's prefix (155) and name (100) at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: "", name: path };
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== "/") continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { prefix, name };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const path = entry.type === "dir" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path;
  const { prefix, name } = splitPath(path);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, entry.mode & 0o7777);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, entry.type === "file" ? entry.data.length : 0);
  writeOctal(h, 136, 12, FIXED_MTIME_SECONDS);
  h.write("        ", 148, "latin1");
  h.write(entry.type === "dir" ? "5" : "0", 156, "latin1");
  h.write("ustar\0", 257, "latin1");
  h.write("00", 263, "latin1");
  writeString(h, 265, 32, "root");
  writeString(h, 297, 32, "root");
  writeOctal(h, 329, 8, 0);
  writeOctal(h, 337, 8, 0);
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
  return h;
}

export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    if (entry.type === "file" && entry.data.length > 0) {
      parts.push(entry.data);
      const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function readString(buf: Buffer, offset: number, length: number): string {
  const field = buf.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString("utf8");
}

function readOctal(buf: Buffer, offset: number, length: number): number {
  const text = readString(buf, offset, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

/** Reads ustar (and plain v7/GNU regular-file) archives: files and directories; other types are skipped. */
export function readTar(archive: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const h = archive.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    if (sum !== readOctal(h, 148, 8)) throw new Error(`tar: bad header checksum at offset ${offset}`);
    const name = readString(h, 0, 100);
    const prefix = h.subarray(257, 262).toString("latin1") === "ustar" ? readString(h, 345, 155) : "";
    const path = prefix ? `${prefix}/${name}` : name;
    const size = readOctal(h, 124, 12);
    const typeflag = String.fromCharCode(h[156] || 48);
    const dataStart = offset + BLOCK;
    if (dataStart + size > archive.length) throw new Error(`tar: truncated archive at ${path}`);
    const data = Buffer.from(archive.subarray(dataStart, dataStart + size));
    const mode = readOctal(h, 100, 8);
    if (typeflag === "5") out.push({ path: path.replace(/\/+$/, ""), type: "dir", mode, data: Buffer.alloc(0) });
    else if (typeflag === "0" || typeflag === "7") out.push({ path, type: "file", mode, data });
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

export function gzip(data: Buffer): Buffer {
  return gzipSync(data, { level: 9 });
}

/** A .tgz of the given entries. */
export function writeTgz(entries: readonly TarEntry[]): Buffer {
  return gzip(writeTar(entries));
}

export function readTgz(archive: Buffer): TarEntry[] {
  return readTar(gunzipSync(archive));
}
