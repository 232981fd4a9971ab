// File tools (coreutils): cat, tee, mkdir, rm, cp, mv, install, chmod, chown, ln, ls, touch, stat, mktemp.
import { entryReplaced, textBusy } from "../textBusy";
import { allowed, mayChangeEntry, parentOf } from "../access";
import { FsError, errnoText } from "../fs";
import type { CommandIO, NodeCommand, NodeMachine } from "../types";
import { getUser, groupExists } from "../users";
import { ToolError, abs, fail, parseMode, parseOpts, readFileFor, tool, usageError, writeFileFor } from "./common";

function baseName(p: string): string {
  const parts = p.replace(/\/+$/, "").split("/");
  return parts[parts.length - 1];
}

const cat: NodeCommand = tool("cat", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "nAvsuE" });
  if (p.error) return usageError(io, "cat", p.error);
  const files = p.operands.length === 0 ? ["-"] : p.operands;
  let code = 0;
  for (const f of files) {
    try {
      io.stdout(readFileFor(m, io, "cat", f));
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      io.stderr(e.message + "\n");
      code = 1;
    }
  }
  return code;
});

const tee: NodeCommand = tool("tee", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "ai", long: { append: "a" } });
  if (p.error) return usageError(io, "tee", p.error);
  const data = io.stdin;
  let code = 0;
  for (const f of p.operands) {
    try {
      const path = abs(io, f);
      if (p.opts.has("a") && m.fs.exists(path)) {
        writeFileFor(m, io, "tee", f, Buffer.concat([m.fs.read(path) ?? Buffer.alloc(0), data]));
      } else writeFileFor(m, io, "tee", f, data);
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      io.stderr(e.message + "\n");
      code = 1;
    }
  }
  io.stdout(data);
  return code;
});

const mkdir: NodeCommand = tool("mkdir", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "pv", withArg: "m", long: { parents: "p", mode: "m" } });
  if (p.error) return usageError(io, "mkdir", p.error);
  if (p.operands.length === 0) return usageError(io, "mkdir", "missing operand");
  const modeOpt = p.opts.get("m");
  const mode = typeof modeOpt === "string" ? parseMode(modeOpt, 0o755) : 0o755;
  if (mode === undefined) return fail(io, "mkdir", `invalid mode '${String(modeOpt)}'`);
  let code = 0;
  for (const d of p.operands) {
    const path = abs(io, d);
    const st = m.fs.stat(path);
    if (st) {
      if (p.opts.has("p") && st.type === "dir") continue;
      code = fail(io, "mkdir", `cannot create directory '${d}': File exists`);
      continue;
    }
    // Find the first missing ancestor: the user needs write access on the directory above it.
    let top = path;
    while (!m.fs.exists(parentOf(top))) top = parentOf(top);
    if (!p.opts.has("p") && top !== path) {
      code = fail(io, "mkdir", `cannot create directory '${d}': No such file or directory`);
      continue;
    }
    if (!mayChangeEntry(m.fs, top, io.user)) {
      code = fail(io, "mkdir", `cannot create directory '${d}': Permission denied`);
      continue;
    }
    try {
      m.fs.mkdirp(path, 0o755);
    } catch (e) {
      if (e instanceof FsError) {
        code = fail(io, "mkdir", `cannot create directory '${d}': ${errnoText(e.code)}`);
        continue;
      }
      throw e;
    }
    // Directories created on the way belong to the user; -m applies to the last one only.
    let cur = path;
    for (;;) {
      m.fs.chown(cur, io.user, io.user);
      if (cur === top) break;
      cur = parentOf(cur);
    }
    m.fs.chmod(path, mode);
  }
  return code;
});

