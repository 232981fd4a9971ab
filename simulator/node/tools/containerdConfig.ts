// containerd's /etc/containerd/config.toml as the daemon reads it: just enough TOML (tables, strings in
// "..." and '...', booleans, numbers, one-line arrays) to find the CRI keys the kubelet depends on, in
// both config formats, and to refuse what containerd refuses (a key or table defined twice, an
// unknown config version).
//
// Sources (containerd/containerd):
// - docs/cri/config.md (v1.7, v2.1): version = 2 keeps the CRI plugin under
//   [plugins."io.containerd.grpc.v1.cri"] (sandbox_image, registry.config_path, runc options);
//   version = 3 (2.x) splits it into io.containerd.cri.v1.images (pinned_images.sandbox,
//   registry.config_path) and io.containerd.cri.v1.runtime (runc options). 2.x migrates a version 2
//   file on load (cmd/containerd/server/config/config.go, MigrateConfigTo).
// - cmd/containerd/server/config/config.go ValidateVersion: a version above the binary's is refused.
// - pkg/cri/config/config_unix.go (1.6: pause 3.6, 1.7: pause 3.8) and internal/cri/config/config.go
//   (2.0/2.1: DefaultSandboxImage pause 3.10, 2.2: 3.10.1): the sandbox image when the key is absent.

export interface ContainerdCriConfig {
  /** The file's `version` (1 when absent, as containerd assumes). */
  version: number;
  sandboxImage: string;
  systemdCgroup: boolean;
  registryConfigPath: string;
  /** `disabled_plugins` includes the CRI plugin (the packaged containerd.io config). */
  criDisabled: boolean;
}

export class ContainerdConfigError extends Error {}

type TomlValue = string | boolean | number | string[];

/** Splits a table header into its keys: plugins."io.containerd.grpc.v1.cri".registry → 3 keys. */
function headerKeys(header: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < header.length) {
    const c = header[i];
    if (c === " " || c === "\t" || c === ".") {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = header.indexOf(c, i + 1);
      if (end < 0) throw new ContainerdConfigError(`unterminated key in table [${header}]`);
      keys.push(header.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_-]+/.exec(header.slice(i));
    if (!m) throw new ContainerdConfigError(`invalid table name [${header}]`);
    keys.push(m[0]);
    i += m[0].length;
  }
  return keys;
}

function parseValue(raw: string, where: string): TomlValue {
  const v = raw.replace(/\s+#.*$/, "").trim();
  if (/^"([^"\\]|\\.)*"$/.test(v)) return JSON.parse(v) as string;
  if (/^'[^']*'$/.test(v)) return v.slice(1, -1);
  if (v === "true" || v === "false") return v === "true";
  if (/^[+-]?\d+$/.test(v)) return Number(v);
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return Number(v);
  // Inline tables ({ ... }) carry nothing the CRI keys need: kept as their text.
  if (/^\{.*\}$/.test(v)) return v;
  if (/^\[.*\]$/.test(v)) {
    const inner = v.slice(1, -1).trim();
    if (inner.replace(/,\s*$/, "") === "") return [];
    return inner.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => String(parseValue(s, where)));
  }
  throw new ContainerdConfigError(`invalid value ${v} at ${where}`);
}

