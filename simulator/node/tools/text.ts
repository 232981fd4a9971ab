// Text tools: printf, head, tail, grep, wc, sed (s/// only), awk ('{print $N}' only), base64,
// sha256sum, cut, sort, tr.
import { createHash } from "node:crypto";
import type { CommandIO, NodeCommand, NodeMachine } from "../types";
import { unescape } from "./echo";
import { ToolError, fail, parseOpts, readFileFor, textLines, tool, usageError, writeFileFor } from "./common";

function inputs(m: NodeMachine, io: CommandIO, name: string, files: string[]): { name: string; data: Buffer }[] {
  if (files.length === 0) return [{ name: "-", data: io.stdin }];
  return files.map((f) => ({ name: f, data: readFileFor(m, io, name, f) }));
}

const printf: NodeCommand = tool("printf", async (argv, io) => {
  if (argv.length < 2) return usageError(io, "printf", "missing operand");
  const format = argv[1];
  const args = argv.slice(2);
  let outText = "";
  let ai = 0;
  // The format is reused while arguments remain, as printf(1) does.
  do {
    outText += unescape(format).replace(/%([-0-9.]*)([sdq%bx])/g, (_m, width: string, conv: string) => {
      if (conv === "%") return "%";
      const a = args[ai++] ?? "";
      let v: string;
      if (conv === "d") v = String(Number.parseInt(a || "0", 10) || 0);
      else if (conv === "x") v = (Number.parseInt(a || "0", 10) || 0).toString(16);
      else if (conv === "b") v = unescape(a);
      else if (conv === "q") v = /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
      else v = a;
      const w = Number.parseInt(width.replace(/^-/, ""), 10);
      if (Number.isFinite(w)) v = width.startsWith("-") ? v.padEnd(w) : v.padStart(w);
      return v;
    });
  } while (ai > 0 && ai < args.length);
  io.stdout(outText);
  return 0;
});

function countArg(p: ReturnType<typeof parseOpts>, argv: string[]): number | undefined {
  const n = p.opts.get("n");
  if (typeof n === "string") return Number.parseInt(n.replace(/^\+/, ""), 10);
  const legacy = argv.find((a) => /^-\d+$/.test(a));
  return legacy ? Number(legacy.slice(1)) : 10;
}

const head: NodeCommand = tool("head", async (argv, io, m) => {
  const args = argv.slice(1).filter((a) => !/^-\d+$/.test(a));
  const p = parseOpts(args, { flags: "qv", withArg: "nc", long: { lines: "n", bytes: "c" } });
  if (p.error) return usageError(io, "head", p.error);
  const n = countArg(p, argv);
  if (n === undefined || Number.isNaN(n)) return fail(io, "head", "invalid number of lines");
  for (const input of inputs(m, io, "head", p.operands)) {
    const c = p.opts.get("c");
    if (typeof c === "string") io.stdout(input.data.subarray(0, Number(c)));
    else io.stdout(textLines(input.data).slice(0, n).map((l) => l + "\n").join(""));
  }
  return 0;
});

const tail: NodeCommand = tool("tail", async (argv, io, m) => {
  const args = argv.slice(1).filter((a) => !/^-\d+$/.test(a));
  const p = parseOpts(args, { flags: "qvfF", withArg: "nc", long: { lines: "n", bytes: "c", follow: "f" } });
  if (p.error) return usageError(io, "tail", p.error);
  const nText = p.opts.get("n");
  const fromStart = typeof nText === "string" && nText.startsWith("+");
  const n = countArg(p, argv);
  if (n === undefined || Number.isNaN(n)) return fail(io, "tail", "invalid number of lines");
  for (const input of inputs(m, io, "tail", p.operands)) {
    const lines = textLines(input.data);
    const picked = fromStart ? lines.slice(Math.max(0, n - 1)) : n === 0 ? [] : lines.slice(-n);
    io.stdout(picked.map((l) => l + "\n").join(""));
  }
  return 0;
});

