// The write_files module: decode, create parents, set mode and owner, append.
import { gunzipSync } from "node:zlib";
import type { NodeFs } from "../types";
import { getUser, groupExists } from "../users";
import type { WriteFile } from "./config";

export class ModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModuleError";
  }
}

/** cc_write_files.py canonicalize_extraction + extract_contents: an unknown encoding is a WARNING, then text. */
export function decodeContent(entry: WriteFile, warn: (text: string) => void = () => undefined): Buffer {
  const raw = entry.content ?? "";
  const enc = (entry.encoding ?? "").toLowerCase().trim();
  const asBuffer = (): Buffer => (typeof raw === "string" ? Buffer.from(raw, "utf8") : Buffer.from(raw));
  const fromB64 = (): Buffer => (typeof raw === "string" ? Buffer.from(raw.replace(/\s+/g, ""), "base64") : Buffer.from(raw));
  switch (enc) {
    case "b64":
    case "base64":
      return fromB64();
    case "gz":
    case "gzip":
      return gunzipSync(asBuffer());
    case "gz+b64":
    case "gz+base64":
    case "gzip+b64":
    case "gzip+base64":
      return gunzipSync(fromB64());
    case "text/plain":
    case "":
      return asBuffer();
    default:
      warn(`Unknown encoding type ${enc}, assuming text/plain`);
      return asBuffer();
  }
}

/**
 * cloud-init's decode_perms (cloudinit/config/cc_write_files.py): an int (or bool, or float) as given,
 * anything else through Python's int(str(perm), 8). What does not decode is a WARNING and the default.
 */
export function decodePermissions(p: unknown, warn: (text: string) => void = () => undefined): number {
  const DEFAULT = 0o644;
  if (p === undefined || p === null) return DEFAULT;
  if (typeof p === "boolean") return p ? 1 : 0;
  if (typeof p === "number" && Number.isFinite(p)) return Math.trunc(p);
  const text = typeof p === "string" ? p : String(p);
  // Python's int(x, 8): surrounding whitespace, a sign, an optional 0o prefix, single underscores between digits.
  const m = /^\s*([-+]?)(?:0[oO]_?)?([0-7](?:_?[0-7])*)\s*$/.exec(text);
  if (m) return (m[1] === "-" ? -1 : 1) * parseInt((m[2] as string).replace(/_/g, ""), 8);
  warn(`Undecodable permissions ${typeof p === "string" ? `'${p}'` : text}, returning default ${DEFAULT.toString(8)}`);
  return DEFAULT;
}

export function writeOneFile(fs: NodeFs, entry: WriteFile, warn: (text: string) => void = () => undefined): void {
  const data = decodeContent(entry, warn);
  const mode = decodePermissions(entry.permissions, warn);
  const [owner, group] = (entry.owner ?? "root:root").split(":");
  const dir = entry.path.slice(0, entry.path.lastIndexOf("/")) || "/";
  fs.mkdirp(dir, 0o755);
  if (entry.append && fs.exists(entry.path)) fs.append(entry.path, data);
  else fs.write(entry.path, data);
  fs.chmod(entry.path, mode);
  // As in cloud-init, the file is written first; an unknown owner then fails the module.
  if (!getUser(fs, owner)) throw new ModuleError(`KeyError: "getpwnam(): name not found: '${owner}'"`);
  const g = group ?? owner;
  if (!groupExists(fs, g)) throw new ModuleError(`KeyError: "getgrnam(): name not found: '${g}'"`);
  fs.chown(entry.path, owner, g);
}
