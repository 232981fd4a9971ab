// System tools: identity and host info, sleep, kernel modules, sysctl, swap, systemd and the journal.
import { evaluateTest } from "./testExpr";
import { echoOutput } from "./echo";
import { sim } from "../machine";
import { BUILTIN_UNITS, UNIT_DIRS, journal, lastResults, serviceState, startFailureMessage, startService, stopService, unitExists } from "../services";
import { unitName } from "../table";
import type { NodeCommand, NodeMachine } from "../types";
import { getUser, groupsOf } from "../users";
import { fail, parseOpts, tool, usageError } from "./common";

const sleep: NodeCommand = tool("sleep", async (argv, io, m) => {
  if (argv.length < 2) return usageError(io, "sleep", "missing operand");
  let total = 0;
  for (const a of argv.slice(1)) {
    const mm = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(a);
    if (!mm) return usageError(io, "sleep", `invalid time interval '${a}'`);
    const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[mm[2] as "" | "s" | "m" | "h" | "d"];
    total += Number(mm[1]) * unit * 1000;
  }
  await m.clock.sleep(total, io.signal);
  return 0;
});

const id: NodeCommand = tool("id", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "ugnG" });
  if (p.error) return usageError(io, "id", p.error);
  const name = p.operands[0] ?? io.user;
  const u = getUser(m.fs, name);
  if (!u) return fail(io, "id", `'${name}': no such user`);
  if (p.opts.has("u")) io.stdout(p.opts.has("n") ? `${u.name}\n` : `${u.uid}\n`);
  else if (p.opts.has("g")) io.stdout(`${u.gid}\n`);
  else if (p.opts.has("G")) io.stdout(groupsOf(m.fs, name).join(" ") + "\n");
  else io.stdout(`uid=${u.uid}(${u.name}) gid=${u.gid} groups=${groupsOf(m.fs, name).join(",")}\n`);
  return 0;
});

const whoami: NodeCommand = async (_argv, io) => {
  io.stdout(`${io.user}\n`);
  return 0;
};

const hostname: NodeCommand = tool("hostname", async (argv, io, m) => {
  const arg = argv[1];
  if (arg === "-I" || arg === "-i" || arg === "--all-ip-addresses") io.stdout(`${m.spec.guestIp} \n`);
  else if (arg === "-f" || arg === "--fqdn" || arg === "-s" || arg === "--short" || arg === undefined) io.stdout(`${m.hostname}\n`);
  else if (arg.startsWith("-")) return usageError(io, "hostname", `invalid option -- '${arg.slice(1)}'`);
  else {
    if (io.user !== "root") return fail(io, "hostname", "you must be root to change the host name");
    m.fs.write("/etc/hostname", `${arg}\n`);
  }
  return 0;
});

const uname: NodeCommand = tool("uname", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "asnrvmpio" });
  if (p.error) return usageError(io, "uname", p.error);
  const info: Record<string, string> = { s: "Linux", n: m.hostname, r: "6.1.0-28-amd64", v: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)", m: "x86_64", p: "unknown", i: "unknown", o: "GNU/Linux" };
  const order = p.opts.has("a") ? ["s", "n", "r", "v", "m", "o"] : "snrvmpio".split("").filter((f) => p.opts.has(f));
  io.stdout((order.length === 0 ? ["s"] : order).map((f) => info[f]).join(" ") + "\n");
  return 0;
});

const date: NodeCommand = tool("date", async (argv, io, m) => {
  const now = new Date(m.clock.now());
  const fmt = argv.find((a) => a.startsWith("+"));
  if (!fmt) {
    io.stdout(now.toUTCString().replace("GMT", "UTC") + "\n");
    return 0;
  }
  const pad = (n: number): string => String(n).padStart(2, "0");
  const text = fmt.slice(1).replace(/%([sYmdHMSFTz%])/g, (_x, c: string) => {
    switch (c) {
      case "s": return String(Math.floor(now.getTime() / 1000));
      case "Y": return String(now.getUTCFullYear());
      case "m": return pad(now.getUTCMonth() + 1);
      case "d": return pad(now.getUTCDate());
      case "H": return pad(now.getUTCHours());
      case "M": return pad(now.getUTCMinutes());
      case "S": return pad(now.getUTCSeconds());
      case "F": return now.toISOString().slice(0, 10);
      case "T": return now.toISOString().slice(11, 19);
      case "z": return "+0000";
      default: return "%";
    }
  });
  io.stdout(text + "\n");
  return 0;
});

const echo: NodeCommand = async (argv, io) => {
  io.stdout(echoOutput(argv.slice(1)));
  return 0;
};