const grep: NodeCommand = tool("grep", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "qwcvEFilnhsroH", withArg: "e", long: { quiet: "q", count: "c", "invert-match": "v", "extended-regexp": "E", "fixed-strings": "F", "ignore-case": "i", silent: "q" } });
  if (p.error) return usageError(io, "grep", p.error, 2);
  const operands = [...p.operands];
  const e = p.opts.get("e");
  const pattern = typeof e === "string" ? e : operands.shift();
  if (pattern === undefined) {
    io.stderr("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  let source = p.opts.has("F") ? pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : p.opts.has("E") ? posixClasses(pattern) : basicToExtended(pattern);
  if (p.opts.has("w")) source = `(?<![\\w])(?:${source})(?![\\w])`;
  let re: RegExp;
  try {
    re = new RegExp(source, p.opts.has("i") ? "i" : "");
  } catch {
    return fail(io, "grep", "Invalid regular expression", 2);
  }
  let matched = false;
  let code = 0;
  const files = operands;
  for (const f of files.length === 0 ? ["-"] : files) {
    let data: Buffer;
    try {
      data = f === "-" ? io.stdin : readFileFor(m, io, "grep", f);
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      if (!p.opts.has("s")) io.stderr(err.message + "\n");
      code = 2;
      continue;
    }
    let count = 0;
    const prefix = files.length > 1 && !p.opts.has("h") ? `${f}:` : "";
    textLines(data).forEach((line, i) => {
      const hit = re.test(line) !== p.opts.has("v");
      if (!hit) return;
      count++;
      matched = true;
      if (p.opts.has("q") || p.opts.has("c")) return;
      if (p.opts.has("o")) {
        const mm = line.match(new RegExp(re.source, re.flags + "g")) ?? [];
        for (const x of mm) io.stdout(`${prefix}${x}\n`);
        return;
      }
      io.stdout(`${prefix}${p.opts.has("n") ? `${i + 1}:` : ""}${line}\n`);
    });
    if (p.opts.has("c") && !p.opts.has("q")) io.stdout(`${prefix}${count}\n`);
    if (p.opts.has("q") && matched) return 0;
  }
  if (code === 2 && !matched) return 2;
  return matched ? 0 : 1;
});

const POSIX_CLASSES: Record<string, string> = {
  space: "\\s", blank: " \\t", digit: "0-9", alpha: "A-Za-z", alnum: "A-Za-z0-9", upper: "A-Z", lower: "a-z",
  punct: "!-\\/:-@\\[-`{-~", xdigit: "0-9A-Fa-f",
};

/** [[:space:]] and friends, which JavaScript regular expressions lack. */
function posixClasses(re: string): string {
  return re.replace(/\[:([a-z]+):\]/g, (all, name: string) => POSIX_CLASSES[name] ?? all);
}

/** POSIX basic regular expressions: \( \) \{ \} \| \+ \? are the operators; bare ones are literal. */
function basicToExtended(breIn: string): string {
  const bre = posixClasses(breIn);
  let out = "";
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i];
    if (c === "\\" && i + 1 < bre.length) {
      const n = bre[++i];
      out += "(){}|+?".includes(n) ? n : "\\" + n;
    } else if ("(){}|+?".includes(c)) out += "\\" + c;
    else out += c;
  }
  return out;
}

const wc: NodeCommand = tool("wc", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "lcwm", long: { lines: "l", bytes: "c", words: "w" } });
  if (p.error) return usageError(io, "wc", p.error);
  const all = !p.opts.has("l") && !p.opts.has("c") && !p.opts.has("w") && !p.opts.has("m");
  for (const input of inputs(m, io, "wc", p.operands)) {
    const text = input.data.toString("utf8");
    const cols: number[] = [];
    if (all || p.opts.has("l")) cols.push((text.match(/\n/g) ?? []).length);
    if (all || p.opts.has("w")) cols.push(text.split(/\s+/).filter((w) => w !== "").length);
    if (all || p.opts.has("c") || p.opts.has("m")) cols.push(input.data.length);
    const label = input.name === "-" ? "" : ` ${input.name}`;
    io.stdout(cols.map((c) => (cols.length > 1 ? String(c).padStart(7) : String(c))).join(" ") + label + "\n");
  }
  return 0;
});