const rm: NodeCommand = tool("rm", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "rRfvd", long: { recursive: "r", force: "f" } });
  if (p.error) return usageError(io, "rm", p.error);
  const force = p.opts.has("f");
  const recursive = p.opts.has("r") || p.opts.has("R");
  if (p.operands.length === 0 && !force) return usageError(io, "rm", "missing operand");
  let code = 0;
  for (const f of p.operands) {
    const path = abs(io, f);
    const st = m.fs.stat(path);
    if (!st) {
      if (!force) code = fail(io, "rm", `cannot remove '${f}': No such file or directory`);
      continue;
    }
    if (path === "/") {
      code = fail(io, "rm", "it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe");
      continue;
    }
    if (st.type === "dir" && !recursive) {
      code = fail(io, "rm", `cannot remove '${f}': Is a directory`);
      continue;
    }
    if (!mayChangeEntry(m.fs, path, io.user)) {
      code = fail(io, "rm", `cannot remove '${f}': Permission denied`);
      continue;
    }
    try {
      m.fs.remove(path, { recursive });
    } catch (e) {
      if (e instanceof FsError) code = fail(io, "rm", `cannot remove '${f}': ${errnoText(e.code)}`);
      else throw e;
    }
  }
  return code;
});

/**
 * cp opens an existing destination for writing: a running executable refuses (ETXTBSY). With -f it
 * then unlinks and retries, with --remove-destination it unlinks first (textBusy.ts).
 */
function copyTree(m: NodeMachine, io: CommandIO, src: string, dst: string, preserveMode: boolean, unlinkBusy = true): void {
  const st = m.fs.stat(src);
  if (!st) throw new ToolError(`cannot stat '${src}': No such file or directory`);
  if (st.type === "dir") {
    if (!m.fs.exists(dst)) {
      m.fs.mkdirp(dst, st.mode);
      m.fs.chown(dst, io.user, io.user);
    }
    for (const name of m.fs.list(src) ?? []) copyTree(m, io, `${src}/${name}`, `${dst}/${name}`, preserveMode, unlinkBusy);
    return;
  }
  if (!allowed(m.fs, src, io.user, "r")) throw new ToolError(`cannot open '${src}' for reading: Permission denied`);
  if (textBusy(m, dst)) {
    if (!unlinkBusy) throw new ToolError(`cannot create regular file '${dst}': Text file busy`);
    // A new inode: the running process keeps the old one.
    m.fs.remove(dst);
    entryReplaced(m, dst);
  }
  writeFileFor(m, io, "cp", dst, m.fs.read(src) ?? Buffer.alloc(0), st.mode);
  if (preserveMode) m.fs.chmod(dst, st.mode);
}

/** Where a copy/move of `src` into `dst` lands: into dst when dst is a directory. */
function destination(m: NodeMachine, io: CommandIO, src: string, dst: string, many: boolean): string {
  const d = abs(io, dst);
  if (m.fs.stat(d)?.type === "dir") return `${d}/${baseName(src)}`;
  if (many) throw new ToolError(`target '${dst}' is not a directory`);
  return d;
}

const cp: NodeCommand = tool("cp", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "rRfapvn", long: { recursive: "r", force: "f", archive: "a", "remove-destination": "flag" } });
  if (p.error) return usageError(io, "cp", p.error);
  if (p.operands.length < 2) return usageError(io, "cp", p.operands.length === 0 ? "missing file operand" : `missing destination file operand after '${p.operands[0]}'`);
  const sources = p.operands.slice(0, -1);
  const target = p.operands[p.operands.length - 1];
  const recursive = p.opts.has("r") || p.opts.has("R") || p.opts.has("a");
  let code = 0;
  for (const s of sources) {
    try {
      const src = abs(io, s);
      const st = m.fs.stat(src);
      if (!st) throw new ToolError(`cannot stat '${s}': No such file or directory`);
      if (st.type === "dir" && !recursive) throw new ToolError(`-r not specified; omitting directory '${s}'`);
      copyTree(m, io, src, destination(m, io, src, target, sources.length > 1), p.opts.has("a") || p.opts.has("p"), p.opts.has("f") || p.opts.has("remove-destination"));
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      code = fail(io, "cp", e.message.replace(/^cp: /, ""));
    }
  }
  return code;
});

