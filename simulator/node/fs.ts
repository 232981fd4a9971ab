// The VM's disk: an in-memory POSIX-like tree. Parents are created only by mkdirp (like mkdir -p);
// writes into a missing directory fail with ENOENT, as open(2) would. Read-only ISO mounts are
// overlaid at their mount points so that tools see the CD-ROM's files through the same paths.
import type { FileStat, NodeFs } from "./types";

export class FsError extends Error {
  constructor(
    public readonly code: "ENOENT" | "ENOTDIR" | "EISDIR" | "EROFS" | "EEXIST" | "ENOTEMPTY" | "EINVAL",
    public readonly path: string,
  ) {
    super(`${code}: ${path}`);
    this.name = "FsError";
  }
}

/** The message a GNU tool prints for an errno ("No such file or directory"). */
export function errnoText(code: FsError["code"]): string {
  switch (code) {
    case "ENOENT": return "No such file or directory";
    case "ENOTDIR": return "Not a directory";
    case "EISDIR": return "Is a directory";
    case "EROFS": return "Read-only file system";
    case "EEXIST": return "File exists";
    case "ENOTEMPTY": return "Directory not empty";
    case "EINVAL": return "Invalid argument";
  }
}

interface FileNode { type: "file"; mode: number; owner: string; group: string; data: Buffer }
interface DirNode { type: "dir"; mode: number; owner: string; group: string; children: Map<string, Node> }
type Node = FileNode | DirNode;

/** Read-only overlays: mount point → files keyed by path relative to the mount point. */
export type MountLookup = () => ReadonlyMap<string, { files: ReadonlyMap<string, Buffer> }>;

export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return "/" + parts.join("/");
}

function split(path: string): string[] {
  return normalizePath(path).split("/").filter((s) => s !== "");
}

export class MemFs implements NodeFs {
  private readonly root: DirNode = { type: "dir", mode: 0o755, owner: "root", group: "root", children: new Map() };
  private mountLookup: MountLookup = () => new Map();

  setMountLookup(lookup: MountLookup): void {
    this.mountLookup = lookup;
  }

  /** The mount containing `path`, and the path inside it ("" = the mount point itself). */
  private mountOf(path: string): { files: ReadonlyMap<string, Buffer>; inner: string } | undefined {
    const p = normalizePath(path);
    for (const [point, m] of this.mountLookup()) {
      const mp = normalizePath(point);
      if (p === mp) return { files: m.files, inner: "" };
      if (p.startsWith(mp === "/" ? "/" : mp + "/")) return { files: m.files, inner: p.slice(mp.length + 1) };
    }
    return undefined;
  }

