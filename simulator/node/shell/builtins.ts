// Shell builtins: what changes the shell itself (cd, export, set, exit) plus echo and test, which
// bash also runs without a PATH lookup.
import { allowed, resolvePath } from "../access";
import { evaluateTest } from "../tools/testExpr";
import { dashEchoOutput, echoOutput } from "../tools/echo";
import type { Builtin } from "./interpreter";
import { applySetOptions, dialectStatus } from "./state";
import { ExitSignal, LoopSignal, ReturnSignal } from "./streams";

const say = (ctx: Parameters<Builtin>[1], text: string): void => ctx.streams.out(Buffer.from(text));
const complain = (ctx: Parameters<Builtin>[1], text: string): void => ctx.streams.err(Buffer.from(text));

/** cd that fails: status 1 in bash, 2 in dash ("can't cd to"). */
const cdFailed = (ctx: Parameters<Builtin>[1]): number => dialectStatus(ctx.state, { bash: 1, dash: 2 });

/**
 * A special builtin's error (shift, `.`): bash reports it and goes on with status 1; dash, as POSIX
 * requires of a non-interactive shell (XCU 2.8.1), exits with 2.
 */
function specialBuiltinError(ctx: Parameters<Builtin>[1], message: string): number {
  complain(ctx, message);
  if (ctx.state.dialect === "dash") throw new ExitSignal(2);
  return 1;
}

const cd: Builtin = async (argv, ctx) => {
  const fs = ctx.interp.machine.fs;
  const target = argv[1] === undefined || argv[1] === "~" ? (ctx.state.vars.get("HOME") ?? "/") : argv[1] === "-" ? (ctx.state.vars.get("OLDPWD") ?? ctx.state.cwd) : argv[1];
  const abs = resolvePath(ctx.state.cwd, target);
  const st = fs.stat(abs);
  if (!st) {
    complain(ctx, `bash: cd: ${target}: No such file or directory\n`);
    return cdFailed(ctx);
  }
  if (st.type !== "dir") {
    complain(ctx, `bash: cd: ${target}: Not a directory\n`);
    return cdFailed(ctx);
  }
  if (!allowed(fs, abs, ctx.state.user, "x")) {
    complain(ctx, `bash: cd: ${target}: Permission denied\n`);
    return cdFailed(ctx);
  }
  ctx.state.vars.set("OLDPWD", ctx.state.cwd);
  ctx.state.cwd = abs;
  ctx.state.vars.set("PWD", abs);
  return 0;
};

const exportBuiltin: Builtin = async (argv, ctx) => {
  for (const arg of argv.slice(1)) {
    if (arg === "-p" || arg === "-n") continue;
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      complain(ctx, `bash: export: \`${arg}': not a valid identifier\n`);
      return 1;
    }
    if (eq >= 0) ctx.state.vars.set(name, arg.slice(eq + 1));
    ctx.state.exported.add(name);
  }
  return 0;
};

const unset: Builtin = async (argv, ctx) => {
  for (const name of argv.slice(1)) {
    if (name.startsWith("-")) continue;
    ctx.state.vars.delete(name);
    ctx.state.exported.delete(name);
  }
  return 0;
};

const exit: Builtin = async (argv, ctx) => {
  const code = argv[1] === undefined ? ctx.state.status : Number(argv[1]);
  // dash takes only unsigned numbers ("Illegal number: -1", status 2); bash masks -1 to 255.
  if (!Number.isInteger(code) || (ctx.state.dialect === "dash" && !/^\d+$/.test(argv[1] ?? "0"))) {
    complain(ctx, `bash: exit: ${argv[1]}: numeric argument required\n`);
    throw new ExitSignal(2);
  }
  throw new ExitSignal(code & 255);
};

const set: Builtin = async (argv, ctx) => {
  if (argv.length === 1) {
    for (const [k, v] of [...ctx.state.vars].sort()) say(ctx, `${k}=${v}\n`);
    return 0;
  }
  const err = applySetOptions(ctx.state, argv.slice(1));
  if (err) {
    complain(ctx, `bash: ${err}\n`);
    return 2;
  }
  return 0;
};

const shift: Builtin = async (argv, ctx) => {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 0 || n > ctx.state.args.length) return specialBuiltinError(ctx, `${ctx.state.arg0}: shift: can't shift that many\n`);
  ctx.state.args = ctx.state.args.slice(n);
  return 0;
};