const test: NodeCommand = async (argv, io, m) => {
  let args = argv.slice(1);
  if (argv[0].endsWith("[")) {
    if (args[args.length - 1] !== "]") return fail(io, "[", "missing ']'", 2);
    args = args.slice(0, -1);
  }
  const r = evaluateTest(args, { fs: m.fs, cwd: io.cwd, user: io.user });
  if (r.error) io.stderr(`${argv[0]}: ${r.error}\n`);
  return r.code;
};

const which: NodeCommand = async (argv, io, m) => {
  let code = 0;
  for (const name of argv.slice(1).filter((a) => !a.startsWith("-"))) {
    const r = sim(m).interp.resolve(name, { cwd: io.cwd, user: io.user } as never, io.env.PATH ?? "");
    if (r.kind === "error") code = 1;
    else io.stdout(`${r.path}\n`);
  }
  return code;
};

/** Kernel state that a reboot resets: loaded modules, sysctl values, swap. */
function kernel(m: NodeMachine): { modules: Set<string>; sysctl: Map<string, string>; swap: boolean } {
  let k = m.ext.get("kernel") as { modules: Set<string>; sysctl: Map<string, string>; swap: boolean } | undefined;
  if (!k) {
    k = {
      modules: new Set(["ext4", "ip_tables", "x_tables", "nf_conntrack"]),
      sysctl: new Map([
        ["net.ipv4.ip_forward", "0"],
        ["net.ipv6.conf.all.forwarding", "0"],
        ["net.ipv4.conf.all.arp_ignore", "0"],
        ["net.ipv4.conf.all.arp_announce", "0"],
        ["vm.swappiness", "60"],
        ["kernel.hostname", m.hostname],
      ]),
      swap: true,
    };
    m.ext.set("kernel", k);
  }
  return k;
}

export function resetKernel(m: NodeMachine): void {
  m.ext.delete("kernel");
  const k = kernel(m);
  for (const dir of ["/etc/modules-load.d"]) {
    for (const f of m.fs.list(dir) ?? []) {
      for (const line of (m.fs.read(`${dir}/${f}`)?.toString("utf8") ?? "").split("\n")) {
        const mod = line.trim();
        if (mod !== "" && !mod.startsWith("#")) k.modules.add(mod);
      }
    }
  }
}

const KNOWN_MODULES = new Set(["overlay", "br_netfilter", "ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_sh", "nf_conntrack", "ip_tables", "iptable_nat", "iptable_filter", "vxlan", "ipip", "xt_set", "ip_set", "nf_nat", "xt_conntrack", "dummy", "bridge", "veth", "tun", "wireguard"]);

const modprobe: NodeCommand = tool("modprobe", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "arqvn" });
  if (p.error) return usageError(io, "modprobe", p.error);
  if (io.user !== "root") return fail(io, "modprobe", "ERROR: could not insert module: Operation not permitted");
  const names = p.opts.has("a") ? p.operands : p.operands.slice(0, 1);
  if (names.length === 0) return usageError(io, "modprobe", "missing module name.");
  const k = kernel(m);
  for (const name of names) {
    const mod = name.replace(/-/g, "_");
    if (!KNOWN_MODULES.has(mod)) {
      if (!p.opts.has("q")) io.stderr(`modprobe: FATAL: Module ${name} not found in directory /lib/modules/6.1.0-28-amd64\n`);
      return 1;
    }
    if (p.opts.has("r")) k.modules.delete(mod);
    else {
      k.modules.add(mod);
      if (mod === "br_netfilter") {
        for (const key of ["net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables", "net.bridge.bridge-nf-call-arptables"]) {
          if (!k.sysctl.has(key)) k.sysctl.set(key, "1");
        }
      }
    }
  }
  return 0;
});

const lsmod: NodeCommand = async (_argv, io, m) => {
  io.stdout("Module                  Size  Used by\n" + [...kernel(m).modules].sort().map((x) => `${x.padEnd(24)}${"16384".padStart(6)}  0\n`).join(""));
  return 0;
};

/** sysctl keys exist only when their module is loaded (net.bridge.* needs br_netfilter). */
function keyAvailable(k: ReturnType<typeof kernel>, key: string): boolean {
  if (key.startsWith("net.bridge.")) return k.modules.has("br_netfilter");
  return k.sysctl.has(key) || /^(net|vm|kernel|fs)\./.test(key);
}

