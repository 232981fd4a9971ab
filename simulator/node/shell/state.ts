// Per-shell state: variables, positional parameters, options and the working directory.
import type { CompoundCommand } from "./ast";

export interface ShellState {
  vars: Map<string, string>;
  /** Shell functions (not inherited by child shells, as in bash without export -f). */
  functions: Map<string, CompoundCommand>;
  /** Names passed to child commands' environments. */
  exported: Set<string>;
  args: string[];
  arg0: string;
  cwd: string;
  user: string;
  status: number;
  errexit: boolean;
  /**
   * Which shell this is: bash (login shell of the users, so SSH commands) or dash (Debian's /bin/sh, so
   * `sh -c`, `#!/bin/sh` scripts and cloud-init's commands). They differ in exit statuses and echo.
   */
  dialect?: "bash" | "dash";
  /**
   * Depth of contexts where `set -e` is ignored: conditions, non-last commands of && / ||, `!`. A
   * separate count, so a `set -e` run there takes effect once the context ends (POSIX XCU `set -e`).
   */
  errexitIgnored?: number;
  /** Status of the last command substitution (a command with no name takes it, POSIX XCU 2.9.1). */
  lastSubstitutionStatus?: number;
  nounset: boolean;
  pipefail: boolean;
  xtrace: boolean;
}

/**
 * The PATH a command starts with. Debian's OpenSSH is built with
 * --with-default-path=/usr/local/bin:/usr/bin:/bin:/usr/games and
 * --with-superuser-path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
 * (salsa.debian.org/ssh-team/openssh, debian/rules; Debian's /etc/ssh/sshd_config says "This sshd was
 * compiled with PATH=/usr/local/bin:/usr/bin:/bin:/usr/games"); pam_env adds nothing on a stock image (empty
 * /etc/environment), and a non-interactive bash returns early from Debian's ~/.bashrc. Login shells get
 * /etc/profile's (the same, plus /usr/local/games for users; not modelled: `bash -l` keeps these);
 * systemd services (cloud-init) get the superuser value. No /opt/bin on any of them.
 */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
export const USER_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/games";

export function defaultPathFor(user: string): string {
  return user === "root" ? DEFAULT_PATH : USER_PATH;
}

export function newState(opts: { user: string; home: string; env?: Record<string, string>; cwd?: string; arg0?: string; args?: string[] }): ShellState {
  const vars = new Map<string, string>([
    ["PATH", defaultPathFor(opts.user)],
    ["HOME", opts.home],
    ["USER", opts.user],
    ["LOGNAME", opts.user],
    ["SHELL", "/bin/bash"],
    ["LANG", "C.UTF-8"],
  ]);
  for (const [k, v] of Object.entries(opts.env ?? {})) vars.set(k, v);
  const cwd = opts.cwd ?? opts.home;
  vars.set("PWD", cwd);
  return {
    vars,
    functions: new Map(),
    exported: new Set(vars.keys()),
    args: opts.args ?? [],
    arg0: opts.arg0 ?? "bash",
    cwd,
    user: opts.user,
    status: 0,
    errexit: false,
    nounset: false,
    pipefail: false,
    xtrace: false,
  };
}

/** A child shell (script, sh -c): inherits exported variables, cwd and user; fresh options. */
export function childState(parent: ShellState, overrides: { user?: string; env?: Record<string, string>; arg0: string; args: string[] }): ShellState {
  const vars = new Map<string, string>();
  for (const name of parent.exported) {
    const v = parent.vars.get(name);
    if (v !== undefined) vars.set(name, v);
  }
  for (const [k, v] of Object.entries(overrides.env ?? {})) vars.set(k, v);
  return {
    vars,
    functions: new Map(),
    exported: new Set(vars.keys()),
    args: overrides.args,
    arg0: overrides.arg0,
    cwd: parent.cwd,
    user: overrides.user ?? parent.user,
    status: 0,
    errexit: false,
    nounset: false,
    pipefail: false,
    xtrace: false,
  };
}

export function exportedEnv(state: ShellState, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of state.exported) {
    const v = state.vars.get(name);
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...extra };
}

/** `set -euo pipefail`, `set +e`, `set -x`: returns an error message for unknown options. */
export function applySetOptions(state: ShellState, args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      state.args = args.slice(i + 1);
      return undefined;
    }
    if (!/^[-+]/.test(a) || a.length < 2) {
      state.args = args.slice(i);
      return undefined;
    }
    const on = a[0] === "-";
    for (let j = 1; j < a.length; j++) {
      const flag = a[j];
      if (flag === "e") state.errexit = on;
      else if (flag === "u") state.nounset = on;
      else if (flag === "x") state.xtrace = on;
      else if (flag === "o") {
        const name = args[++i];
        if (name === "pipefail") state.pipefail = on;
        else if (name === "errexit") state.errexit = on;
        else if (name === "nounset") state.nounset = on;
        else if (name === "xtrace") state.xtrace = on;
        else return `set: ${name ?? ""}: invalid option name`;
      } else if (flag === "v" || flag === "h" || flag === "B" || flag === "f") {
        // accepted and ignored
      } else {
        return `set: -${flag}: invalid option`;
      }
    }
  }
  return undefined;
}

/** The status of an error that bash and dash report with different codes. */
export function dialectStatus(state: ShellState, codes: { bash: number; dash: number }): number {
  return state.dialect === "dash" ? codes.dash : codes.bash;
}
