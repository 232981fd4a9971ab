// Runs parsed command lines on a machine: expansion, redirections, pipelines, && / ||, set -e and
// pipefail, builtins, then command lookup on the node's PATH. A file found there names the tool that
// implements it in its stand-in header; `#!` files run as scripts through this same interpreter.
import { textBusy } from "../textBusy";
import type { CommandIO, NodeCommand, NodeMachine } from "../types";
import { allowed, mayWriteFile, resolvePath } from "../access";
import { FsError, errnoText } from "../fs";
import { type AndOrList, type Command, type CompoundCommand, type Pipeline, type Redirection, type Script, type SimpleCommand, type Word, isCompound } from "./ast";
import { expandGlob, hasGlob, shellPatternRegex } from "./glob";
import { ShellSyntaxError, parseScript } from "./parser";
import { type ShellState, childState, dialectStatus, exportedEnv } from "./state";
import { Collector, ExitSignal, LoopSignal, ReturnSignal, type Sink, StdinSource, type Streams, toBuffer } from "./streams";

/** What a command found on disk resolves to. */
export type Resolved =
  | { kind: "tool"; tool: string; version?: string; path: string }
  | { kind: "script"; path: string }
  | { kind: "error"; code: number; message: string };

/** The context a builtin or shell-aware tool runs in. */
export interface ExecContext {
  state: ShellState;
  streams: Streams;
  /** The environment the command sees (exported variables plus `FOO=bar cmd` assignments). */
  env: Record<string, string>;
  interp: Interpreter;
}

export type Builtin = (argv: string[], ctx: ExecContext) => Promise<number>;

export interface ShellHost {
  readonly machine: NodeMachine;
  tool(name: string): NodeCommand | undefined;
  /** Tools that need the interpreter itself (sudo, sh, bash, env). */
  shellTool(name: string): Builtin | undefined;
  builtin(name: string): Builtin | undefined;
}

const STAND_IN = /^#\s*([\w.+-]+)(?:\s+v?(\d[^\s]*))?\s*\(cloudstack-sim stand-in\)/;

/** `# kubeadm v1.31.4 (cloudstack-sim stand-in)` → { tool: "kubeadm", version: "1.31.4" }. */
export function parseStandIn(content: Buffer): { tool: string; version?: string } | undefined {
  const firstLine = content.subarray(0, 200).toString("utf8").split("\n")[0];
  const m = STAND_IN.exec(firstLine);
  if (!m) return undefined;
  return m[2] ? { tool: m[1], version: m[2] } : { tool: m[1] };
}

export class Interpreter {
  constructor(readonly host: ShellHost) {}

  get machine(): NodeMachine {
    return this.host.machine;
  }

