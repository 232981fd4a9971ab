// tar -x / -t and gzip / gunzip / zcat, on the node's filesystem.
import { gunzipSync, gzipSync } from "node:zlib";
import { mayChangeEntry, parentOf } from "../access";
import type { NodeCommand } from "../types";
import { abs, fail, readFileFor, tool, writeFileFor } from "./common";
import { entryReplaced } from "../textBusy";
import { TarError, isGzip, readTar } from "./tarReader";

interface TarArgs {
  mode?: "x" | "t" | "c";
  file?: string;
  dir?: string;
  gzip: boolean;
  verbose: boolean;
  strip: number;
  members: string[];
  error?: string;
}

function parseTarArgs(args: string[]): TarArgs {
  const r: TarArgs = { gzip: false, verbose: false, strip: 0, members: [] };
  const queue = [...args];
  // Old-style first argument without a dash ("tar xzf file").
  if (queue[0] && !queue[0].startsWith("-") && /^[xtczvfC]+$/.test(queue[0])) queue[0] = "-" + queue[0];
  while (queue.length > 0) {
    const a = queue.shift() as string;
    if (a.startsWith("--")) {
      const [name, value] = a.slice(2).split("=", 2);
      if (name === "strip-components") r.strip = Number(value ?? queue.shift());
      else if (name === "directory") r.dir = value ?? queue.shift();
      else if (name === "file") r.file = value ?? queue.shift();
      else if (name === "extract" || name === "get") r.mode = "x";
      else if (name === "list") r.mode = "t";
      else if (name === "gzip" || name === "gunzip" || name === "ungzip") r.gzip = true;
      else if (name === "verbose") r.verbose = true;
      else if (["no-same-owner", "no-same-permissions", "overwrite", "warning", "preserve-permissions", "same-owner"].includes(name)) continue;
      else return { ...r, error: `unrecognized option '${a}'` };
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let i = 1; i < a.length; i++) {
        const f = a[i];
        if (f === "x" || f === "t" || f === "c") r.mode = f;
        else if (f === "z") r.gzip = true;
        else if (f === "v") r.verbose = true;
        else if (f === "o" || f === "p" || f === "m") continue;
        else if (f === "f" || f === "C") {
          const value = i + 1 < a.length ? a.slice(i + 1) : queue.shift();
          if (value === undefined) return { ...r, error: `option requires an argument -- '${f}'` };
          if (f === "f") r.file = value;
          else r.dir = value;
          break;
        } else return { ...r, error: `invalid option -- '${f}'` };
      }
      continue;
    }
    r.members.push(a);
  }
  return r;
}

