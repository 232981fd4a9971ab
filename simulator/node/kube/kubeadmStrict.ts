// How kubeadm reads a --config file, byte for byte: split into documents the way apimachinery's
// YAMLReader does, load each as YAML 1.1 (go-yaml v2 through sigs.k8s.io/yaml), and find what strict
// decoding reports: duplicate keys (yaml.UnmarshalStrict), unknown fields (sigs.k8s.io/json
// UnmarshalStrict) and type errors (encoding/json). Sources:
//   k8s.io/apimachinery/pkg/util/yaml/decoder.go (YAMLReader.Read: "---" lines, comments only after it)
//   k8s.io/apimachinery/pkg/runtime/serializer/json/json.go (Serializer.unmarshal, strict mode)
//   k8s.io/apimachinery/pkg/runtime/error.go (strictDecodingError: "strict decoding error: " + ", "-joined)
//   cmd/kubeadm/app/util/config/strict/strict.go (VerifyUnmarshalStrict's "error unmarshaling configuration")
import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, type Node as YamlNode } from "yaml";
import type { FieldSpec, StructSpec } from "./kubeadmFields";

/** A config kubeadm refuses; exitCode 3 for validation errors (cmd/kubeadm/app/util/error.go ValidationExitCode). */
export class KubeadmConfigError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The documents of a config file, as YAMLReader.Read returns them (separator lines excluded). */
export function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let buffer: string[] = [];
  const lines = text.split(/(?<=\n)/);
  lines.forEach((line, index) => {
    if (line.startsWith("---")) {
      const trimmed = line.slice(3).trim();
      if (trimmed.length > 0 && !trimmed.startsWith("#")) {
        throw new KubeadmConfigError(`error converting YAML to JSON: yaml: line ${index + 1}: invalid document separator: ${line.trimEnd()}`);
      }
      if (buffer.length > 0) docs.push(buffer.join(""));
      buffer = [];
      return;
    }
    buffer.push(line);
  });
  if (buffer.length > 0 && buffer.join("").length > 0) docs.push(buffer.join(""));
  return docs;
}

export interface DecodedDocument {
  /** The document as JSON would carry it (later duplicate keys win, as go-yaml's lax Unmarshal does). */
  value: unknown;
  /** go-yaml v2 UnmarshalStrict's complaint about duplicate keys, if any. */
  duplicates?: string;
}

/** Loads one document with YAML 1.1 semantics (yes/no/on/off booleans, 0755 octal), as go-yaml v2 does. */
export function decodeDocument(chunk: string): DecodedDocument {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(chunk, { version: "1.1", uniqueKeys: false, lineCounter });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err ? lineCounter.linePos(err.pos[0]).line : 1;
    throw new KubeadmConfigError(`error converting YAML to JSON: yaml: line ${line}: ${(err?.message ?? "syntax error").split("\n")[0] ?? ""}`);
  }
  const dups: string[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (seen.has(key)) {
          const offset = (item.key as YamlNode | null)?.range?.[0] ?? 0;
          dups.push(`  line ${lineCounter.linePos(offset).line}: key ${JSON.stringify(key)} already set in map`);
        }
        seen.add(key);
        walk(item.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(doc.contents);
  return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, duplicates: dups.length > 0 ? `yaml: unmarshal errors:\n${dups.join("\n")}` : undefined };
}

export interface StrictFindings {
  /** Strict-only complaints: kubeadm warns about them on init/join and refuses them in `config validate`. */
  strict: string[];
  /** Type mismatches: encoding/json fails on these in every mode. */
  fatal: string[];
}

function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "object";
  return typeof value === "boolean" ? "bool" : typeof value;
}

const GO_TYPE: Record<string, string> = {
  string: "string",
  int: "int32",
  bool: "bool",
  duration: "string",
  time: "string",
  stringList: "[]string",
  boolMap: "map[string]bool",
  stringMap: "map[string]string",
};