/** One sed s command: s<d>regex<d>replacement<d>flags (flags g, i, a number). */
function parseSubstitution(script: string, extended = false): { re: RegExp; replacement: string; global: boolean } | undefined {
  if (!script.startsWith("s") || script.length < 4) return undefined;
  const d = script[1];
  const parts: string[] = [];
  let cur = "";
  for (let i = 2; i < script.length; i++) {
    const c = script[i];
    if (c === "\\" && script[i + 1] === d) {
      cur += d;
      i++;
    } else if (c === d) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  if (parts.length !== 3) return undefined;
  const [pattern, replacement, flags] = parts;
  try {
    const re = new RegExp(extended ? posixClasses(pattern) : basicToExtended(pattern), (flags.includes("g") ? "g" : "") + (flags.includes("i") || flags.includes("I") ? "i" : ""));
    return { re, replacement, global: flags.includes("g") };
  } catch {
    return undefined;
  }
}

function sedReplace(line: string, s: { re: RegExp; replacement: string }): string {
  return line.replace(s.re, (...groups: unknown[]) => {
    const match = String(groups[0]);
    return s.replacement.replace(/\\(\d)|&|\\n|\\&/g, (tok) => {
      if (tok === "&") return match;
      if (tok === "\\&") return "&";
      if (tok === "\\n") return "\n";
      const g = groups[Number(tok.slice(1))];
      return typeof g === "string" ? g : "";
    });
  });
}

const sed: NodeCommand = tool("sed", async (argv, io, m) => {
  const scripts: string[] = [];
  const operands: string[] = [];
  let inPlace = false;
  let extended = false;
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-e" || a === "--expression") {
      const v = args[++i];
      if (v === undefined) return usageError(io, "sed", "option requires an argument -- 'e'");
      scripts.push(v);
    } else if (a.startsWith("--expression=")) scripts.push(a.slice(13));
    else if (a === "-i" || a === "--in-place" || /^-i\S+$/.test(a) || a.startsWith("--in-place=")) inPlace = true;
    else if (a === "-E" || a === "-r" || a === "--regexp-extended") extended = true;
    else if (a === "-n" || a === "--quiet" || a === "-s" || a === "-u") continue;
    else if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    else if (a.startsWith("-") && a.length > 1) return usageError(io, "sed", `invalid option -- '${a.slice(1)}'`);
    else operands.push(a);
  }
  if (scripts.length === 0) {
    const first = operands.shift();
    if (first === undefined) return usageError(io, "sed", "no script specified");
    scripts.push(first);
  }
  const commands = scripts.flatMap((script) => script.split(/;\s*(?=s)|\n/)).filter((x) => x.trim() !== "").map((x) => parseSedCommand(x.trim(), extended));
  const bad = commands.findIndex((x) => x === undefined);
  if (bad >= 0) return fail(io, "sed", `-e expression #${bad + 1}, char ${scripts[Math.min(bad, scripts.length - 1)].length}: the simulator's sed supports s///, d and c\\ with /regex/ addresses only`);
  const apply = (text: string): string => runSed(text, commands as SedCommand[]);
  if (inPlace) {
    if (operands.length === 0) return fail(io, "sed", "no input files");
    for (const f of operands) {
      const data = readFileFor(m, io, "sed", f);
      writeFileFor(m, io, "sed", f, apply(data.toString("utf8")));
    }
    return 0;
  }
  for (const input of inputs(m, io, "sed", operands)) io.stdout(apply(input.data.toString("utf8")));
  return 0;
});

type SedCommand =
  | { kind: "s"; sub: { re: RegExp; replacement: string; global: boolean } }
  | { kind: "d" | "c"; start: RegExp; end?: RegExp; text: string };

function parseSedCommand(cmd: string, extended: boolean): SedCommand | undefined {
  if (cmd.startsWith("s")) {
    const sub = parseSubstitution(cmd, extended);
    return sub ? { kind: "s", sub } : undefined;
  }
  const m = /^\/((?:[^/\\]|\\.)*)\/(?:,\/((?:[^/\\]|\\.)*)\/)?\s*(d|c\\?)(.*)$/s.exec(cmd);
  if (!m) return undefined;
  const toRe = (p: string): RegExp => new RegExp(extended ? posixClasses(p) : basicToExtended(p));
  try {
    return { kind: m[3] === "d" ? "d" : "c", start: toRe(m[1]), ...(m[2] !== undefined ? { end: toRe(m[2]) } : {}), text: m[4].replace(/^\n/, "") };
  } catch {
    return undefined;
  }
}

/** Line-wise: ranges start at a line matching `start` and end at the next line matching `end`. */
function runSed(text: string, commands: SedCommand[]): string {
  const lines = text.split("\n");
  const trailingNewline = lines[lines.length - 1] === "";
  if (trailingNewline) lines.pop();
  const inRange = commands.map(() => false);
  const out: string[] = [];
  for (const original of lines) {
    let line: string | undefined = original;
    for (let i = 0; i < commands.length && line !== undefined; i++) {
      const c = commands[i];
      if (c.kind === "s") {
        line = sedReplace(line, c.sub);
        continue;
      }
      let selected = false;
      let rangeEnds = true;
      if (inRange[i]) {
        selected = true;
        if (c.end?.test(line)) inRange[i] = false;
        else rangeEnds = false;
      } else if (c.start.test(line)) {
        selected = true;
        if (c.end && !c.end.test(line)) {
          inRange[i] = true;
          rangeEnds = false;
        }
      }
      if (!selected) continue;
      if (c.kind === "c" && rangeEnds) out.push(c.text);
      line = undefined;
    }
    if (line !== undefined) out.push(line);
  }
  return out.join("\n") + (trailingNewline || out.length > 0 ? (trailingNewline ? "\n" : "") : "");
}