const tar: NodeCommand = tool("tar", async (argv, io, m) => {
  const a = parseTarArgs(argv.slice(1));
  if (a.error) {
    io.stderr(`tar: ${a.error}\nTry 'tar --help' or 'tar --usage' for more information.\n`);
    return 2;
  }
  if (!a.mode) {
    io.stderr("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
    return 2;
  }
  if (a.mode === "c") return fail(io, "tar", "creating archives is not supported by the simulator", 2);
  let input: Buffer;
  try {
    input = a.file === undefined || a.file === "-" ? io.stdin : readFileFor(m, io, "tar", a.file);
  } catch (e) {
    io.stderr(`${e instanceof Error ? e.message.replace(/^tar: (.*): No such file or directory$/, "tar: $1: Cannot open: No such file or directory") : String(e)}\ntar: Error is not recoverable: exiting now\n`);
    return 2;
  }
  if (a.gzip && !isGzip(input)) {
    io.stderr("\ngzip: stdin: not in gzip format\ntar: Child returned status 1\ntar: Error is not recoverable: exiting now\n");
    return 2;
  }
  let entries;
  try {
    entries = readTar(input);
  } catch (e) {
    io.stderr(`tar: ${e instanceof TarError ? e.message : String(e)}\ntar: Exiting with failure status due to previous errors\n`);
    return 2;
  }
  const dest = abs(io, a.dir ?? ".");
  if (a.mode === "x") {
    const st = m.fs.stat(dest);
    if (!st || st.type !== "dir") {
      io.stderr(`tar: ${a.dir ?? "."}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n`);
      return 2;
    }
  }
  let code = 0;
  for (const e of entries) {
    const parts = e.path.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.length <= a.strip) {
      if (a.mode === "t" && a.strip === 0) io.stdout(`${e.path}\n`);
      continue;
    }
    const rel = parts.slice(a.strip).join("/");
    if (a.members.length > 0 && !a.members.some((mem) => rel === mem || rel.startsWith(mem.replace(/\/$/, "") + "/"))) continue;
    if (a.mode === "t") {
      io.stdout(`${e.path}\n`);
      continue;
    }
    if (a.verbose) io.stdout(`${e.path}\n`);
    const target = `${dest}/${rel}`;
    if (!mayChangeEntry(m.fs, target, io.user) && !m.fs.exists(parentOf(target))) {
      io.stderr(`tar: ${rel}: Cannot open: Permission denied\n`);
      code = 2;
      continue;
    }
    if (e.type === "dir") {
      m.fs.mkdirp(target, e.mode || 0o755);
      continue;
    }
    if (e.type === "other") continue;
    m.fs.mkdirp(parentOf(target));
    try {
      // GNU tar unlinks an existing file before it extracts over it: a running executable is no obstacle.
      entryReplaced(m, abs(io, target));
      writeFileFor(m, io, "tar", target, e.type === "symlink" ? "" : e.data, e.mode || 0o644);
      // Like GNU tar run by root: modes from the archive, owner the extracting user.
      m.fs.chmod(target, e.mode || 0o644);
    } catch (err) {
      io.stderr(`tar: ${rel}: Cannot open: ${err instanceof Error ? err.message.split(": ").pop() : String(err)}\n`);
      code = 2;
    }
  }
  if (code !== 0) io.stderr("tar: Exiting with failure status due to previous errors\n");
  return code;
});

function gzipTool(name: "gzip" | "gunzip" | "zcat"): NodeCommand {
  return tool(name, async (argv, io, m) => {
    const flags = argv.slice(1).filter((x) => x.startsWith("-") && x !== "-");
    const files = argv.slice(1).filter((x) => !x.startsWith("-") || x === "-");
    const decompress = name !== "gzip" || flags.some((f) => /^-[a-z]*d/.test(f) || f === "--decompress");
    const toStdout = name === "zcat" || flags.some((f) => /^-[a-z]*c/.test(f) || f === "--stdout");
    const keep = flags.some((f) => /^-[a-z]*k/.test(f) || f === "--keep");
    const force = flags.some((f) => /^-[a-z]*f/.test(f));
    const convert = (data: Buffer, shown: string): Buffer | undefined => {
      if (!decompress) return gzipSync(data);
      if (!isGzip(data)) {
        io.stderr(`${name === "gzip" ? "gzip" : name}: ${shown}: not in gzip format\n`);
        return undefined;
      }
      return gunzipSync(data);
    };
    if (files.length === 0 || (files.length === 1 && files[0] === "-")) {
      const r = convert(io.stdin, "stdin");
      if (!r) return 1;
      io.stdout(r);
      return 0;
    }
    let code = 0;
    for (const f of files) {
      const data = readFileFor(m, io, name, f);
      if (decompress && !toStdout && !f.endsWith(".gz")) {
        io.stderr(`gzip: ${f}: unknown suffix -- ignored\n`);
        code = 2;
        continue;
      }
      const r = convert(data, f);
      if (!r) {
        code = 1;
        continue;
      }
      if (toStdout) {
        io.stdout(r);
        continue;
      }
      const target = decompress ? f.slice(0, -3) : `${f}.gz`;
      if (m.fs.exists(abs(io, target)) && !force) {
        io.stderr(`gzip: ${target} already exists; not overwritten\n`);
        code = 2;
        continue;
      }
      writeFileFor(m, io, name, target, r);
      if (!keep) m.fs.remove(abs(io, f));
    }
    return code;
  });
}

export const ARCHIVE_TOOLS: Record<string, NodeCommand> = { tar, gzip: gzipTool("gzip"), gunzip: gzipTool("gunzip"), zcat: gzipTool("zcat") };