  /** Parse and run `source`; `exit` and `set -e` end it with their code. Syntax errors exit 2. */
  async runSource(source: string, state: ShellState, streams: Streams): Promise<number> {
    let script: Script;
    try {
      script = parseScript(source);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        streams.err(Buffer.from(`${state.arg0}: ${e.message}\n`));
        state.status = 2;
        return 2;
      }
      throw e;
    }
    try {
      return await this.runScript(script, state, streams);
    } catch (e) {
      if (e instanceof ExitSignal) {
        state.status = e.code;
        return e.code;
      }
      // break / continue outside a loop: bash ignores them.
      if (e instanceof LoopSignal) return state.status;
      if (e instanceof ReturnSignal) {
        state.status = e.code;
        return e.code;
      }
      throw e;
    }
  }

  async runScript(script: Script, state: ShellState, streams: Streams): Promise<number> {
    for (const item of script) {
      if (streams.signal.aborted) throw new ExitSignal(130);
      const { status, checked } = await this.runAndOr(item, state, streams);
      state.status = status;
      if (state.errexit && !state.errexitIgnored && status !== 0 && !checked) throw new ExitSignal(status);
    }
    return state.status;
  }

  /** `checked`: the status came from a position set -e ignores (left of && / ||, or negated). */
  private async runAndOr(list: AndOrList, state: ShellState, streams: Streams): Promise<{ status: number; checked: boolean }> {
    // set -e is ignored for every command of an AND-OR list but the last, and under `!`, including
    // everything those commands run (POSIX XCU 2.14 `set -e`; dash and bash agree).
    const run = (p: Pipeline, checked: boolean): Promise<number> => (checked ? this.errexitIgnored(state, () => this.runPipeline(p, state, streams)) : this.runPipeline(p, state, streams));
    let checked = list.first.negate || list.rest.length > 0;
    let status = await run(list.first, checked);
    let last = list.first;
    for (let i = 0; i < list.rest.length; i++) {
      const { op, pipeline } = list.rest[i];
      state.status = status;
      if ((op === "&&" && status !== 0) || (op === "||" && status === 0)) continue;
      checked = pipeline.negate || i < list.rest.length - 1;
      last = pipeline;
      status = await run(pipeline, checked);
    }
    // A lone compound command applied set -e to its own commands already; its status may come from
    // one where set -e is ignored (`if c; then ! true; fi`), and then the shell goes on (dash, bash).
    if (last.commands.length === 1 && isCompound(last.commands[0])) checked = true;
    return { status, checked };
  }

  private async errexitIgnored<T>(state: ShellState, fn: () => Promise<T>): Promise<T> {
    state.errexitIgnored = (state.errexitIgnored ?? 0) + 1;
    try {
      return await fn();
    } finally {
      state.errexitIgnored = (state.errexitIgnored ?? 1) - 1;
    }
  }

  private async runPipeline(p: Pipeline, state: ShellState, streams: Streams): Promise<number> {
    let stdin = streams.stdin;
    const statuses: number[] = [];
    for (let i = 0; i < p.commands.length; i++) {
      const last = i === p.commands.length - 1;
      const collector = new Collector();
      const out: Sink = last ? streams.out : collector.sink;
      const stage = this.runCommand(p.commands[i], state, { ...streams, stdin, out }, p.commands.length > 1);
      // Each stage of a real pipeline is a subshell: its `exit` (or set -e) ends the stage, not the shell.
      statuses.push(p.commands.length > 1 ? await stage.catch((e: unknown) => exitCodeOf(e)) : await stage);
      if (!last) stdin = new StdinSource(collector.buffer());
    }
    let status = statuses[statuses.length - 1];
    if (state.pipefail) status = [...statuses].reverse().find((s) => s !== 0) ?? 0;
    if (p.negate) status = status === 0 ? 1 : 0;
    state.status = status;
    return status;
  }

  private async runCommand(cmd: Command, state: ShellState, streams: Streams, inPipeline: boolean): Promise<number> {
    if (!isCompound(cmd)) return this.runSimple(cmd, state, streams, inPipeline);
    const io = await this.applyRedirections(cmd.redirections, state, streams);
    if (typeof io === "number") return io;
    const effective = inPipeline ? { ...state, vars: new Map(state.vars), exported: new Set(state.exported) } : state;
    return this.runCompound(cmd, effective, io);
  }

  /** A condition list: set -e does not apply inside it (as in bash). */
  private async runCondition(script: Script, state: ShellState, streams: Streams): Promise<number> {
    return this.errexitIgnored(state, () => this.runScript(script, state, streams));
  }

  private async runCompound(cmd: CompoundCommand, state: ShellState, streams: Streams): Promise<number> {
    if (cmd.kind === "function") {
      state.functions.set(cmd.name, cmd.body);
      return 0;
    }
    if (cmd.kind === "group") return this.runScript(cmd.body, state, streams);
    if (cmd.kind === "case") {
      const value = (await this.expandWord(cmd.word, state, streams, false)).join("");
      for (const item of cmd.items) {
        for (const p of item.patterns) {
          const pattern = await this.expandPattern(p, state, streams);
          if (casePattern(pattern).test(value)) return this.runScript(item.body, state, streams);
        }
      }
      return 0;
    }
    if (cmd.kind === "if") {
      for (const branch of cmd.branches) {
        if ((await this.runCondition(branch.condition, state, streams)) === 0) return this.runScript(branch.body, state, streams);
      }
      return cmd.otherwise ? this.runScript(cmd.otherwise, state, streams) : 0;
    }
    let status = 0;
    const loopBody = async (): Promise<"break" | "next"> => {
      try {
        status = await this.runScript(cmd.body, state, streams);
      } catch (e) {
        if (!(e instanceof LoopSignal)) throw e;
        if (e.levels > 1) throw new LoopSignal(e.kind, e.levels - 1);
        status = 0;
        if (e.kind === "break") return "break";
      }
      return "next";
    };
    if (cmd.kind === "for") {
      const values: string[] = [];
      if (cmd.words) for (const w of cmd.words) values.push(...(await this.expandWord(w, state, streams)));
      else values.push(...state.args);
      for (const v of values) {
        if (streams.signal.aborted) throw new ExitSignal(130);
        state.vars.set(cmd.name, v);
        if ((await loopBody()) === "break") break;
      }
      return status;
    }
    for (;;) {
      if (streams.signal.aborted) throw new ExitSignal(130);
      const c = await this.runCondition(cmd.condition, state, streams);
      if ((c === 0) === cmd.until) break;
      if ((await loopBody()) === "break") break;
      // Yield so that a busy loop cannot starve timers (sleeps, aborts).
      await new Promise<void>((r) => setImmediate(r));
    }
    return status;
  }

  private async runSimple(cmd: SimpleCommand, state: ShellState, streams: Streams, inPipeline: boolean): Promise<number> {
    // Per state (not per interpreter: sessions run concurrently), so a name-less command knows whether
    // its own expansions ran a command substitution.
    state.lastSubstitutionStatus = undefined;
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await this.expandWord(w, state, streams)));
    const assignments: Record<string, string> = {};
    for (const a of cmd.assignments) assignments[a.name] = (await this.expandWord(a.value, state, streams, false)).join(" ");

    const io = await this.applyRedirections(cmd.redirections, state, streams);
    if (typeof io === "number") return io;

    if (argv.length === 0) {
      for (const [k, v] of Object.entries(assignments)) state.vars.set(k, v);
      // POSIX XCU 2.9.1: with no command name, the status is the last command substitution's, else 0
      // (`r=$(exit 3); echo $?` prints 3 in dash and bash).
      return state.lastSubstitutionStatus ?? 0;
    }
    if (state.xtrace) io.err(Buffer.from(`+ ${argv.join(" ")}\n`));
    const env = exportedEnv(state, assignments);
    // A pipeline stage cannot change the parent shell (bash runs it in a subshell).
    const effective = inPipeline ? { ...state, vars: new Map(state.vars), exported: new Set(state.exported) } : state;
    return this.runArgv(argv, effective, io, env);
  }

  /** Run a command by argv: builtins first, then the PATH. */
  async runArgv(argv: string[], state: ShellState, streams: Streams, env?: Record<string, string>, opts: { builtins?: boolean } = {}): Promise<number> {
    const ctx: ExecContext = { state, streams, env: env ?? exportedEnv(state), interp: this };
    const name = argv[0];
    const fn = opts.builtins === false ? undefined : state.functions.get(name);
    if (fn) return this.callFunction(fn, argv, state, streams);
    const builtin = opts.builtins === false ? undefined : this.host.builtin(name);
    if (builtin) return builtin(argv, ctx);
    const resolved = this.resolve(name, state, ctx.env.PATH ?? "");
    if (resolved.kind === "error") {
      streams.err(Buffer.from(`${resolved.message}\n`));
      return resolved.code;
    }
    if (resolved.kind === "script") return this.runScriptFile(resolved.path, argv.slice(1), ctx, argv[0]);
    const shellTool = this.host.shellTool(resolved.tool);
    if (shellTool) return shellTool(argv, ctx);
    const tool = this.host.tool(resolved.tool);
    if (!tool) {
      streams.err(Buffer.from(`bash: ${resolved.path}: cannot execute: the simulator has no behaviour for '${resolved.tool}'\n`));
      return 126;
    }
    return this.callTool(tool, argv, ctx, resolved.version);
  }

  private async callFunction(body: CompoundCommand, argv: string[], state: ShellState, streams: Streams): Promise<number> {
    const saved = state.args;
    state.args = argv.slice(1);
    try {
      return await this.runCompound(body, state, streams);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.code;
      throw e;
    } finally {
      state.args = saved;
    }
  }

  async callTool(tool: NodeCommand, argv: string[], ctx: ExecContext, version?: string): Promise<number> {
    const { streams, state } = ctx;
    const io: CommandIO = {
      get stdin() {
        return streams.stdin.take();
      },
      stdout: (d) => streams.out(toBuffer(d)),
      stderr: (d) => streams.err(toBuffer(d)),
      env: ctx.env,
      cwd: state.cwd,
      user: state.user,
      signal: streams.signal,
      ...(version !== undefined ? { binaryVersion: version } : {}),
    };
    try {
      return await tool(argv, io, this.machine);
    } catch (e) {
      if (e instanceof ExitSignal) throw e;
      if (streams.signal.aborted) return 130;
      const msg = e instanceof FsError ? `${e.path}: ${errnoText(e.code)}` : e instanceof Error ? e.message : String(e);
      streams.err(Buffer.from(`${argv[0]}: ${msg}\n`));
      return 1;
    }
  }

  /** Run a script file in a child shell (bash file.sh, ./file.sh). */
  async runScriptFile(path: string, args: string[], ctx: ExecContext, arg0: string, opts: { errexit?: boolean; xtrace?: boolean } = {}): Promise<number> {
    const fs = this.machine.fs;
    const abs = resolvePath(ctx.state.cwd, path);
    const content = fs.read(abs);
    if (content === undefined) {
      ctx.streams.err(Buffer.from(`bash: ${path}: No such file or directory\n`));
      return 127;
    }
    if (!allowed(fs, abs, ctx.state.user, "r")) {
      ctx.streams.err(Buffer.from(`bash: ${path}: Permission denied\n`));
      return 126;
    }
    const child = childState(ctx.state, { env: ctx.env, arg0, args });
    // `#!/bin/sh` is dash on Debian and Ubuntu; `#!/bin/bash` (and `bash file`) is bash.
    child.dialect = /^#!\s*\S*\/(sh|dash)\b/.test(content.subarray(0, 100).toString("utf8")) ? "dash" : "bash";
    child.errexit = opts.errexit ?? false;
    child.xtrace = opts.xtrace ?? false;
    return this.runSource(content.toString("utf8"), child, ctx.streams);
  }

  resolve(name: string, state: ShellState, pathVar: string): Resolved {
    const fs = this.machine.fs;
    const candidates: string[] = [];
    if (name.includes("/")) candidates.push(resolvePath(state.cwd, name));
    else for (const dir of pathVar.split(":")) if (dir !== "") candidates.push(resolvePath(state.cwd, `${dir}/${name}`));
    for (const path of candidates) {
      const st = fs.stat(path);
      if (!st) continue;
      if (st.type === "dir") {
        if (name.includes("/")) return { kind: "error", code: 126, message: `bash: ${name}: Is a directory` };
        continue;
      }
      if (!allowed(fs, path, state.user, "x")) {
        if (name.includes("/")) return { kind: "error", code: 126, message: `bash: ${name}: Permission denied` };
        continue;
      }
      const content = fs.read(path) ?? Buffer.alloc(0);
      const standIn = parseStandIn(content);
      if (standIn) return { kind: "tool", path, ...standIn };
      if (content.subarray(0, 2).toString() === "#!") {
        const shebang = content.toString("utf8").split("\n")[0];
        if (/\b(ba)?sh\b/.test(shebang)) return { kind: "script", path };
        return { kind: "error", code: 126, message: `bash: ${name}: interpreter not available in the simulator: ${shebang.slice(2).trim()}` };
      }
      return { kind: "error", code: 126, message: `bash: ${name}: cannot execute binary file: Exec format error` };
    }
    if (name.includes("/")) return { kind: "error", code: 127, message: `bash: ${name}: No such file or directory` };
    return { kind: "error", code: 127, message: `bash: ${name}: command not found` };
  }

  private async applyRedirections(redirections: Redirection[], state: ShellState, streams: Streams): Promise<Streams | number> {
    const fds = new Map<number, Sink>([
      [1, streams.out],
      [2, streams.err],
    ]);
    let stdin = streams.stdin;
    const fs = this.machine.fs;
    for (const r of redirections) {
      const fields = r.op === "<<" ? [(await this.expandWord(r.target, state, streams, false)).join("")] : await this.expandWord(r.target, state, streams);
      if (fields.length !== 1) {
        streams.err(Buffer.from(`bash: ${fields.join(" ")}: ambiguous redirect\n`));
        return 1;
      }
      const target = fields[0];
      if (r.op === ">&") {
        if (target === "-") fds.set(r.fd, () => undefined);
        else {
          const sink = fds.get(Number(target));
          if (!sink) {
            streams.err(Buffer.from(`bash: ${target}: Bad file descriptor\n`));
            return 1;
          }
          fds.set(r.fd, sink);
        }
        continue;
      }
      if (r.op === "<<") {
        stdin = new StdinSource(Buffer.from(target));
        continue;
      }
      if (r.op === "<") {
        if (target === "/dev/null") {
          stdin = new StdinSource(Buffer.alloc(0));
          continue;
        }
        const abs = resolvePath(state.cwd, target);
        const st = fs.stat(abs);
        if (!st) return this.redirError(state, streams, target, "No such file or directory");
        if (st.type === "dir") return this.redirError(state, streams, target, "Is a directory");
        if (!allowed(fs, abs, state.user, "r")) return this.redirError(state, streams, target, "Permission denied");
        stdin = new StdinSource(fs.read(abs) ?? Buffer.alloc(0));
        continue;
      }
      const sink = this.openOutput(target, r.op === ">>" || r.op === "&>>", state, fds, streams);
      if (typeof sink === "number") return sink;
      if (r.op === "&>" || r.op === "&>>") {
        fds.set(1, sink);
        fds.set(2, sink);
      } else fds.set(r.fd, sink);
    }
    return { stdin, out: fds.get(1) ?? streams.out, err: fds.get(2) ?? streams.err, signal: streams.signal };
  }

  private openOutput(target: string, append: boolean, state: ShellState, fds: Map<number, Sink>, streams: Streams): Sink | number {
    if (target === "/dev/null") return () => undefined;
    if (target === "/dev/stdout") return fds.get(1) ?? streams.out;
    if (target === "/dev/stderr") return fds.get(2) ?? streams.err;
    const fs = this.machine.fs;
    const abs = resolvePath(state.cwd, target);
    const st = fs.stat(abs);
    if (st?.type === "dir") return this.redirError(state, streams, target, "Is a directory");
    const parent = fs.stat(abs.slice(0, abs.lastIndexOf("/")) || "/");
    if (!st && !parent) return this.redirError(state, streams, target, "No such file or directory");
    if (!mayWriteFile(fs, abs, state.user)) return this.redirError(state, streams, target, "Permission denied");
    // open(2) for writing on a running executable: ETXTBSY (node/textBusy.ts).
    if (textBusy(this.machine, abs)) return this.redirError(state, streams, target, "Text file busy");
    try {
      if (!st) fs.write(abs, "", { mode: 0o644, owner: state.user, group: state.user === "root" ? "root" : state.user });
      else if (!append) fs.write(abs, "");
    } catch (e) {
      if (e instanceof FsError) return this.redirError(state, streams, target, errnoText(e.code));
      throw e;
    }
    return (data) => fs.append(abs, data);
  }

  /** A redirection that cannot be opened fails the command: 1 in bash, 2 in dash (`cannot open`). */
  private redirError(state: ShellState, streams: Streams, target: string, why: string): number {
    streams.err(Buffer.from(`${state.arg0}: ${target}: ${why}\n`));
    return dialectStatus(state, { bash: 1, dash: 2 });
  }

  /**
   * Word expansion: parameters, command substitution, field splitting of unquoted results, globbing.
   * Each field keeps a pattern beside its value in which quoted characters are backslash-escaped, so
   * `"*"` stays literal while an unquoted expansion's `*` globs (POSIX XCU 2.6.6: pathname expansion
   * applies to the fields, quoted characters match only themselves).
   */
  async expandWord(word: Word, state: ShellState, streams: Streams, split = true): Promise<string[]> {
    const fields: { value: string; pattern: string; glob: boolean }[] = [];
    let current = "";
    let pattern = "";
    let glob = false;
    let hasField = false;
    const endField = (): void => {
      fields.push({ value: current, pattern, glob });
      current = "";
      pattern = "";
      glob = false;
      hasField = false;
    };
    const add = (text: string, quoted: boolean): void => {
      current += text;
      if (quoted || !split) pattern += escapeGlob(text);
      else {
        pattern += text.replace(/\\/g, "\\\\");
        if (hasGlob(text)) glob = true;
      }
    };
    const pushSplit = (value: string): void => {
      if (!split) {
        add(value, true);
        hasField = hasField || value !== "";
        return;
      }
      const parts = value.split(/[ \t\n]+/);
      for (let i = 0; i < parts.length; i++) {
        if (i > 0 && hasField) endField();
        if (parts[i] !== "") {
          add(parts[i], false);
          hasField = true;
        }
      }
    };
    for (let idx = 0; idx < word.length; idx++) {
      const seg = word[idx];
      if (seg.kind === "lit") {
        let text = seg.text;
        // Tilde prefix: `~` up to the first unquoted `/`, none of it quoted (POSIX XCU 2.6.1): `~""` stays.
        if (!seg.quoted && idx === 0 && ((text === "~" && word.length === 1) || text.startsWith("~/"))) text = (state.vars.get("HOME") ?? "/root") + text.slice(1);
        add(text, seg.quoted);
        hasField = hasField || seg.quoted || text !== "";
        continue;
      }
      if (seg.kind === "var" && seg.name === "@" && seg.quoted) {
        // "$@": one field per positional parameter.
        state.args.forEach((a, i) => {
          add(a, true);
          hasField = true;
          if (i < state.args.length - 1) endField();
        });
        continue;
      }
      if (seg.kind === "ansic") {
        add(state.dialect === "dash" ? `$${seg.raw}` : ansiC(seg.raw), true);
        hasField = true;
        continue;
      }
      const value =
        seg.kind === "var"
          ? await this.lookupVar(seg, state, streams)
          : seg.kind === "length"
            ? String((await this.lookupVar({ kind: "var", name: seg.name, quoted: true }, state, streams)).length)
            : await this.commandSubstitution(seg.source, state, streams);
      if (seg.quoted) {
        add(value, true);
        hasField = true;
      } else pushSplit(value);
    }
    if (hasField) endField();
    if (!split) return fields.map((f) => f.value);
    const out: string[] = [];
    for (const f of fields) {
      // dash lets `.*` match `.` and `..`; bash 5.2 skips them (its globskipdots option, on by default).
      const matches = f.glob ? expandGlob(this.machine.fs, state.cwd, f.pattern, { dots: state.dialect === "dash" }) : [];
      if (matches.length > 0) out.push(...matches);
      else out.push(f.value);
    }
    return out;
  }

  /**
   * A word as a pattern (case items, ${x#pattern}): unquoted characters and unquoted expansions keep
   * their glob meaning, quoted ones are escaped so they match only themselves (POSIX XCU 2.13.1).
   */
  async expandPattern(word: Word, state: ShellState, streams: Streams): Promise<string> {
    let pattern = "";
    for (const seg of word) {
      if (seg.kind === "lit") {
        pattern += seg.quoted ? escapeGlob(seg.text) : seg.text;
        continue;
      }
      const value = (await this.expandWord([seg], state, streams, false)).join("");
      pattern += seg.quoted ? escapeGlob(value) : value;
    }
    return pattern;
  }

  private async lookupVar(seg: Extract<Word[number], { kind: "var" }>, state: ShellState, streams: Streams): Promise<string> {
    let value: string | undefined;
    const n = seg.name;
    if (n === "?") value = String(state.status);
    else if (n === "#") value = String(state.args.length);
    else if (n === "@" || n === "*") value = state.args.join(" ");
    else if (n === "$") value = "4242";
    else if (n === "!") value = "";
    else if (n === "-") value = `${state.errexit ? "e" : ""}${state.nounset ? "u" : ""}${state.xtrace ? "x" : ""}hB`;
    else if (n === "0") value = state.arg0;
    else if (/^[1-9]$/.test(n)) value = state.args[Number(n) - 1];
    else value = state.vars.get(n);
    const op = seg.op;
    if (op) {
      const unset = value === undefined || (op.colon && value === "");
      const arg = async (): Promise<string> => (await this.expandWord(op.word, state, streams, false)).join("");
      switch (op.op) {
        case "-":
          if (unset) return arg();
          break;
        case "=":
          if (unset) {
            const v = await arg();
            state.vars.set(n, v);
            return v;
          }
          break;
        case "?":
          if (unset) {
            const msg = await arg();
            streams.err(Buffer.from(`${state.arg0}: ${n}: ${msg === "" ? "parameter null or not set" : msg}\n`));
            // A non-interactive shell exits: bash with 127, dash with 2 (both measured, Debian 12).
            throw new ExitSignal(dialectStatus(state, { bash: 127, dash: 2 }));
          }
          break;
        case "+":
          return unset ? "" : arg();
        default: {
          const pattern = await this.expandPattern(op.word, state, streams);
          return stripPattern(value ?? "", pattern, op.op);
        }
      }
    }
    if (value === undefined) {
      if (state.nounset) {
        streams.err(Buffer.from(`${state.arg0}: ${n}: unbound variable\n`));
        throw new ExitSignal(dialectStatus(state, { bash: 127, dash: 2 }));
      }
      return "";
    }
    return value;
  }

  private async commandSubstitution(source: string, state: ShellState, streams: Streams): Promise<string> {
    const sub: ShellState = { ...state, vars: new Map(state.vars), exported: new Set(state.exported), args: [...state.args] };
    // bash (not in POSIX mode) clears -e in command substitutions; dash keeps it (bash manual, "The Set
    // Builtin" -e and `inherit_errexit`; dash measured).
    if (state.dialect !== "dash") sub.errexit = false;
    const collector = new Collector();
    const status = await this.runSource(source, sub, { ...streams, out: collector.sink });
    state.lastSubstitutionStatus = status;
    // bash updates $? as soon as a substitution ends (`false; echo "$(true)" $?` prints 0); dash keeps the
    // last command's status until the command runs (prints 1). Both measured on Debian 12.
    if (state.dialect !== "dash") state.status = status;
    // Shell variables cannot hold NUL: bash drops them with a warning, dash silently.
    return collector.text().replace(/\0/g, "").replace(/\n+$/, "");
  }
}

