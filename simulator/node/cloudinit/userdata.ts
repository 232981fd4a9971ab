// Userdata as CloudStack hands it to the VM: base64 of a #cloud-config, a #! script, a
// #cloud-config-archive, gzip of any of these, or a MIME multipart message of parts.
import { gunzipSync } from "node:zlib";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export interface UserDataParts {
  /** Parsed cloud-config documents, in order. */
  configs: Record<string, unknown>[];
  /** Shell-script parts, in order (run by scripts-user before runcmd). */
  scripts: { name: string; content: string }[];
  /** Problems that make cloud-init end in error ("Failed to parse ..."). */
  errors: string[];
  /** Parts cloud-init ignores, with a warning. */
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

function addPart(parts: UserDataParts, text: string, contentType: string | undefined): void {
  const head = text.trimStart();
  const type = contentType ?? sniff(head);
  if (type === "multipart") return addMultipart(parts, text);
  if (type !== undefined && CONFIG_TYPES.has(type)) return addConfig(parts, text);
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

function addConfig(parts: UserDataParts, text: string): void {
  let doc: unknown;
  try {
    // PyYAML reads YAML 1.1: 0644 is octal, yes/no are booleans.
    doc = parseYaml(text, { version: "1.1" });
  } catch (e) {
    parts.errors.push(`Failed to parse cloud-config: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    return;
  }
  if (doc === null || doc === undefined) return;
  if (typeof doc !== "object" || Array.isArray(doc)) {
    parts.errors.push(`Failed to parse cloud-config: cloud-config must be a mapping, got ${Array.isArray(doc) ? "list" : typeof doc}`);
    return;
  }
  parts.configs.push(doc as Record<string, unknown>);
}

const ArchiveEntry = z.union([z.string(), z.object({ type: z.string().optional(), content: z.string() })]);

function addArchive(parts: UserDataParts, text: string): void {
  let doc: unknown;
  try {
    doc = parseYaml(text, { version: "1.1" });
  } catch (e) {
    parts.errors.push(`Failed to parse cloud-config-archive: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
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
      addPart(parts, payload, undefined);
      continue;
    }
    payload = bytes.toString("utf8");
    if (type === "multipart/mixed") addMultipart(parts, content);
    else if (type === "text/plain" || type === "text/x-not-multipart") addPart(parts, payload, sniff(payload.trimStart()));
    else addPart(parts, payload, type);
  }
}

/** Merge cloud-config documents in order: mappings merge recursively, lists append, scalars replace. */
export function mergeConfigs(configs: Record<string, unknown>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const c of configs) mergeInto(merged, c);
  return merged;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    const cur = target[k];
    if (Array.isArray(cur) && Array.isArray(v)) target[k] = [...cur, ...v];
    else if (isPlainObject(cur) && isPlainObject(v)) {
      const copy = { ...cur };
      mergeInto(copy, v);
      target[k] = copy;
    } else target[k] = v;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