  private lookup(path: string): Node | undefined {
    let node: Node = this.root;
    for (const seg of split(path)) {
      if (node.type !== "dir") return undefined;
      const next = node.children.get(seg);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  private parentDir(path: string): { dir: DirNode; name: string } {
    const segs = split(path);
    const name = segs.pop();
    if (name === undefined) throw new FsError("EISDIR", path);
    const parent = this.lookup("/" + segs.join("/"));
    if (!parent) throw new FsError("ENOENT", path);
    if (parent.type !== "dir") throw new FsError("ENOTDIR", path);
    return { dir: parent, name };
  }

  private refuseReadOnly(path: string): void {
    if (this.mountOf(path)) throw new FsError("EROFS", path);
  }

  read(path: string): Buffer | undefined {
    const m = this.mountOf(path);
    if (m) return m.files.get(m.inner);
    const node = this.lookup(path);
    return node?.type === "file" ? Buffer.from(node.data) : undefined;
  }

  write(path: string, data: Buffer | string, opts: { mode?: number; owner?: string; group?: string } = {}): void {
    this.refuseReadOnly(path);
    const { dir, name } = this.parentDir(path);
    const existing = dir.children.get(name);
    if (existing?.type === "dir") throw new FsError("EISDIR", path);
    const buf = Buffer.isBuffer(data) ? Buffer.from(data) : Buffer.from(data, "utf8");
    if (existing) {
      existing.data = buf;
      if (opts.mode !== undefined) existing.mode = opts.mode;
      if (opts.owner !== undefined) existing.owner = opts.owner;
      if (opts.group !== undefined) existing.group = opts.group;
      return;
    }
    dir.children.set(name, {
      type: "file",
      data: buf,
      mode: opts.mode ?? 0o644,
      owner: opts.owner ?? "root",
      group: opts.group ?? opts.owner ?? "root",
    });
  }

  append(path: string, data: Buffer | string): void {
    const old = this.read(path);
    if (old === undefined && this.lookup(path)?.type === "dir") throw new FsError("EISDIR", path);
    const add = Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8");
    if (old === undefined) this.write(path, add);
    else {
      this.refuseReadOnly(path);
      const node = this.lookup(path) as FileNode;
      node.data = Buffer.concat([old, add]);
    }
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }

  stat(path: string): FileStat | undefined {
    const m = this.mountOf(path);
    if (m) {
      const file = m.files.get(m.inner);
      if (file) return { type: "file", mode: 0o444, owner: "root", group: "root", size: file.length };
      const prefix = m.inner === "" ? "" : m.inner + "/";
      for (const key of m.files.keys()) {
        if (key.startsWith(prefix)) return { type: "dir", mode: 0o555, owner: "root", group: "root", size: 2048 };
      }
      return undefined;
    }
    const node = this.lookup(path);
    if (!node) return undefined;
    return {
      type: node.type,
      mode: node.mode,
      owner: node.owner,
      group: node.group,
      size: node.type === "file" ? node.data.length : 4096,
    };
  }

  mkdirp(path: string, mode = 0o755): void {
    this.refuseReadOnly(path);
    let node: DirNode = this.root;
    for (const seg of split(path)) {
      const next = node.children.get(seg);
      if (!next) {
        const dir: DirNode = { type: "dir", mode, owner: "root", group: "root", children: new Map() };
        node.children.set(seg, dir);
        node = dir;
      } else if (next.type === "dir") {
        node = next;
      } else {
        throw new FsError("ENOTDIR", path);
      }
    }
  }

  /** Create exactly one directory (mkdir without -p): the parent must exist, the name must not. */
  mkdir(path: string, mode = 0o755, owner = "root", group = owner): void {
    this.refuseReadOnly(path);
    const { dir, name } = this.parentDir(path);
    if (dir.children.has(name)) throw new FsError("EEXIST", path);
    dir.children.set(name, { type: "dir", mode, owner, group, children: new Map() });
  }

  list(path: string): string[] | undefined {
    const m = this.mountOf(path);
    if (m) {
      const prefix = m.inner === "" ? "" : m.inner + "/";
      const names = new Set<string>();
      for (const key of m.files.keys()) {
        if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split("/")[0]);
      }
      return names.size > 0 || m.inner === "" ? [...names].sort() : undefined;
    }
    const node = this.lookup(path);
    if (node?.type !== "dir") return undefined;
    const names = [...node.children.keys()];
    // A mount point shows the mount's root, so the directory itself keeps its own entries.
    return names.sort();
  }

  remove(path: string, opts: { recursive?: boolean } = {}): boolean {
    this.refuseReadOnly(path);
    const segs = split(path);
    if (segs.length === 0) throw new FsError("EINVAL", path);
    const { dir, name } = this.parentDir(path);
    const node = dir.children.get(name);
    if (!node) return false;
    if (node.type === "dir" && node.children.size > 0 && !opts.recursive) throw new FsError("ENOTEMPTY", path);
    dir.children.delete(name);
    return true;
  }

  chmod(path: string, mode: number): void {
    this.refuseReadOnly(path);
    const node = this.lookup(path);
    if (!node) throw new FsError("ENOENT", path);
    node.mode = mode & 0o7777;
  }

  chown(path: string, owner: string, group?: string): void {
    this.refuseReadOnly(path);
    const node = this.lookup(path);
    if (!node) throw new FsError("ENOENT", path);
    node.owner = owner;
    if (group !== undefined) node.group = group;
  }
}