/** bash's ANSI-C escapes in $'...' (bash manual, "ANSI-C Quoting"). */
function ansiC(raw: string): string {
  const simple: Record<string, string> = { a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/g, (whole, e: string) => {
    if (e in simple) return simple[e];
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === "u" || e[0] === "U") return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (e[0] === "c" && e.length === 2) return String.fromCharCode(e.charCodeAt(1) & 0x1f);
    return whole;
  });
}

/** The status an ExitSignal carries; anything else is rethrown. */
function exitCodeOf(e: unknown): number {
  if (e instanceof ExitSignal) return e.code;
  throw e;
}

/** `text` with the glob characters and backslashes escaped: it then matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\\]/g, "\\$&");
}

/** A case / parameter pattern (*, ?, [...]) as an anchored regular expression over the whole string. */
export function casePattern(pattern: string): RegExp {
  return shellPatternRegex(pattern);
}

/** ${X#p} ${X##p} ${X%p} ${X%%p}: remove the shortest / longest matching prefix / suffix. */
function stripPattern(value: string, pattern: string, op: "#" | "##" | "%" | "%%"): string {
  const re = casePattern(pattern);
  if (op === "#" || op === "##") {
    const lengths = [...Array(value.length + 1).keys()];
    if (op === "##") lengths.reverse();
    for (const l of lengths) if (re.test(value.slice(0, l))) return value.slice(l);
    return value;
  }
  const starts = [...Array(value.length + 1).keys()];
  if (op === "%") starts.reverse();
  for (const st of starts) if (re.test(value.slice(st))) return value.slice(0, st);
  return value;
}
