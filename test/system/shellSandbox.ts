// A sandbox that runs one shell script both in a real shell (Debian's dash or bash) and in the
// simulator's shell, so only shell-level semantics are compared: what the script prints, its exit
// status, and the argv (and standard input) every stubbed program receives.
//
// Stubs: each name in `stubs` is a program that appends `argv <name> <arg1> <arg2>...` to $ARGV_LOG
// (and, for the programs that read standard input, `stdin<...>`), then exits $STUB_EXIT (default 0).
// The real side gets a /bin/sh script per name; the simulator gets a stand-in file per name whose
// tool is `argv`, implemented below with the same rules.
import { spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { NodeCommand } from "../../simulator/node/types";
import { populateBaseImage, standInHeader } from "../../simulator/node/baseImage";
import { SimMachine } from "../../simulator/node/machine";
import { SimCommandTable } from "../../simulator/node/table";
import { installBaseTools } from "../../simulator/node/tools";
import { addUser, authorizeKeys } from "../../simulator/node/users";
import { AuditLog, Fabric, Faults, bootSpec, fastClock } from "../unit/simulator-node/helpers";

export interface Outcome {
  stdout: string;
  code: number;
  /** Lines the stubs logged. */
  argv: string;
  stderr: string;
}

export interface Case {
  script: string;
  stdin?: string;
  /** Files created in the working directory first (name → content). */
  files?: Record<string, string>;
  /**
   * Absolute files (path → content, or null for a directory) created on both sides first. They must
   * lie under the sandbox's `prefix`: a script run here as root must never touch this machine's /etc.
   */
  absolute?: Record<string, string | null>;
}

/** Whether a stub reads its standard input: tee, `cat` without operands, and sudo/env wrapping them or a shell's -s. */
function readsStdin(name: string, args: string[]): boolean {
  if (name === "tee") return true;
  if (name === "cat") return args.length === 0;
  if (name === "sudo" || name === "env") {
    const rest = args.filter((a) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(a) && !a.startsWith("-"));
    const prog = (rest[0] ?? "").split("/").pop() ?? "";
    return prog === "tee" || ((prog === "bash" || prog === "sh") && args.includes("-s"));
  }
  return false;
}

const STUB_SCRIPT = `#!/bin/sh
name=\${0##*/}
{ printf 'argv <%s>' "$name"; for a in "$@"; do printf ' <%s>' "$a"; done; printf '\\n'; } >> "$ARGV_LOG"
reads=no
case "$name" in
  tee) reads=yes ;;
  cat) [ $# -eq 0 ] && reads=yes ;;
  sudo|env)
    prog=
    for a in "$@"; do
      case "$a" in -*|*=*) ;; *) prog=\${a##*/}; break ;; esac
    done
    case "$prog" in
      tee) reads=yes ;;
      bash|sh) for a in "$@"; do [ "$a" = -s ] && reads=yes; done ;;
    esac ;;
esac
if [ $reads = yes ]; then { printf 'stdin<'; /bin/cat; printf '>\\n'; } >> "$ARGV_LOG"; fi
exit \${STUB_EXIT:-0}
`;

/** The simulator's side of the stubs: the same log lines, in the simulator's filesystem. */
const argvTool: NodeCommand = async (argv, io, machine) => {
  const name = argv[0].split("/").pop() ?? argv[0];
  const log = io.env.ARGV_LOG ?? "/tmp/argv.log";
  let line = `argv <${name}>` + argv.slice(1).map((a) => ` <${a}>`).join("") + "\n";
  if (readsStdin(name, argv.slice(1))) line += `stdin<${io.stdin.toString("utf8")}>\n`;
  machine.fs.append(log, Buffer.from(line));
  return Number(io.env.STUB_EXIT ?? "0");
};

export class ShellSandbox {
  private readonly root = mkdtempSync(join(tmpdir(), "shdiff-"));
  private n = 0;

  /** `stubs`: program names replaced by argv loggers. */
  constructor(private readonly stubs: readonly string[] = []) {}

  /** A directory path (the same string on both sides) standing in for `/opt/bin` etc. */
  get prefix(): string {
    return join(this.root, "abs");
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Run in a real shell binary (dash or bash) with `-c`. */
  real(shell: string, c: Case, env: Record<string, string> = {}): Outcome {
    const dir = join(this.root, `real-${this.n++}`);
    const work = join(dir, "work");
    const stubDir = join(dir, "stubs");
    mkdirSync(work, { recursive: true });
    mkdirSync(stubDir, { recursive: true });
    for (const s of this.stubs) this.writeStub(join(stubDir, s));
    // A fresh prefix per run: nothing one case created there is seen by the next.
    rmSync(this.prefix, { recursive: true, force: true });
    for (const p of this.absoluteStubs()) {
      mkdirSync(p.slice(0, p.lastIndexOf("/")), { recursive: true });
      this.writeStub(p);
    }
    for (const [name, content] of Object.entries(c.files ?? {})) writeFileSync(join(work, name), content);
    for (const [path, content] of Object.entries(c.absolute ?? {})) {
      if (!path.startsWith(`${this.prefix}/`)) throw new Error(`sandbox: ${path} is outside ${this.prefix}`);
      if (content === null) mkdirSync(path, { recursive: true });
      else {
        mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
        writeFileSync(path, content);
      }
    }
    const log = join(dir, "argv.log");
    writeFileSync(log, "");
    const r = spawnSync(shell, ["-c", c.script], {
      // $0 as on the node: dash runs as /bin/sh, bash as the login shell.
      argv0: shell.endsWith("dash") ? "sh" : "bash",
      cwd: work,
      input: c.stdin ?? "",
      encoding: "utf8",
      timeout: 5000,
      env: { PATH: this.stubs.length > 0 ? stubDir : "/usr/bin:/bin", HOME: "/home/cloud", ARGV_LOG: log, LANG: "C.UTF-8", LC_ALL: "C.UTF-8", ...env },
    });
    return { stdout: r.stdout, code: r.status ?? -1, argv: readFileSync(log, "utf8"), stderr: r.stderr };
  }

  /**
   * Run in the simulator's shell, as user cloud in a fresh work directory: as an SSH command line
   * (the login shell, bash), or with `shell: "sh"` through the node's `sh -c` (dash). The sandbox's
   * files belong to the test's user on this machine, so scripts that write them run as root there.
   */
  async sim(c: Case, env: Record<string, string> = {}, shell: "bash" | "sh" = "bash", user = "cloud"): Promise<Outcome> {
    const m = this.machine();
    const work = "/home/cloud/work";
    m.fs.mkdir(work, 0o755, "cloud", "cloud");
    for (const [name, content] of Object.entries(c.files ?? {})) m.fs.write(`${work}/${name}`, content, { owner: "cloud", group: "cloud", mode: 0o644 });
    for (const [path, content] of Object.entries(c.absolute ?? {})) {
      if (content === null) m.fs.mkdirp(path);
      else {
        m.fs.mkdirp(path.slice(0, path.lastIndexOf("/")));
        m.fs.write(path, content);
      }
    }
    m.fs.write("/tmp/argv.log", "", { owner: "cloud", group: "cloud", mode: 0o666 });
    const path = this.stubs.length > 0 ? "/stubs" : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    const line = shell === "sh" ? `cd ${work} || exit 99\n/bin/sh -c "$SHDIFF_SCRIPT"` : `cd ${work} || exit 99\n${c.script}`;
    const r = await m.run(line, {
      user,
      stdin: Buffer.from(c.stdin ?? ""),
      env: { PATH: path, ARGV_LOG: "/tmp/argv.log", ...env, ...(shell === "sh" ? { SHDIFF_SCRIPT: c.script } : {}) },
    });
    return { stdout: r.stdout, code: r.code, argv: m.fs.read("/tmp/argv.log")?.toString("utf8") ?? "", stderr: r.stderr };
  }

  /** Stubs named by absolute path under the prefix (e.g. `<prefix>/opt/bin/kubeadm`). */
  private absoluteStubs(): string[] {
    return ["opt/bin/kubeadm", "opt/bin/kubectl"].map((p) => `${this.prefix}/${p}`);
  }

  private writeStub(path: string): void {
    writeFileSync(path, STUB_SCRIPT);
    chmodSync(path, 0o755);
  }

  private machine(): SimMachine {
    const table = new SimCommandTable();
    installBaseTools(table);
    table.register("argv", argvTool);
    const m = new SimMachine(bootSpec(), {
      clock: fastClock(),
      audit: new AuditLog(),
      faults: new Faults(),
      fabric: new Fabric(),
      table,
      isoReader: async () => new Map(),
      isoPath: () => null,
    });
    populateBaseImage(m.fs, "node-1");
    addUser(m.fs, { name: "cloud", shell: "/bin/bash", groups: ["sudo"], sudo: ["ALL=(ALL) NOPASSWD:ALL"] });
    authorizeKeys(m.fs, "cloud", []);
    const stubFile = standInHeader("argv");
    m.fs.mkdir("/stubs");
    for (const s of this.stubs) m.fs.write(`/stubs/${s}`, stubFile, { owner: "root", group: "root", mode: 0o755 });
    for (const p of this.absoluteStubs()) {
      m.fs.mkdirp(p.slice(0, p.lastIndexOf("/")));
      m.fs.write(p, stubFile, { owner: "root", group: "root", mode: 0o755 });
    }
    return m;
  }
}
