// Helpers shared by the base tools: GNU-style option parsing, path resolution and permission-checked
// file access that prints the same messages coreutils prints.
import { allowed, mayWriteFile, resolvePath } from "../access";
import { FsError, errnoText } from "../fs";
import type { CommandIO, NodeCommand, NodeMachine } from "../types";

export interface OptSpec {
  /** Short flags without argument, e.g. "prf". */
  flags?: string;
  /** Short options taking an argument, e.g. "m". */
  withArg?: string;
  /** Long options: name → short alias or "flag" / "arg". */
  long?: Record<string, string>;
}

export interface ParsedOpts {
  opts: Map<string, string | true>;
  operands: string[];
  error?: string;
}

export function parseOpts(args: string[], spec: OptSpec): ParsedOpts {
  const opts = new Map<string, string | true>();
  const operands: string[] = [];
  const flags = spec.flags ?? "";
  const withArg = spec.withArg ?? "";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const kind = spec.long?.[name];
      if (kind === undefined) return { opts, operands, error: `unrecognized option '${a}'` };
      const key = kind.length === 1 ? kind : name;
      const needsArg = kind === "arg" || (kind.length === 1 && withArg.includes(kind));
      if (needsArg) {
        const value = eq < 0 ? args[++i] : a.slice(eq + 1);
        if (value === undefined) return { opts, operands, error: `option '--${name}' requires an argument` };
        opts.set(key, value);
      } else opts.set(key, true);
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if (withArg.includes(f)) {
          const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (value === undefined) return { opts, operands, error: `option requires an argument -- '${f}'` };
          opts.set(f, value);
          break;
        }
        if (!flags.includes(f)) return { opts, operands, error: `invalid option -- '${f}'` };
        opts.set(f, true);
      }
      continue;
    }
    operands.push(a);
  }
  return { opts, operands };
}

export function out(io: CommandIO, text: string | Buffer): void {
  io.stdout(text);
}

/** Print `tool: message` (plus a usage hint) to stderr and return `code`. */
export function fail(io: CommandIO, tool: string, message: string, code = 1): number {
  io.stderr(`${tool}: ${message}\n`);
  return code;
}

export function usageError(io: CommandIO, tool: string, message: string, code = 1): number {
  io.stderr(`${tool}: ${message}\nTry '${tool} --help' for more information.\n`);
  return code;
}

export function abs(io: CommandIO, path: string): string {
  return resolvePath(io.cwd, path);
}

export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** Read a file for `tool` with coreutils' wording on failure ("cat: x: No such file or directory"). */
export function readFileFor(machine: NodeMachine, io: CommandIO, tool: string, path: string): Buffer {
  if (path === "-") return io.stdin;
  if (path === "/dev/null") return Buffer.alloc(0);
  const p = abs(io, path);
  const st = machine.fs.stat(p);
  if (!st) throw new ToolError(`${tool}: ${path}: No such file or directory`);
  if (st.type === "dir") throw new ToolError(`${tool}: ${path}: Is a directory`);
  if (!allowed(machine.fs, p, io.user, "r")) throw new ToolError(`${tool}: ${path}: Permission denied`);
  return machine.fs.read(p) ?? Buffer.alloc(0);
}

/** Write (create or replace) a file as the command's user; new files are owned by that user. */
export function writeFileFor(machine: NodeMachine, io: CommandIO, tool: string, path: string, data: Buffer | string, mode?: number): void {
  const p = abs(io, path);
  if (!mayWriteFile(machine.fs, p, io.user)) throw new ToolError(`${tool}: ${path}: Permission denied`);
  try {
    const existed = machine.fs.exists(p);
    machine.fs.write(p, data, existed ? {} : { mode: mode ?? 0o644, owner: io.user, group: io.user });
  } catch (e) {
    if (e instanceof FsError) throw new ToolError(`${tool}: ${path}: ${errnoText(e.code)}`);
    throw e;
  }
}

/** Wrap a tool so that ToolError / FsError become a message on stderr and exit status 1. */
export function tool(name: string, body: NodeCommand): NodeCommand {
  return async (argv, io, machine) => {
    try {
      return await body(argv, io, machine);
    } catch (e) {
      if (e instanceof ToolError) {
        io.stderr(e.message + "\n");
        return 1;
      }
      if (e instanceof FsError) {
        io.stderr(`${name}: ${e.path}: ${errnoText(e.code)}\n`);
        return 1;
      }
      throw e;
    }
  };
}

export function parseMode(text: string, current = 0): number | undefined {
  if (/^[0-7]{1,4}$/.test(text)) return parseInt(text, 8);
  // Symbolic: [ugoa]*[+-=][rwx]+ (comma separated), enough for chmod +x / u+rw,go-w.
  let mode = current;
  for (const clause of text.split(",")) {
    const m = /^([ugoa]*)([+\-=])([rwxX]*)$/.exec(clause);
    if (!m) return undefined;
    const who = m[1] === "" || m[1].includes("a") ? "ugo" : m[1];
    let bits = 0;
    for (const p of m[3]) bits |= p === "r" ? 4 : p === "w" ? 2 : 1;
    let mask = 0;
    for (const w of who) mask |= bits << (w === "u" ? 6 : w === "g" ? 3 : 0);
    if (m[2] === "+") mode |= mask;
    else if (m[2] === "-") mode &= ~mask;
    else {
      let clear = 0;
      for (const w of who) clear |= 7 << (w === "u" ? 6 : w === "g" ? 3 : 0);
      mode = (mode & ~clear) | mask;
    }
  }
  return mode;
}

export function textLines(buf: Buffer): string[] {
  const text = buf.toString("utf8");
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
