// Programs that start another command or shell: sudo, sh / bash, env, timeout, nohup. They are
// files on the node like any other tool, but need the interpreter to run what they are given.
import { getUser, hasPasswordlessSudo } from "../users";
import type { Builtin, ExecContext } from "./interpreter";
import { DEFAULT_PATH, applySetOptions, childState, newState } from "./state";

const err = (ctx: ExecContext, text: string): void => ctx.streams.err(Buffer.from(text));

const sudo: Builtin = async (argv, ctx) => {
  const fs = ctx.interp.machine.fs;
  let target = "root";
  let keepEnv = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-")) break;
    if (a === "-u") target = argv[++i] ?? "";
    else if (a.startsWith("-u")) target = a.slice(2);
    else if (a === "-E" || a === "--preserve-env") keepEnv = true;
    else if (/^-[nHSiE]+$/.test(a)) keepEnv = keepEnv || a.includes("E");
    else {
      err(ctx, `sudo: invalid option -- '${a.replace(/^-+/, "")}'\nusage: sudo [-u user] [-E] command [arg ...]\n`);
      return 1;
    }
  }
  const rest = argv.slice(i);
  if (rest.length === 0) {
    err(ctx, "usage: sudo -h | -K | -k | -V\nusage: sudo [-u user] [-E] command [arg ...]\n");
    return 1;
  }
  if (!hasPasswordlessSudo(fs, ctx.state.user)) {
    err(ctx, "sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required\n");
    return 1;
  }
  const account = getUser(fs, target);
  if (!account) {
    err(ctx, `sudo: unknown user ${target}\nsudo: error initializing audit plugin sudoers_audit\n`);
    return 1;
  }
  // sudo resets the environment (env_reset) unless -E; secure_path from /etc/sudoers then replaces PATH,
  // both to find the command and in the command's environment, even with -E (sudoers(5): secure_path,
  // env_reset). `sudo env PATH=... cmd` is how a caller hands the command another PATH.
  const env: Record<string, string> = keepEnv ? { ...ctx.env } : { TERM: ctx.env.TERM ?? "dumb", LANG: ctx.env.LANG ?? "C.UTF-8" };
  Object.assign(env, { PATH: securePath(ctx), HOME: account.home, USER: target, LOGNAME: target, SUDO_USER: ctx.state.user, SHELL: account.shell });
  const state = newState({ user: target, home: account.home, env, cwd: ctx.state.cwd, arg0: "bash" });
  // sudo executes a program: builtins such as cd are not found (sudo: cd: command not found).
  const resolved = ctx.interp.resolve(rest[0], state, env.PATH);
  if (resolved.kind === "error") {
    err(ctx, resolved.code === 127 ? `sudo: ${rest[0]}: command not found\n` : `sudo: ${resolved.message.replace(/^bash: /, "")}\n`);
    return resolved.code === 127 ? 1 : resolved.code;
  }
  return ctx.interp.runArgv(rest, state, ctx.streams, env, { builtins: false });
};

function securePath(ctx: ExecContext): string {
  const sudoers = ctx.interp.machine.fs.read("/etc/sudoers")?.toString("utf8") ?? "";
  const m = /^Defaults\s+secure_path\s*=\s*"?([^"\n]+)"?/m.exec(sudoers);
  // Without secure_path sudo keeps the invoking user's PATH (sudoers(5), "Command environment").
  return m ? m[1].trim() : (ctx.env.PATH ?? DEFAULT_PATH);
}

