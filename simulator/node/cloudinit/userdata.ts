// Userdata as CloudStack hands it to the VM: base64 of a #cloud-config, a #! script, a
// #cloud-config-archive, gzip of any of these, or a MIME multipart message of parts.
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { type ConfigPart, mergeParts } from "./merge";
import { loadYaml11 } from "./yaml11";

export interface UserDataParts {
  /** Cloud-config parts, in order, with their MIME headers (Merge-Type) for the merge. */
  configs: ConfigPart[];
  /** Shell-script parts, in order (run by scripts-user before runcmd). */
  scripts: { name: string; content: string }[];
  /** Problems that make cloud-init end in error. */
  errors: string[];
  /** What cloud-init logs as WARNING while reading userdata (each one a recoverable error in 23.4+). */
  warnings: string[];
}

function isGzip(buf: Buffer): boolean {
  return buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

export function decodeUserData(base64: string | undefined): UserDataParts {
  const parts: UserDataParts = { configs: [], scripts: [], errors: [], warnings: [] };
  if (base64 === undefined || base64.trim() === "") return parts;
  let raw = Buffer.from(base64.replace(/\s+/g, ""), "base64");
  if (isGzip(raw)) {
    try {
      raw = gunzipSync(raw);
    } catch {
      parts.errors.push("Failed to decompress gzip userdata");
      return parts;
    }
  }
  addPart(parts, raw.toString("utf8"), undefined);
  return parts;
}

const SCRIPT_TYPES = new Set(["text/x-shellscript"]);
const CONFIG_TYPES = new Set(["text/cloud-config", "text/cloud-config-jsonp"]);

function addPart(parts: UserDataParts, text: string, contentType: string | undefined, headers: Record<string, string> = {}): void {
  const head = text.trimStart();
  const type = contentType ?? sniff(head);
  if (type === "multipart") return addMultipart(parts, text);
  if (type !== undefined && CONFIG_TYPES.has(type)) return addConfig(parts, text, headers);
  if (type !== undefined && SCRIPT_TYPES.has(type)) {
    parts.scripts.push({ name: `part-${String(parts.scripts.length + 1).padStart(3, "0")}`, content: text });
    return;
  }
  if (type === "text/cloud-config-archive") return addArchive(parts, text);
  parts.warnings.push(`Unhandled non-multipart (${type ?? "text/x-not-multipart"}) userdata: '${head.slice(0, 20)}...'`);
}

function sniff(head: string): string | undefined {
  if (head.startsWith("#cloud-config-archive")) return "text/cloud-config-archive";
  if (head.startsWith("#cloud-config")) return "text/cloud-config";
  if (head.startsWith("#!")) return "text/x-shellscript";
  if (/^(Content-Type:\s*multipart|MIME-Version:)/i.test(head)) return "multipart";
  return undefined;
}

/** cloudinit/util.py load_yaml(allowed=(dict,)): a failure is a WARNING and the part loads as nothing. */
function loadCloudConfig(parts: UserDataParts, text: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = loadYaml11(text);
  } catch (e) {
    parts.warnings.push(`Failed loading yaml blob. ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    return undefined;
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== "object" || Array.isArray(doc) || doc instanceof Uint8Array) {
    const pyType = Array.isArray(doc) ? "list" : typeof doc === "string" ? "str" : typeof doc === "number" ? "int" : typeof doc === "boolean" ? "bool" : "object";
    parts.warnings.push(`Failed loading yaml blob. Yaml load allows (<class 'dict'>,) root types, but got ${pyType} instead`);
    return undefined;
  }
  return doc as Record<string, unknown>;
}

function addConfig(parts: UserDataParts, text: string, headers: Record<string, string>): void {
  // handlers/__init__.py walk(): a part without a filename is "part-%03d" by its index.
  const filename = /filename="?([^";]+)"?/i.exec(headers["content-disposition"] ?? "")?.[1] ?? `part-${String(parts.configs.length + parts.scripts.length + 1).padStart(3, "0")}`;
  parts.configs.push({ config: loadCloudConfig(parts, text), headers, filename });
}

const ArchiveEntry = z.union([z.string(), z.object({ type: z.string().optional(), content: z.string() })]);

function addArchive(parts: UserDataParts, text: string): void {
  let doc: unknown;
  try {
    doc = loadYaml11(text);
  } catch (e) {
    parts.warnings.push(`Failed loading yaml blob. ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    return;
  }
  const list = z.array(ArchiveEntry).safeParse(doc);
  if (!list.success) {
    parts.errors.push("Failed to parse cloud-config-archive: expected a list of {type, content}");
    return;
  }
  for (const entry of list.data) {
    if (typeof entry === "string") addPart(parts, entry, undefined);
    else addPart(parts, entry.content, entry.type);
  }
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last = "";
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last !== "") {
      headers.set(last, `${headers.get(last) ?? ""} ${line.trim()}`);
      continue;
    }
    const i = line.indexOf(":");
    if (i > 0) {
      last = line.slice(0, i).trim().toLowerCase();
      headers.set(last, line.slice(i + 1).trim());
    }
  }
  return headers;
}

function addMultipart(parts: UserDataParts, text: string): void {
  const split = /\r?\n\r?\n/.exec(text);
  const headerBlock = split ? text.slice(0, split.index) : text;
  const body = split ? text.slice(split.index + split[0].length) : "";
  const contentType = parseHeaders(headerBlock).get("content-type") ?? "";
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) {
    parts.errors.push("Failed to parse MIME userdata: multipart without boundary");
    return;
  }
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter).slice(1);
  for (const chunk of chunks) {
    if (chunk.startsWith("--")) break;
    const content = chunk.replace(/^\r?\n/, "");
    const sep = /\r?\n\r?\n/.exec(content);
    if (!sep) continue;
    const headers = parseHeaders(content.slice(0, sep.index));
    let payload = content.slice(sep.index + sep[0].length).replace(/\r?\n$/, "");
    const type = (headers.get("content-type") ?? "text/plain").split(";")[0].trim().toLowerCase();
    const encoding = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
    let bytes = encoding === "base64" ? Buffer.from(payload.replace(/\s+/g, ""), "base64") : Buffer.from(payload, "utf8");
    if (isGzip(bytes) || type === "application/x-gzip" || type === "application/gzip") {
      try {
        bytes = gunzipSync(bytes);
      } catch {
        parts.errors.push("Failed to decompress a gzip MIME part");
        continue;
      }
      payload = bytes.toString("utf8");
      addPart(parts, payload, undefined, Object.fromEntries(headers));
      continue;
    }
    payload = bytes.toString("utf8");
    if (type === "multipart/mixed") addMultipart(parts, content);
    else if (type === "text/plain" || type === "text/x-not-multipart") addPart(parts, payload, sniff(payload.trimStart()), Object.fromEntries(headers));
    else addPart(parts, payload, type, Object.fromEntries(headers));
  }
}

/** The parts merged as cloud-init merges them (see merge.ts); merge warnings are dropped here. */
export function mergeConfigs(configs: ConfigPart[]): Record<string, unknown> {
  return mergeParts(configs).config;
}
