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

export function decodeContent(entry: WriteFile): Buffer {
  const raw = entry.content ?? "";
  const enc = (entry.encoding ?? "text/plain").toLowerCase();
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
    case "text":
      return asBuffer();
    default:
      throw new ModuleError(`Unknown encoding type ${enc}`);
  }
}

/** cloud-init's decode_perms: an int as given (YAML 1.1 reads 0644 as octal), a string as octal. */
export function decodePermissions(p: string | number | undefined): number {
  if (p === undefined) return 0o644;
  if (typeof p === "number") return p;
  const text = p.trim();
  if (!/^(0o)?[0-7]+$/.test(text)) throw new ModuleError(`Invalid permissions '${p}'`);
  return parseInt(text.replace(/^0o/, ""), 8);
}

export function writeOneFile(fs: NodeFs, entry: WriteFile): void {
  const data = decodeContent(entry);
  const mode = decodePermissions(entry.permissions);
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