const mv: NodeCommand = tool("mv", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "fvn", long: { force: "f" } });
  if (p.error) return usageError(io, "mv", p.error);
  if (p.operands.length < 2) return usageError(io, "mv", "missing file operand");
  const sources = p.operands.slice(0, -1);
  const target = p.operands[p.operands.length - 1];
  let code = 0;
  for (const s of sources) {
    const src = abs(io, s);
    const st = m.fs.stat(src);
    if (!st) {
      code = fail(io, "mv", `cannot stat '${s}': No such file or directory`);
      continue;
    }
    if (!mayChangeEntry(m.fs, src, io.user)) {
      code = fail(io, "mv", `cannot move '${s}': Permission denied`);
      continue;
    }
    try {
      const dst = destination(m, io, src, target, sources.length > 1);
      // Moving keeps contents and modes; the caller's right to do it was checked on the directories.
      const asRoot: CommandIO = Object.create(io, { user: { value: "root" } }) as CommandIO;
      copyTree(m, asRoot, src, dst, true);
      if (st.type === "file") m.fs.chown(dst, st.owner, st.group);
      m.fs.remove(src, { recursive: true });
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      code = fail(io, "mv", e.message);
    }
  }
  return code;
});

const install: NodeCommand = tool("install", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "dDvpsC", withArg: "mogt", long: { mode: "m", owner: "o", group: "g", directory: "d", "target-directory": "t" } });
  if (p.error) return usageError(io, "install", p.error);
  const modeText = p.opts.get("m");
  const mode = typeof modeText === "string" ? parseMode(modeText, 0o755) : 0o755;
  if (mode === undefined) return fail(io, "install", `invalid mode '${String(modeText)}'`);
  const owner = typeof p.opts.get("o") === "string" ? (p.opts.get("o") as string) : undefined;
  const group = typeof p.opts.get("g") === "string" ? (p.opts.get("g") as string) : undefined;
  if ((owner !== undefined || group !== undefined) && io.user !== "root") return fail(io, "install", "cannot change ownership: Operation not permitted");
  if (owner !== undefined && !getUser(m.fs, owner)) return fail(io, "install", `invalid user '${owner}'`);
  if (group !== undefined && !groupExists(m.fs, group)) return fail(io, "install", `invalid group '${group}'`);
  const finish = (path: string): void => {
    m.fs.chmod(path, mode);
    m.fs.chown(path, owner ?? io.user, group ?? (owner ?? io.user));
  };
  if (p.opts.has("d")) {
    if (p.operands.length === 0) return usageError(io, "install", "missing file operand");
    for (const d of p.operands) {
      const path = abs(io, d);
      if (!m.fs.exists(path)) {
        let top = path;
        while (!m.fs.exists(parentOf(top))) top = parentOf(top);
        if (!mayChangeEntry(m.fs, top, io.user)) return fail(io, "install", `cannot create directory '${d}': Permission denied`);
        m.fs.mkdirp(path, 0o755);
      }
      finish(path);
    }
    return 0;
  }
  const targetDir = p.opts.get("t");
  const operands = typeof targetDir === "string" ? [...p.operands, targetDir] : p.operands;
  if (operands.length < 2) return usageError(io, "install", operands.length === 0 ? "missing file operand" : `missing destination file operand after '${operands[0]}'`);
  const sources = operands.slice(0, -1);
  const target = operands[operands.length - 1];
  for (const s of sources) {
    const data = readFileFor(m, io, "install", s);
    const srcPath = abs(io, s);
    if (m.fs.stat(srcPath)?.type === "dir") return fail(io, "install", `omitting directory '${s}'`);
    let dst: string;
    try {
      dst = destination(m, io, srcPath, target, sources.length > 1);
    } catch (e) {
      if (e instanceof ToolError) return fail(io, "install", e.message);
      throw e;
    }
    if (p.opts.has("D")) m.fs.mkdirp(parentOf(dst));
    if (!m.fs.exists(parentOf(dst))) return fail(io, "install", `cannot create regular file '${target}': No such file or directory`);
    // install unlinks the destination before it creates it: a running executable is no obstacle.
    entryReplaced(m, dst);
    writeFileFor(m, io, "install", dst, data, mode);
    finish(dst);
  }
  return 0;
});