export const testBuiltin: Builtin = async (argv, ctx) => {
  let args = argv.slice(1);
  if (argv[0] === "[") {
    if (args[args.length - 1] !== "]") {
      complain(ctx, "bash: [: missing `]'\n");
      return 2;
    }
    args = args.slice(0, -1);
  }
  const r = evaluateTest(args, { fs: ctx.interp.machine.fs, cwd: ctx.state.cwd, user: ctx.state.user });
  if (r.error) complain(ctx, `bash: ${argv[0]}: ${r.error}\n`);
  return r.code;
};

const echo: Builtin = async (argv, ctx) => {
  say(ctx, ctx.state.dialect === "dash" ? dashEchoOutput(argv.slice(1)) : echoOutput(argv.slice(1)));
  return 0;
};

const source: Builtin = async (argv, ctx) => {
  if (argv[1] === undefined) {
    complain(ctx, `bash: ${argv[0]}: filename argument required\n`);
    return 2;
  }
  const fs = ctx.interp.machine.fs;
  const abs = resolvePath(ctx.state.cwd, argv[1]);
  const content = fs.read(abs);
  if (content === undefined) return specialBuiltinError(ctx, `${ctx.state.arg0}: ${argv[1]}: No such file or directory\n`);
  // Sourcing runs in the current shell: variables and options it sets stay.
  const saved = ctx.state.args;
  if (argv.length > 2) ctx.state.args = argv.slice(2);
  try {
    return await ctx.interp.runSource(content.toString("utf8"), ctx.state, ctx.streams);
  } finally {
    ctx.state.args = saved;
  }
};

const command: Builtin = async (argv, ctx) => {
  if (argv[1] === "-v" || argv[1] === "-V") {
    let code = 0;
    for (const name of argv.slice(2)) {
      if (BUILTINS.has(name) || ctx.state.functions.has(name)) {
        say(ctx, `${name}\n`);
        continue;
      }
      const r = ctx.interp.resolve(name, ctx.state, ctx.env.PATH ?? "");
      if (r.kind === "error") code = 1;
      else say(ctx, `${r.path}\n`);
    }
    return code;
  }
  const rest = argv.slice(1);
  if (rest.length === 0) return 0;
  return ctx.interp.runArgv(rest, ctx.state, ctx.streams, ctx.env);
};

function loopControl(kind: "break" | "continue"): Builtin {
  return async (argv, ctx) => {
    const levels = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(levels) || levels < 1) {
      complain(ctx, `bash: ${kind}: ${argv[1]}: loop count out of range\n`);
      return 1;
    }
    throw new LoopSignal(kind, levels);
  };
}

/** read [-r] [-p prompt] NAME...: one line from stdin, split into the names (the last takes the rest). */
const read: Builtin = async (argv, ctx) => {
  const names: string[] = [];
  let raw = false;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === "-r") raw = true;
    else if (argv[i] === "-p" || argv[i] === "-t") i++;
    else if (argv[i] === "-s") continue;
    else names.push(argv[i]);
  }
  if (names.length === 0) names.push("REPLY");
  const line = ctx.streams.stdin.takeLine();
  if (line === undefined) {
    for (const n of names) ctx.state.vars.set(n, "");
    return 1;
  }
  const text = raw ? line : line.replace(/\\(.)/g, "$1");
  const fields = text.trim().split(/[ \t]+/);
  names.forEach((n, i) => ctx.state.vars.set(n, i === names.length - 1 ? fields.slice(i).join(" ") : (fields[i] ?? "")));
  return 0;
};

const returnBuiltin: Builtin = async (argv, ctx) => {
  const code = argv[1] === undefined ? ctx.state.status : Number(argv[1]);
  throw new ReturnSignal(Number.isInteger(code) ? code & 255 : 2);
};

/** local: plain assignment (the simulator's functions share the caller's variables; documented limit). */
const local: Builtin = async (argv, ctx) => {
  for (const arg of argv.slice(1)) {
    if (arg.startsWith("-")) continue;
    const eq = arg.indexOf("=");
    if (eq < 0) {
      if (!ctx.state.vars.has(arg)) ctx.state.vars.set(arg, "");
    } else ctx.state.vars.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  return 0;
};

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ["return", returnBuiltin],
  ["local", local],
  ["read", read],
  ["break", loopControl("break")],
  ["continue", loopControl("continue")],
  ["cd", cd],
  ["export", exportBuiltin],
  ["unset", unset],
  ["exit", exit],
  ["set", set],
  ["shift", shift],
  ["test", testBuiltin],
  ["[", testBuiltin],
  ["echo", echo],
  ["true", async () => 0],
  ["false", async () => 1],
  [":", async () => 0],
  ["source", source],
  [".", source],
  ["command", command],
]);