const sysctl: NodeCommand = tool("sysctl", async (argv, io, m) => {
  const k = kernel(m);
  const args = argv.slice(1);
  const quiet = args.includes("-q");
  const set = (assignment: string, source?: string): number => {
    const eq = assignment.indexOf("=");
    const key = assignment.slice(0, eq).trim().replace(/\//g, ".");
    const value = assignment.slice(eq + 1).trim();
    if (!keyAvailable(k, key)) {
      io.stderr(`sysctl: cannot stat /proc/sys/${key.replace(/\./g, "/")}: No such file or directory\n`);
      return 255;
    }
    if (io.user !== "root") {
      io.stderr(`sysctl: permission denied on key "${key}"\n`);
      return 255;
    }
    k.sysctl.set(key, value);
    if (!quiet && source !== "silent") io.stdout(`${key} = ${value}\n`);
    return 0;
  };
  const applyFile = (path: string): number => {
    let code = 0;
    for (const raw of (m.fs.read(path)?.toString("utf8") ?? "").split("\n")) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#") || line.startsWith(";") || !line.includes("=")) continue;
      const r = set(line.replace(/^-/, ""));
      if (r !== 0 && !line.startsWith("-")) code = r;
    }
    return code;
  };
  if (args[0] === "--system") {
    let code = 0;
    for (const dir of ["/etc/sysctl.d", "/usr/lib/sysctl.d", "/run/sysctl.d"]) {
      for (const f of (m.fs.list(dir) ?? []).filter((n) => n.endsWith(".conf"))) {
        io.stdout(`* Applying ${dir}/${f} ...\n`);
        code = applyFile(`${dir}/${f}`) || code;
      }
    }
    if (m.fs.exists("/etc/sysctl.conf")) {
      io.stdout("* Applying /etc/sysctl.conf ...\n");
      code = applyFile("/etc/sysctl.conf") || code;
    }
    return code;
  }
  if (args[0] === "-p" || args[0] === "--load") {
    const file = args[1] ?? "/etc/sysctl.conf";
    if (!m.fs.exists(file)) return fail(io, "sysctl", `cannot open "${file}": No such file or directory`, 255);
    return applyFile(file);
  }
  const operands = args.filter((a) => a !== "-w" && a !== "-q" && a !== "-n" && a !== "-e");
  if (operands.length === 0 || args.includes("-a")) {
    for (const [key, v] of [...k.sysctl].sort()) io.stdout(`${key} = ${v}\n`);
    return 0;
  }
  let code = 0;
  for (const op of operands) {
    if (op.includes("=")) {
      code = set(op) || code;
      continue;
    }
    const key = op.replace(/\//g, ".");
    if (!keyAvailable(k, key) || !k.sysctl.has(key)) {
      io.stderr(`sysctl: cannot stat /proc/sys/${key.replace(/\./g, "/")}: No such file or directory\n`);
      code = 255;
      continue;
    }
    io.stdout(args.includes("-n") ? `${k.sysctl.get(key)}\n` : `${key} = ${k.sysctl.get(key)}\n`);
  }
  return code;
});

const swapoff: NodeCommand = tool("swapoff", async (argv, io, m) => {
  if (io.user !== "root") return fail(io, "swapoff", "Not superuser.");
  if (!argv.includes("-a") && argv.length < 2) return usageError(io, "swapoff", "bad usage");
  kernel(m).swap = false;
  return 0;
});

/** The swap state (for kube's preflight checks): true when swap is on. */
export function swapEnabled(m: NodeMachine): boolean {
  return kernel(m).swap;
}
export function loadedModules(m: NodeMachine): ReadonlySet<string> {
  return kernel(m).modules;
}
export function sysctlValue(m: NodeMachine, key: string): string | undefined {
  return kernel(m).sysctl.get(key);
}

const systemctl: NodeCommand = tool("systemctl", async (argv, io, m) => {
  const s = sim(m);
  const control = { hook: (u: string) => s.deps.table.hook(u) };
  const args = argv.slice(1).filter((a) => !["--no-pager", "-q", "--quiet", "--no-block", "--full", "-l", "--system"].includes(a));
  const now = args.includes("--now");
  const [verb, ...rest] = args.filter((a) => a !== "--now");
  const units = rest.map(unitName);
  const quiet = argv.includes("-q") || argv.includes("--quiet");
  const needsRoot = ["start", "stop", "restart", "enable", "disable", "daemon-reload", "reload", "mask", "reset-failed"];
  if (verb === undefined) return usageError(io, "systemctl", "missing verb");
  if (needsRoot.includes(verb) && io.user !== "root") {
    io.stderr(`Failed to ${verb} ${units.map((u) => `${u}.service`).join(" ")}: Access denied\nSee system logs and 'systemctl status' for details.\n`);
    return 1;
  }
  const missing = (u: string): boolean => !unitExists(m, control, u);
  const notFound = (action: string, u: string): number => {
    io.stderr(`Failed to ${action} ${u}.service: Unit ${u}.service not found.\n`);
    return 5;
  };
  // systemctl(1) --no-block: "Do not synchronously wait for the requested operation to finish."
  const wait = !argv.includes("--no-block");
  const start = async (u: string): Promise<number> => {
    if (missing(u)) return notFound("start", u);
    const r = await startService(m, control, u, { wait });
    if (!r.ok) {
      io.stderr(startFailureMessage(u, r));
      return 1;
    }
    return 0;
  };
  switch (verb) {
    case "daemon-reload":
    case "reset-failed":
      return 0;
    case "start":
    case "restart":
    case "reload":
    case "try-restart": {
      for (const u of units) {
        if (verb !== "start") {
          if (missing(u)) return notFound(verb, u);
          await stopService(m, control, u);
        }
        const code = await start(u);
        if (code !== 0) return code;
      }
      return 0;
    }
    case "stop":
      for (const u of units) {
        if (missing(u)) return notFound("stop", u);
        await stopService(m, control, u);
      }
      return 0;
    case "enable":
    case "disable":
      for (const u of units) {
        if (missing(u)) {
          io.stderr(`Failed to ${verb} unit: Unit file ${u}.service does not exist.\n`);
          return 1;
        }
        const st = serviceState(m, u);
        if (verb === "enable" && !st.enabled) io.stderr(`Created symlink /etc/systemd/system/multi-user.target.wants/${u}.service → ${unitPath(m, u)}.\n`);
        if (verb === "disable" && st.enabled) io.stderr(`Removed "/etc/systemd/system/multi-user.target.wants/${u}.service".\n`);
        st.enabled = verb === "enable";
        if (now) {
          if (verb === "enable") {
            const code = await start(u);
            if (code !== 0) return code;
          } else await stopService(m, control, u);
        }
      }
      return 0;
    case "is-active": {
      let code = 0;
      for (const u of units) {
        const st = m.services.get(u)?.active ?? "inactive";
        if (!quiet) io.stdout(`${st}\n`);
        if (st !== "active") code = 3;
      }
      return code;
    }
    case "is-failed": {
      let code = 1;
      for (const u of units) {
        const st = m.services.get(u)?.active ?? "inactive";
        if (!quiet) io.stdout(`${st}\n`);
        if (st === "failed") code = 0;
      }
      return code;
    }
    case "is-enabled": {
      let code = 0;
      for (const u of units) {
        if (missing(u)) {
          io.stderr(`Failed to get unit file state for ${u}.service: No such file or directory\n`);
          code = 1;
          continue;
        }
        const en = m.services.get(u)?.enabled ?? false;
        if (!quiet) io.stdout(en ? "enabled\n" : "disabled\n");
        if (!en) code = 1;
      }
      return code;
    }
    case "status": {
      let code = 0;
      for (const u of units) {
        if (missing(u)) {
          io.stderr(`Unit ${u}.service could not be found.\n`);
          code = 4;
          continue;
        }
        const st = serviceState(m, u);
        const active = st.active === "active" ? "active (running)" : st.active === "failed" ? `failed (Result: ${lastResults(m).get(u) ?? "exit-code"})` : st.active === "activating" ? "activating (start)" : st.active;
        io.stdout(`● ${u}.service\n     Loaded: loaded (${unitPath(m, u)}; ${st.enabled ? "enabled" : "disabled"}; preset: enabled)\n     Active: ${active}\n`);
        for (const line of (journal(m).get(u) ?? []).slice(-10)) io.stdout(`${line}\n`);
        if (st.active !== "active") code = 3;
      }
      return code;
    }
    case "list-units":
      for (const [u, st] of m.services) io.stdout(`${u}.service loaded ${st.active}\n`);
      return 0;
    default:
      return usageError(io, "systemctl", `Unknown command verb '${verb}'.`);
  }
});

function unitPath(m: NodeMachine, u: string): string {
  const found = UNIT_DIRS.map((d) => `${d}/${u}.service`).find((p) => m.fs.exists(p));
  return found ?? (BUILTIN_UNITS.has(u) ? `/lib/systemd/system/${u}.service` : `/run/systemd/generator/${u}.service`);
}

const journalctl: NodeCommand = tool("journalctl", async (argv, io, m) => {
  const p = parseOpts(argv.slice(1), { flags: "xeqfrab", withArg: "un", long: { unit: "u", lines: "n", "no-pager": "flag", boot: "b" } });
  if (p.error) return usageError(io, "journalctl", p.error);
  const unit = p.opts.get("u");
  const n = p.opts.get("n");
  const j = journal(m);
  let lines = typeof unit === "string" ? (j.get(unitName(unit)) ?? []) : [...j.values()].flat();
  if (typeof n === "string") lines = lines.slice(-Number(n));
  if (lines.length === 0) io.stdout("-- No entries --\n");
  else io.stdout(lines.join("\n") + "\n");
  return 0;
});

export const SYSTEM_TOOLS: Record<string, NodeCommand> = {
  sleep, id, whoami, hostname, uname, date, echo, test, "[": test, true: async () => 0, false: async () => 1, which,
  modprobe, lsmod, sysctl, swapoff, systemctl, journalctl,
};
