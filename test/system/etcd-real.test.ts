// Debian's real etcd (etcd-server 3.4) boots the provider's etcd unit: the flags renderEtcdUnit writes
// into ExecStart=, with each VM's address replaced by a distinct loopback address and /var/lib/etcd by a
// temp dir, form a 3-member cluster whose every member passes `etcdctl endpoint health`. And the trap
// a Type=notify unit would fall into: a member started alone does not send READY=1 to $NOTIFY_SOCKET
// before its cluster has quorum; it does once the other members run. Loopback only, bounded waits,
// every process killed in afterAll.
import { spawn, spawnSync, type ChildProcess } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { renderEtcdUnit } from "../../provider/kubernetes/etcdUnit";
import { realTool } from "../helpers/realTools";

const etcd = realTool("etcd", "apt-get install -y etcd-server (.ci/install.d/etcd.sh)");
const etcdctl = realTool("etcdctl", "apt-get install -y etcd-client (.ci/install.d/etcd.sh)");
const python = realTool("python3", "apt-get install -y python3 (.ci/install.d/etcd.sh)");

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await new Promise((r) => setTimeout(r, 200));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** ExecStart= of a unit file as systemd reads it: continuations joined, split on blanks (no quoting in our unit). */
function execStart(unit: string): string[] {
  const joined = unit.replace(/\\\n/g, " ");
  const line = joined.split("\n").find((l) => l.startsWith("ExecStart="));
  if (!line) throw new Error("the unit has no ExecStart=");
  return line.slice("ExecStart=".length).trim().split(/\s+/);
}

function unitType(unit: string): string | undefined {
  return /^Type=(.*)$/m.exec(unit)?.[1];
}

/** A random 127.x.y.0/24 block per run, so two runs (or another suite) never share addresses. */
function loopbackBlock(): string {
  return `127.${100 + Math.floor(Math.random() * 150)}.${1 + Math.floor(Math.random() * 250)}`;
}

interface Member {
  name: string;
  /** The VM's address in the unit (what the provider renders), and the loopback address standing in for it. */
  vmIp: string;
  ip: string;
  /** Stands in for the VM's own 127.0.0.1 (the unit listens there too): distinct per member. */
  localhost: string;
}

function members(block: string): Member[] {
  return [1, 2, 3].map((i) => ({ name: `cks-etcd-${i}`, vmIp: `10.1.1.${10 + i}`, ip: `${block}.${i}`, localhost: `${block}.${100 + i}` }));
}

/** The member's real etcd argv: the provider's flags, addresses and data dir substituted, nothing else changed. */
function argvFor(all: Member[], m: Member, token: string, dataDir: string): { binary: string; args: string[]; unit: string } {
  const unit = renderEtcdUnit({ name: m.name, ip: m.vmIp, initialCluster: all.map((x) => ({ name: x.name, ip: x.vmIp })), clusterToken: token });
  const [binary, ...flags] = execStart(unit);
  const args = flags.map((a) => {
    let out = a === "/var/lib/etcd" ? dataDir : a;
    out = out.replace(/127\.0\.0\.1/g, m.localhost);
    for (const x of all) out = out.split(x.vmIp).join(x.ip);
    return out;
  });
  return { binary, args, unit };
}

function startMember(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(etcd.require(), args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.resume();
  children.push(child);
  return child;
}

function health(endpoint: string): { ok: boolean; out: string } {
  const r = spawnSync(etcdctl.require(), [`--endpoints=${endpoint}`, "--dial-timeout=2s", "--command-timeout=3s", "endpoint", "health"], { encoding: "utf8", env: { ETCDCTL_API: "3", PATH: process.env.PATH }, timeout: 10_000 });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

async function waitHealthy(endpoint: string, withinMs: number): Promise<string> {
  const until = Date.now() + withinMs;
  let last = health(endpoint);
  while (!last.ok && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    last = health(endpoint);
  }
  if (!last.ok) throw new Error(`${endpoint} not healthy within ${withinMs} ms: ${last.out}`);
  return last.out;
}

/** A unix datagram socket ($NOTIFY_SOCKET) served by python3 (Node has no AF_UNIX datagram sockets). */
function notifyListener(path: string): { messages: string[]; ready: Promise<void>; child: ChildProcess } {
  const script = [
    "import socket, sys",
    "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
    "s.bind(sys.argv[1])",
    "print('LISTENING', flush=True)",
    "while True:",
    "    data = s.recv(4096)",
    "    print(data.decode('utf-8', 'replace').replace('\\n', ' ').strip(), flush=True)",
  ].join("\n");
  const child = spawn(python.require(), ["-c", script, path], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const messages: string[] = [];
  let onListening: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    onListening = resolve;
  });
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const l of lines) {
      if (l === "LISTENING") onListening();
      else if (l !== "") messages.push(l);
    }
  });
  return { messages, ready, child };
}

async function waitFor(cond: () => boolean, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  return cond();
}

describe("Debian's etcd runs the provider's etcd unit", () => {
  etcd.it("the unit's flags boot a 3-member cluster on loopback and every member passes etcdctl endpoint health", async () => {
    etcdctl.require();
    const all = members(loopbackBlock());
    const started = all.map((m) => {
      const { binary, args, unit } = argvFor(all, m, `etcd-real-${process.pid}`, tempDir(`etcd-${m.name}-`));
      expect(binary).toBe("/opt/bin/etcd");
      // The provider's unit must not make systemctl wait for quorum (see the next test).
      expect(unitType(unit)).toBe("exec");
      return { m, child: startMember(args) };
    });
    for (const { m, child } of started) {
      const out = await waitHealthy(`http://${m.ip}:2379`, 30_000);
      expect(out).toContain("is healthy");
      expect(child.exitCode).toBeNull();
    }
    // The VM-local listener (127.0.0.1 in the unit) serves too.
    expect(health(`http://${all[0].localhost}:2379`).ok).toBe(true);
    for (const { child } of started) child.kill("SIGTERM");
  }, 90_000);

  etcd.it("a member started alone sends READY=1 only once the cluster has quorum (the Type=notify trap)", async () => {
    python.require();
    const all = members(loopbackBlock());
    const token = `etcd-notify-${process.pid}`;
    const socketPath = join(tempDir("etcd-notify-"), "notify.sock");
    const listener = notifyListener(socketPath);
    await listener.ready;
    const first = argvFor(all, all[0], token, tempDir("etcd-first-"));
    startMember(first.args, { NOTIFY_SOCKET: socketPath });
    // Alone it serves nothing and tells systemd nothing: a Type=notify unit would stay "activating".
    const early = await waitFor(() => listener.messages.some((m) => m.includes("READY=1")), 4_000);
    expect(early).toBe(false);
    expect(health(`http://${all[0].ip}:2379`).ok).toBe(false);
    for (const m of all.slice(1)) startMember(argvFor(all, m, token, tempDir(`etcd-${m.name}-`)).args);
    const ready = await waitFor(() => listener.messages.some((m) => m.includes("READY=1")), 30_000);
    expect(ready).toBe(true);
    expect(health(`http://${all[0].ip}:2379`).ok).toBe(true);
  }, 90_000);
});