/** Flat view: "plugins/io.containerd.grpc.v1.cri/sandbox_image" → value. */
export function parseToml(text: string): Map<string, TomlValue> {
  const values = new Map<string, TomlValue>();
  const tables = new Set<string>();
  let table: string[] = [];
  // A multi-line array is joined into one logical line first.
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s*#.*$/, "");
    pending = pending === undefined ? line : `${pending} ${line.trim()}`;
    const opens = (pending.match(/\[/g) ?? []).length - (pending.match(/\]/g) ?? []).length;
    if (/=\s*\[/.test(pending) && opens > 0) continue;
    lines.push(pending);
    pending = undefined;
  }
  if (pending !== undefined) lines.push(pending);
  lines.forEach((line, n) => {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) return;
    const header = /^\[([^[\]]+)\]\s*(#.*)?$/.exec(t);
    if (header) {
      table = headerKeys(header[1]);
      const id = table.join("/");
      // go-toml refuses a table defined twice.
      if (tables.has(id)) throw new ContainerdConfigError(`(${n + 1}, 1): duplicated tables`);
      tables.add(id);
      return;
    }
    const kv = /^([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=\s*(.+)$/.exec(t);
    if (!kv) throw new ContainerdConfigError(`(${n + 1}, 1): parsing error: keys cannot contain ${JSON.stringify(t.slice(0, 1))} character`);
    const key = [...table, kv[1].replace(/^["']|["']$/g, "")].join("/");
    // go-toml (v1 in containerd 1.x, v2 in 2.x) refuses a key defined twice in one table.
    if (values.has(key)) throw new ContainerdConfigError(`(${n + 1}, 1): The following key was defined twice: ${kv[1]}`);
    values.set(key, parseValue(kv[2], `line ${n + 1}`));
  });
  return values;
}

/** "1.7.24" → the newest config version that containerd reads. */
export function maxConfigVersion(containerdVersion: string): number {
  return Number(containerdVersion.split(".")[0]) >= 2 ? 3 : 2;
}

/** The sandbox image a containerd version uses when the config does not name one. */
export function defaultSandboxImage(containerdVersion: string): string {
  const [major, minor] = containerdVersion.split(".").map(Number);
  if (major >= 2) return minor >= 2 ? "registry.k8s.io/pause:3.10.1" : "registry.k8s.io/pause:3.10";
  return minor >= 7 ? "registry.k8s.io/pause:3.8" : "registry.k8s.io/pause:3.6";
}

/** Reads the CRI settings as `containerdVersion` would; throws ContainerdConfigError where it would refuse to start. */
export function readCriConfig(text: string, containerdVersion: string): ContainerdCriConfig {
  const v = parseToml(text);
  const version = typeof v.get("version") === "number" ? (v.get("version") as number) : 1;
  const max = maxConfigVersion(containerdVersion);
  if (version > max) throw new ContainerdConfigError(`expected containerd config version equal to or less than \`${max}\`, got \`${version}\``);
  if (version < 2 && max === 3) throw new ContainerdConfigError("containerd config version `1` has been removed, use version `2` or `3`");
  const str = (key: string): string | undefined => (typeof v.get(key) === "string" ? (v.get(key) as string) : undefined);
  const bool = (key: string): boolean | undefined => (typeof v.get(key) === "boolean" ? (v.get(key) as boolean) : undefined);
  const disabled = v.get("disabled_plugins");
  const criDisabled = Array.isArray(disabled) && disabled.some((p) => p === "cri" || p === "io.containerd.grpc.v1.cri" || p.startsWith("io.containerd.cri.v1."));
  const v2 = "plugins/io.containerd.grpc.v1.cri";
  if (version === 3) {
    const images = "plugins/io.containerd.cri.v1.images";
    const runtime = "plugins/io.containerd.cri.v1.runtime";
    return {
      version,
      sandboxImage: str(`${images}/pinned_images/sandbox`) ?? defaultSandboxImage(containerdVersion),
      systemdCgroup: bool(`${runtime}/containerd/runtimes/runc/options/SystemdCgroup`) ?? false,
      registryConfigPath: str(`${images}/registry/config_path`) ?? "",
      criDisabled,
    };
  }
  // Version 2 (1.x's format; 2.x migrates it): the old single CRI plugin. Version 1 used the short id "cri".
  const cri = version === 1 ? "plugins/cri" : v2;
  return {
    version,
    sandboxImage: str(`${cri}/sandbox_image`) ?? defaultSandboxImage(containerdVersion),
    systemdCgroup: bool(`${cri}/containerd/runtimes/runc/options/SystemdCgroup`) ?? false,
    registryConfigPath: str(`${cri}/registry/config_path`) ?? "",
    criDisabled,
  };
}

const STAND_IN_VERSION = /^#\s*containerd\s+v(\d+\.\d+\.\d+)/m;

/** The template's containerd version, read off the /usr/bin/containerd stand-in. */
export function installedContainerdVersion(read: (path: string) => Buffer | undefined): string {
  const text = read("/usr/bin/containerd")?.toString("utf8") ?? "";
  return STAND_IN_VERSION.exec(text)?.[1] ?? "1.7.24";
}