/** sh / bash: -c STRING [arg0 args], FILE [args], or the script on standard input (-s or no FILE). */
const shell: Builtin = async (argv, ctx) => {
  const name = argv[0].split("/").pop() ?? "bash";
  const opts = { errexit: false, nounset: false, xtrace: false, pipefail: false };
  let command: string | undefined;
  let fromStdin = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (a === "-c") {
      command = argv[++i];
      if (command === undefined) {
        err(ctx, `${name}: -c: option requires an argument\n`);
        return 2;
      }
      continue;
    }
    if (a === "-s") {
      fromStdin = true;
      continue;
    }
    if (a === "-l" || a === "--login" || a === "--noprofile" || a === "--norc" || a === "-i") continue;
    if (/^[-+][euxo]+$/.test(a) || a === "-o" || a === "+o") {
      const probe = { ...ctx.state, ...opts, args: [] as string[] };
      const set = a.includes("o") ? [a, argv[++i] ?? ""] : [a];
      const msg = applySetOptions(probe, set);
      if (msg) {
        err(ctx, `${name}: ${msg}\n`);
        return 2;
      }
      Object.assign(opts, { errexit: probe.errexit, nounset: probe.nounset, xtrace: probe.xtrace, pipefail: probe.pipefail });
      continue;
    }
    if (/^-[a-zA-Z]+$/.test(a)) {
      err(ctx, `${name}: ${a}: invalid option\n`);
      return 2;
    }
    break;
  }
  const rest = argv.slice(i);
  let source: string;
  let arg0 = name;
  let args = rest;
  if (command !== undefined) {
    source = command;
    arg0 = rest[0] ?? name;
    args = rest.slice(1);
  } else if (fromStdin || rest.length === 0) {
    source = ctx.streams.stdin.take().toString("utf8");
  } else {
    const file = rest[0];
    const content = ctx.interp.machine.fs.read(file.startsWith("/") ? file : `${ctx.state.cwd}/${file}`);
    if (content === undefined) {
      err(ctx, `${name}: ${file}: No such file or directory\n`);
      return 127;
    }
    source = content.toString("utf8");
    arg0 = file;
    args = rest.slice(1);
  }
  const child = childState(ctx.state, { env: ctx.env, arg0, args });
  Object.assign(child, opts);
  // Debian's /bin/sh is dash (the dash package's /bin/sh link); bash is bash.
  child.dialect = name === "bash" ? "bash" : "dash";
  return ctx.interp.runSource(source, child, ctx.streams);
};

const env: Builtin = async (argv, ctx) => {
  const vars: Record<string, string> = { ...ctx.env };
  let i = 1;
  let cleared = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-i" || a === "-") {
      cleared = true;
      for (const k of Object.keys(vars)) delete vars[k];
    } else if (a === "-u") delete vars[argv[++i] ?? ""];
    else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
      const eq = a.indexOf("=");
      vars[a.slice(0, eq)] = a.slice(eq + 1);
    } else break;
  }
  const rest = argv.slice(i);
  if (rest.length === 0) {
    ctx.streams.out(Buffer.from(Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join("")));
    return 0;
  }
  const state = childState(ctx.state, { env: vars, arg0: "bash", args: [] });
  if (cleared) state.vars.set("PATH", vars.PATH ?? DEFAULT_PATH);
  const resolved = ctx.interp.resolve(rest[0], state, vars.PATH ?? DEFAULT_PATH);
  if (resolved.kind === "error") {
    err(ctx, `env: '${rest[0]}': No such file or directory\n`);
    return 127;
  }
  return ctx.interp.runArgv(rest, state, ctx.streams, vars, { builtins: false });
};

/** timeout DURATION CMD...: the simulator's commands are bounded already; runs CMD. */
const timeout: Builtin = async (argv, ctx) => {
  let i = 1;
  while (argv[i]?.startsWith("-")) i += argv[i] === "-s" || argv[i] === "-k" ? 2 : 1;
  if (argv[i] === undefined || !/^\d+(\.\d+)?[smhd]?$/.test(argv[i])) {
    err(ctx, "Usage: timeout [OPTION] DURATION COMMAND [ARG]...\n");
    return 125;
  }
  const rest = argv.slice(i + 1);
  if (rest.length === 0) {
    err(ctx, "timeout: missing operand\n");
    return 125;
  }
  return ctx.interp.runArgv(rest, ctx.state, ctx.streams, ctx.env, { builtins: false });
};

const nohup: Builtin = async (argv, ctx) => {
  if (argv.length < 2) {
    err(ctx, "nohup: missing operand\n");
    return 125;
  }
  return ctx.interp.runArgv(argv.slice(1), ctx.state, ctx.streams, ctx.env, { builtins: false });
};

export const SHELL_TOOLS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ["sudo", sudo],
  ["sh", shell],
  ["bash", shell],
  ["dash", shell],
  ["env", env],
  ["timeout", timeout],
  ["nohup", nohup],
]);