const chmod: NodeCommand = tool("chmod", async (argv, io, m) => {
  const args = argv.slice(1).filter((a) => a !== "-R" && a !== "-v" && a !== "-f");
  const recursive = argv.includes("-R");
  if (args.length < 2) return usageError(io, "chmod", args.length === 0 ? "missing operand" : `missing operand after '${args[0]}'`);
  const [modeText, ...files] = args;
  let code = 0;
  const apply = (path: string, shown: string): void => {
    const st = m.fs.stat(path);
    if (!st) {
      code = fail(io, "chmod", `cannot access '${shown}': No such file or directory`);
      return;
    }
    if (io.user !== "root" && st.owner !== io.user) {
      code = fail(io, "chmod", `changing permissions of '${shown}': Operation not permitted`);
      return;
    }
    const mode = parseMode(modeText, st.mode);
    if (mode === undefined) {
      code = fail(io, "chmod", `invalid mode: '${modeText}'`);
      return;
    }
    m.fs.chmod(path, mode);
    if (recursive && st.type === "dir") for (const n of m.fs.list(path) ?? []) apply(`${path}/${n}`, `${shown}/${n}`);
  };
  for (const f of files) apply(abs(io, f), f);
  return code;
});

const chown: NodeCommand = tool("chown", async (argv, io, m) => {
  const recursive = argv.includes("-R");
  const args = argv.slice(1).filter((a) => !/^-[Rvfh]+$/.test(a));
  if (args.length < 2) return usageError(io, "chown", args.length === 0 ? "missing operand" : `missing operand after '${args[0]}'`);
  const [spec, ...files] = args;
  const [owner, group] = spec.split(/[:.]/);
  if (owner !== "" && !getUser(m.fs, owner)) return fail(io, "chown", `invalid user: '${spec}'`);
  if (group !== undefined && group !== "" && !groupExists(m.fs, group)) return fail(io, "chown", `invalid group: '${spec}'`);
  let code = 0;
  const apply = (path: string, shown: string): void => {
    const st = m.fs.stat(path);
    if (!st) {
      code = fail(io, "chown", `cannot access '${shown}': No such file or directory`);
      return;
    }
    if (io.user !== "root") {
      code = fail(io, "chown", `changing ownership of '${shown}': Operation not permitted`);
      return;
    }
    const newGroup = group === undefined ? undefined : group === "" ? (getUser(m.fs, owner) ? owner : st.group) : group;
    m.fs.chown(path, owner === "" ? st.owner : owner, newGroup);
    if (recursive && st.type === "dir") for (const n of m.fs.list(path) ?? []) apply(`${path}/${n}`, `${shown}/${n}`);
  };
  for (const f of files) apply(abs(io, f), f);
  return code;
});

/** ln -s: the simulated filesystem has no links; the link becomes a copy of its target (documented limit). */
const ln: NodeCommand = tool("ln", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "sfnv", long: { symbolic: "s", force: "f" } });
  if (p.error) return usageError(io, "ln", p.error);
  if (p.operands.length < 2) return usageError(io, "ln", "missing file operand");
  const [target, link] = p.operands;
  const src = target.startsWith("/") ? target : `${parentOf(abs(io, link))}/${target}`;
  const dst = destination(m, io, src, link, false);
  if (m.fs.exists(dst) && !p.opts.has("f")) return fail(io, "ln", `failed to create symbolic link '${link}': File exists`);
  if (!m.fs.exists(src)) {
    if (!p.opts.has("s")) return fail(io, "ln", `failed to access '${target}': No such file or directory`);
    // A dangling symlink: keep a marker file so that the name exists.
    writeFileFor(m, io, "ln", dst, "");
    return 0;
  }
  copyTree(m, io, src, dst, true);
  return 0;
});

const ls: NodeCommand = tool("ls", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "laA1hdtrR" });
  if (p.error) return usageError(io, "ls", p.error, 2);
  const targets = p.operands.length === 0 ? ["."] : p.operands;
  let code = 0;
  const long = p.opts.has("l");
  const fmt = (name: string, path: string): string => {
    const st = m.fs.stat(path);
    if (!st || !long) return name;
    return `${st.type === "dir" ? "d" : "-"}${modeString(st.mode)} 1 ${st.owner} ${st.group} ${String(st.size).padStart(6)} Jan  1 00:00 ${name}`;
  };
  for (const t of targets) {
    const path = abs(io, t);
    const st = m.fs.stat(path);
    if (!st) {
      code = fail(io, "ls", `cannot access '${t}': No such file or directory`, 2);
      continue;
    }
    if (st.type === "file" || p.opts.has("d")) {
      io.stdout(fmt(t, path) + "\n");
      continue;
    }
    if (!allowed(m.fs, path, io.user, "r")) {
      code = fail(io, "ls", `cannot open directory '${t}': Permission denied`, 2);
      continue;
    }
    const names = (m.fs.list(path) ?? []).filter((n) => p.opts.has("a") || p.opts.has("A") || !n.startsWith("."));
    if (targets.length > 1) io.stdout(`${t}:\n`);
    for (const n of names) io.stdout(fmt(n, `${path}/${n}`.replace("//", "/")) + "\n");
  }
  return code;
});