const awk: NodeCommand = tool("awk", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { withArg: "F" });
  if (p.error) return usageError(io, "awk", p.error, 2);
  const [program, ...files] = p.operands;
  const mm = /^\s*\{\s*print\s+((?:\$\d+\s*,?\s*)+)\}\s*$/.exec(program ?? "");
  if (!mm) return fail(io, "awk", "the simulator's awk supports only '{print $N[, $M...]}'", 2);
  const fields = [...mm[1].matchAll(/\$(\d+)/g)].map((x) => Number(x[1]));
  const sepOpt = p.opts.get("F");
  const sep = typeof sepOpt === "string" ? sepOpt : undefined;
  for (const input of inputs(m, io, "awk", files)) {
    for (const line of textLines(input.data)) {
      const cols = sep === undefined ? line.trim().split(/\s+/) : line.split(sep);
      io.stdout(fields.map((f) => (f === 0 ? line : cols[f - 1] ?? "")).join(" ") + "\n");
    }
  }
  return 0;
});

const base64: NodeCommand = tool("base64", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "di", withArg: "w", long: { decode: "d", wrap: "w" } });
  if (p.error) return usageError(io, "base64", p.error);
  const [input] = inputs(m, io, "base64", p.operands);
  if (p.opts.has("d")) {
    const text = input.data.toString("utf8").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return fail(io, "base64", "invalid input");
    io.stdout(Buffer.from(text, "base64"));
    return 0;
  }
  const wrap = typeof p.opts.get("w") === "string" ? Number(p.opts.get("w")) : 76;
  const enc = input.data.toString("base64");
  const lines = wrap > 0 ? enc.match(new RegExp(`.{1,${wrap}}`, "g")) ?? [] : [enc];
  io.stdout(lines.join("\n") + "\n");
  return 0;
});

const sha256sum: NodeCommand = tool("sha256sum", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "bc" });
  if (p.error) return usageError(io, "sha256sum", p.error);
  for (const input of inputs(m, io, "sha256sum", p.operands)) {
    io.stdout(`${createHash("sha256").update(input.data).digest("hex")}  ${input.name}\n`);
  }
  return 0;
});

const cut: NodeCommand = tool("cut", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { withArg: "df", long: { delimiter: "d", fields: "f" } });
  if (p.error) return usageError(io, "cut", p.error);
  const f = p.opts.get("f");
  if (typeof f !== "string") return usageError(io, "cut", "you must specify a list of bytes, characters, or fields");
  const d = typeof p.opts.get("d") === "string" ? (p.opts.get("d") as string) : "\t";
  const wanted = f.split(",").map(Number);
  for (const input of inputs(m, io, "cut", p.operands)) {
    for (const line of textLines(input.data)) io.stdout(wanted.map((i) => line.split(d)[i - 1] ?? "").filter((x, i) => x !== "" || i === 0).join(d) + "\n");
  }
  return 0;
});

const sort: NodeCommand = tool("sort", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "urn" });
  if (p.error) return usageError(io, "sort", p.error, 2);
  let lines = inputs(m, io, "sort", p.operands).flatMap((i) => textLines(i.data));
  lines.sort(p.opts.has("n") ? (a, b) => parseFloat(a) - parseFloat(b) : undefined);
  if (p.opts.has("r")) lines.reverse();
  if (p.opts.has("u")) lines = [...new Set(lines)];
  io.stdout(lines.map((l) => l + "\n").join(""));
  return 0;
});

const tr: NodeCommand = tool("tr", async (argv, io) => {
  const del = argv[1] === "-d";
  const sets = argv.slice(del ? 2 : 1);
  const expand = (s: string): string => unescape(s).replace(/(.)-(.)/g, (_x, a: string, b: string) => {
    let r = "";
    for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) r += String.fromCharCode(c);
    return r;
  });
  const text = io.stdin.toString("utf8");
  if (del) {
    const set = expand(sets[0] ?? "");
    io.stdout([...text].filter((c) => !set.includes(c)).join(""));
    return 0;
  }
  if (sets.length < 2) return usageError(io, "tr", "missing operand");
  const from = expand(sets[0]);
  const to = expand(sets[1]);
  io.stdout([...text].map((c) => (from.includes(c) ? to[Math.min(from.indexOf(c), to.length - 1)] : c)).join(""));
  return 0;
});

export const TEXT_TOOLS: Record<string, NodeCommand> = { printf, head, tail, grep, wc, sed, awk, base64, sha256sum, cut, sort, tr };