/** The Go struct type behind a field name, for encoding/json's "Go struct field T.path" (apis/kubeadm/v1beta3 and v1beta4 types.go). */
const GO_STRUCT: Record<string, string> = {
  localAPIEndpoint: "APIEndpoint",
  nodeRegistration: "NodeRegistrationOptions",
  bootstrapTokens: "BootstrapToken",
  etcd: "Etcd",
  local: "LocalEtcd",
  external: "ExternalEtcd",
  networking: "Networking",
  apiServer: "APIServer",
  controllerManager: "ControlPlaneComponent",
  scheduler: "ControlPlaneComponent",
  dns: "DNS",
  proxy: "Proxy",
  discovery: "Discovery",
  bootstrapToken: "BootstrapTokenDiscovery",
  file: "FileDiscovery",
  controlPlane: "JoinControlPlane",
  patches: "Patches",
  timeouts: "Timeouts",
  taints: "Taint",
  extraArgs: "Arg",
  kubeletExtraArgs: "Arg",
  extraVolumes: "HostPathMount",
  extraEnvs: "EnvVar",
};

/** The innermost struct holding the field at `path` ("a.b[0].c" -> the struct of b). */
function goStructOf(path: string, kind: string): string {
  const parts = path.replace(/\[\d+\]/g, "").split(".");
  for (let i = parts.length - 2; i >= 0; i--) {
    const name = GO_STRUCT[parts[i] ?? ""];
    if (name) return name;
  }
  return kind;
}

/** Walks a decoded document against its kind's known fields; JSON object keys are visited sorted, as json.Marshal of a Go map orders them. */
export function strictCheck(value: unknown, spec: StructSpec, kind: string): StrictFindings {
  const found: StrictFindings = { strict: [], fatal: [] };
  const typeError = (v: unknown, path: string, goType: string) =>
    found.fatal.push(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${goStructOf(path, kind)}.${path} of type ${goType}`);

  const visit = (v: unknown, field: FieldSpec, path: string): void => {
    if (v === null || v === undefined) return; // JSON null leaves a Go field at its zero value.
    if (typeof field === "string") {
      switch (field) {
        case "any":
          return;
        case "string":
        case "duration":
        case "time":
          if (typeof v !== "string") typeError(v, path, GO_TYPE[field] ?? field);
          else if (field === "duration" && !/^(-?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$/.test(v)) found.fatal.push(`time: invalid duration ${JSON.stringify(v)}`);
          return;
        case "int":
          if (typeof v !== "number" || !Number.isInteger(v)) typeError(v, path, "int32");
          return;
        case "bool":
          if (typeof v !== "boolean") typeError(v, path, "bool");
          return;
        case "stringList":
          if (!Array.isArray(v)) typeError(v, path, "[]string");
          else v.forEach((item: unknown, i) => item !== null && typeof item !== "string" && typeError(item, `${path}[${i}]`, "string"));
          return;
        case "boolMap":
        case "stringMap": {
          if (typeof v !== "object" || Array.isArray(v)) return void typeError(v, path, GO_TYPE[field] ?? field);
          const want = field === "boolMap" ? "boolean" : "string";
          for (const [k, item] of Object.entries(v as Record<string, unknown>)) if (typeof item !== want) typeError(item, `${path}.${k}`, want === "boolean" ? "bool" : "string");
          return;
        }
      }
      return;
    }
    if ("list" in field && typeof field.list === "object") {
      if (!Array.isArray(v)) return void typeError(v, path, "[]struct");
      v.forEach((item: unknown, i) => visit(item, field.list as StructSpec, `${path}[${i}]`));
      return;
    }
    if (typeof v !== "object" || Array.isArray(v)) return void typeError(v, path, "struct");
    const struct = field as StructSpec;
    for (const key of Object.keys(v as Record<string, unknown>).sort()) {
      const child = Object.prototype.hasOwnProperty.call(struct, key) ? struct[key] : undefined;
      const childPath = path ? `${path}.${key}` : key;
      if (child === undefined) found.strict.push(`unknown field ${JSON.stringify(childPath)}`);
      else visit((v as Record<string, unknown>)[key], child, childPath);
    }
  };
  visit(value, spec, "");
  return found;
}

/** `schema.GroupVersionKind{...}` as Go's %#v prints it in kubeadm's strict-decoding message. */
export function goGvk(group: string, version: string, kind: string): string {
  return `schema.GroupVersionKind{Group:${JSON.stringify(group)}, Version:${JSON.stringify(version)}, Kind:${JSON.stringify(kind)}}`;
}