export function modeString(mode: number): string {
  let s = "";
  for (let shift = 6; shift >= 0; shift -= 3) {
    const b = (mode >> shift) & 7;
    s += (b & 4 ? "r" : "-") + (b & 2 ? "w" : "-") + (b & 1 ? "x" : "-");
  }
  return s;
}

const touch: NodeCommand = tool("touch", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "acm" });
  if (p.error) return usageError(io, "touch", p.error);
  if (p.operands.length === 0) return usageError(io, "touch", "missing file operand");
  let code = 0;
  for (const f of p.operands) {
    const path = abs(io, f);
    if (m.fs.exists(path)) continue;
    if (!m.fs.exists(parentOf(path))) {
      code = fail(io, "touch", `cannot touch '${f}': No such file or directory`);
      continue;
    }
    try {
      writeFileFor(m, io, "touch", f, "");
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      code = fail(io, "touch", `cannot touch '${f}': Permission denied`);
    }
  }
  return code;
});

const stat: NodeCommand = tool("stat", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "L", withArg: "c", long: { format: "c" } });
  if (p.error) return usageError(io, "stat", p.error);
  if (p.operands.length === 0) return usageError(io, "stat", "missing operand");
  let code = 0;
  for (const f of p.operands) {
    const st = m.fs.stat(abs(io, f));
    if (!st) {
      code = fail(io, "stat", `cannot statx '${f}': No such file or directory`);
      continue;
    }
    const format = p.opts.get("c");
    if (typeof format === "string") {
      const text = format.replace(/%([aAUGsnFu g])/g, (_x, c: string) => {
        switch (c) {
          case "a": return (st.mode & 0o7777).toString(8);
          case "A": return (st.type === "dir" ? "d" : "-") + modeString(st.mode);
          case "U": return st.owner;
          case "G": return st.group;
          case "s": return String(st.size);
          case "n": return f;
          case "F": return st.type === "dir" ? "directory" : st.size === 0 ? "regular empty file" : "regular file";
          case "u": return String(getUser(m.fs, st.owner)?.uid ?? 0);
          case "g": return String(getUser(m.fs, st.group)?.gid ?? 0);
          default: return c;
        }
      });
      io.stdout(text + "\n");
    } else {
      io.stdout(`  File: ${f}\n  Size: ${st.size}\t${st.type === "dir" ? "directory" : "regular file"}\nAccess: (0${(st.mode & 0o7777).toString(8)}/${st.type === "dir" ? "d" : "-"}${modeString(st.mode)})  Uid: (${st.owner})   Gid: (${st.group})\n`);
    }
  }
  return code;
});

let tempCounter = 0;
const mktemp: NodeCommand = tool("mktemp", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "dqu", withArg: "p", long: { directory: "d", tmpdir: "p" } });
  if (p.error) return usageError(io, "mktemp", p.error);
  const template = p.operands[0] ?? "tmp.XXXXXXXXXX";
  const dir = typeof p.opts.get("p") === "string" ? (p.opts.get("p") as string) : template.includes("/") ? "" : "/tmp";
  const xs = /X{3,}$/.exec(template);
  if (!xs) return fail(io, "mktemp", `too few X's in template '${template}'`);
  tempCounter++;
  const suffix = (tempCounter.toString(36) + "simtmp0000000000").slice(0, xs[0].length);
  const name = template.slice(0, template.length - xs[0].length) + suffix;
  const path = abs(io, dir === "" ? name : `${dir}/${name}`);
  if (p.opts.has("d")) {
    m.fs.mkdirp(path, 0o700);
    m.fs.chown(path, io.user, io.user);
  } else writeFileFor(m, io, "mktemp", path, "", 0o600);
  io.stdout(path + "\n");
  return 0;
});

export const FILE_TOOLS: Record<string, NodeCommand> = { cat, tee, mkdir, rm, cp, mv, install, chmod, chown, ln, ls, touch, stat, mktemp };
