// A minimal world for node/kube tests: in-memory machines implementing NodeMachine, a fabric that maps
// guest IPs to exposed ports, a clock whose sleeps take no real time (and whose now() can be moved
// forward), switchable faults, and a runner that calls the registered kube commands directly.
import * as net from "net";
import type { AuditRecord, NetworkFabric, SimClock, SocketAddress, VmBootSpec } from "../../../simulator/contracts";
import { installKubeTools, closeKubeTools, type KubeToolsOptions } from "../../../simulator/node/kube";
import type { CommandIO, CommandTable, ExecResult, FileStat, NodeCommand, NodeEnvironment, NodeFs, NodeMachine, ServiceHook, ServiceState } from "../../../simulator/node/types";

class MemFs implements NodeFs {
  private readonly files = new Map<string, { data: Buffer; stat: FileStat }>();
  private readonly dirs = new Set<string>(["/"]);
  private parent(path: string): string {
    return path.replace(/\/[^/]+$/, "") || "/";
  }
  read(path: string) {
    return this.files.get(path)?.data;
  }
  write(path: string, data: Buffer | string, opts: { mode?: number; owner?: string; group?: string } = {}) {
    this.mkdirp(this.parent(path));
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.files.set(path, { data: buf, stat: { type: "file", mode: opts.mode ?? 0o644, owner: opts.owner ?? "root", group: opts.group ?? "root", size: buf.length } });
  }
  append(path: string, data: Buffer | string) {
    this.write(path, Buffer.concat([this.read(path) ?? Buffer.alloc(0), Buffer.from(data)]));
  }
  exists(path: string) {
    return this.files.has(path) || this.dirs.has(path);
  }
  stat(path: string): FileStat | undefined {
    if (this.dirs.has(path)) return { type: "dir", mode: 0o755, owner: "root", group: "root", size: 0 };
    return this.files.get(path)?.stat;
  }
  mkdirp(path: string) {
    let p = path;
    while (p && p !== "/") {
      this.dirs.add(p);
      p = this.parent(p);
    }
  }
  list(path: string) {
    if (!this.dirs.has(path)) return undefined;
    const prefix = path === "/" ? "/" : `${path}/`;
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split("/")[0] ?? "");
    }
    return [...names].filter(Boolean).sort();
  }
  remove(path: string, opts: { recursive?: boolean } = {}) {
    let removed = this.files.delete(path);
    if (this.dirs.has(path) && opts.recursive) {
      for (const p of [...this.files.keys()]) if (p.startsWith(`${path}/`)) this.files.delete(p);
      for (const d of [...this.dirs]) if (d === path || d.startsWith(`${path}/`)) this.dirs.delete(d);
      removed = true;
    }
    return removed;
  }
  chmod() {}
  chown() {}
}

/** The PATH the provider runs kubeadm with: /opt/bin first, then Debian's secure_path. */
export const KUBE_PATH = "/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export class TestClock implements SimClock {
  readonly scale = 0;
  offset = 0;
  async sleep(_ms: number, signal?: AbortSignal) {
    if (signal?.aborted) throw new Error("aborted");
    await new Promise((r) => setImmediate(r));
  }
  now() {
    return Date.now() + this.offset;
  }
}

export class TestMachine implements NodeMachine {
  readonly fs = new MemFs();
  readonly services = new Map<string, ServiceState>();
  readonly ext = new Map<string, unknown>();
  readonly exposed = new Map<number, number>();
  readonly mounts = new Map<string, { device: string; files: Map<string, Buffer> }>();
  readonly audit = { record: (_e: AuditRecord) => undefined };
  constructor(
    readonly spec: VmBootSpec,
    readonly clock: SimClock,
    readonly faults: { hit(f: string, s: string): boolean },
    readonly fabric: NetworkFabric,
  ) {}
  get hostname() {
    return this.spec.name;
  }
  blockDevices() {
    return new Map();
  }
  expose(privatePort: number, realPort: number) {
    this.exposed.set(privatePort, realPort);
  }
  unexpose(privatePort: number) {
    this.exposed.delete(privatePort);
  }
  async exec(): Promise<ExecResult> {
    throw new Error("exec is not available in the kube test harness");
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class World {
  readonly clock = new TestClock();
  readonly activeFaults = new Set<string>();
  readonly machines = new Map<string, TestMachine>();
  /** Extra routes (e.g. a public IP:port) → real socket. */
  readonly routes = new Map<string, SocketAddress>();
  /** Public host:port → a machine's private port (like a load-balancer rule), resolved at connect time. */
  readonly forwards = new Map<string, { machine: TestMachine; port: number }>();
  readonly commands = new Map<string, NodeCommand>();
  readonly hooks = new Map<string, ServiceHook>();
  readonly env: NodeEnvironment;
  private nextIp = 10;
  private readonly proxies: net.Server[] = [];

  constructor(options: KubeToolsOptions = {}) {
    const fabric: NetworkFabric = {
      resolve: (_from, host, port) => {
        const route = this.routes.get(`${host}:${port}`);
        if (route) return route;
        const forward = this.forwards.get(`${host}:${port}`);
        if (forward) {
          const real = forward.machine.exposed.get(forward.port);
          return real ? { host: "127.0.0.1", port: real } : null;
        }
        const target = [...this.machines.values()].find((m) => m.spec.guestIp === host);
        const real = target?.exposed.get(port);
        return real ? { host: "127.0.0.1", port: real } : null;
      },
    };
    this.env = {
      clock: this.clock,
      audit: { record: () => undefined },
      faults: { hit: (f) => this.activeFaults.has(f) },
      fabric,
      machineByVmId: (id) => this.machines.get(id),
      ownerOf: (addr) => {
        for (const m of this.machines.values()) for (const [priv, real] of m.exposed) if (real === addr.port) return { vmId: m.spec.vmId, privatePort: priv };
        return undefined;
      },
    };
    const table: CommandTable = {
      register: (name, command) => this.commands.set(name, command),
      registerService: (unit, hook) => this.hooks.set(unit, hook),
    };
    installKubeTools(table, this.env, options);
  }

  /** A VM with the binaries of `version` installed, containerd running and the images imported. */
  machine(name: string, version = "1.31.4", opts: { images?: boolean; cpu?: number; kubelet?: string } = {}): TestMachine {
    const ip = `10.1.1.${this.nextIp++}`;
    const m = new TestMachine(
      { vmId: `vm-${name}`, name, displayName: name, deployKeys: [], guestIp: ip, networkId: "net-1", directAccess: false, cpuNumber: opts.cpu ?? 2, memoryMb: 2048 },
      this.clock,
      this.env.faults,
      this.env.fabric,
    );
    for (const tool of ["kubeadm", "kubectl"]) m.fs.write(`/opt/bin/${tool}`, `# ${tool} v${version} (cloudstack-sim stand-in)\n`, { mode: 0o755 });
    m.fs.write("/opt/bin/kubelet", `# kubelet v${opts.kubelet ?? version} (cloudstack-sim stand-in)\n`, { mode: 0o755 });
    // What the base image and the provider's install leave behind: the host tools kubeadm's preflight
    // looks up on PATH (checks_linux.go addExecChecks), crictl from the ISO, and IPv4 forwarding on.
    for (const tool of ["ip", "iptables", "conntrack", "ebtables", "ethtool", "tc"]) m.fs.write(`/usr/sbin/${tool}`, `# ${tool} (cloudstack-sim stand-in)\n`, { mode: 0o755 });
    for (const tool of ["mount", "nsenter", "touch", "socat"]) m.fs.write(`/usr/bin/${tool}`, `# ${tool} (cloudstack-sim stand-in)\n`, { mode: 0o755 });
    m.fs.write("/opt/bin/crictl", "# crictl v1.31.1 (cloudstack-sim stand-in)\n", { mode: 0o755 });
    m.ext.set("kernel", { modules: new Set(["overlay", "br_netfilter"]), sysctl: new Map([["net.ipv4.ip_forward", "1"], ["net.bridge.bridge-nf-call-iptables", "1"]]), swap: false });
    m.services.set("containerd", { active: "active", enabled: true });
    if (opts.images !== false) m.ext.set("containerd.images", new Set(imagesFor(version)));
    this.machines.set(m.spec.vmId, m);
    return m;
  }

  installBinary(m: TestMachine, tool: string, version: string) {
    m.fs.write(`/opt/bin/${tool}`, `# ${tool} v${version} (cloudstack-sim stand-in)\n`, { mode: 0o755 });
  }

  async run(m: TestMachine, line: string, opts: { user?: string; stdin?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
    const argv = line.split(/\s+/).filter(Boolean);
    const command = this.commands.get(argv[0] ?? "");
    if (!command) throw new Error(`no command ${argv[0]}`);
    const file = m.fs.read(`/opt/bin/${argv[0]}`)?.toString("utf8") ?? "";
    const version = /v(\d+\.\d+\.\d+)/.exec(file)?.[1];
    let stdout = "";
    let stderr = "";
    const user = opts.user ?? "root";
    const io: CommandIO = {
      stdin: Buffer.from(opts.stdin ?? ""),
      stdout: (d) => (stdout += d.toString()),
      stderr: (d) => (stderr += d.toString()),
      env: { HOME: user === "root" ? "/root" : `/home/${user}`, PATH: KUBE_PATH, ...(opts.env ?? {}) },
      cwd: "/root",
      user,
      signal: new AbortController().signal,
      binaryVersion: version,
    };
    const code = await command(argv, io, m);
    await settle();
    return { code, stdout, stderr };
  }

  async systemctl(m: TestMachine, verb: "start" | "stop", unit: string) {
    const hook = this.hooks.get(unit);
    if (!hook) throw new Error(`no hook ${unit}`);
    if (verb === "start") {
      await hook.start(m);
      m.services.set(unit, { active: "active", enabled: true });
    } else {
      await hook.stop(m);
      m.services.set(unit, { active: "inactive", enabled: true });
    }
    await settle();
  }

  /** A TCP proxy standing in for a public IP listener in front of `target`. */
  async proxy(target: SocketAddress): Promise<SocketAddress> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      sockets.add(client);
      client.on("close", () => sockets.delete(client));
      const upstream = net.connect(target.port, target.host);
      client.pipe(upstream).pipe(client);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    this.proxies.push(server);
    server.on("close", () => undefined);
    (server as net.Server & { sockets?: Set<net.Socket> }).sockets = sockets;
    const address = server.address() as net.AddressInfo;
    return { host: "127.0.0.1", port: address.port };
  }

  async close() {
    await closeKubeTools(this.env);
    for (const p of this.proxies) {
      for (const s of (p as net.Server & { sockets?: Set<net.Socket> }).sockets ?? []) s.destroy();
      await new Promise<void>((r) => p.close(() => r()));
    }
    for (const m of this.machines.values()) {
      const hook = this.hooks.get("etcd");
      if (hook) await hook.stop(m);
    }
  }
}

export function imagesFor(version: string): string[] {
  const v = `v${version}`;
  const minor = Number(version.split(".")[1]);
  const pause = minor >= 31 ? "3.10" : "3.9";
  return [
    `registry.k8s.io/kube-apiserver:${v}`,
    `registry.k8s.io/kube-controller-manager:${v}`,
    `registry.k8s.io/kube-scheduler:${v}`,
    `registry.k8s.io/kube-proxy:${v}`,
    "registry.k8s.io/coredns/coredns:v1.11.3",
    `registry.k8s.io/pause:${pause}`,
    "registry.k8s.io/etcd:3.5.15-0",
  ];
}

/** Let timers scheduled on the zero-time clock run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export const CNI_MANIFEST = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: weave-net
  namespace: kube-system
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: weave-net
  namespace: kube-system
spec:
  selector:
    matchLabels: { name: weave-net }
  template:
    metadata:
      labels: { name: weave-net }
    spec:
      hostNetwork: true
      tolerations: [{ operator: Exists }]
      containers:
        - name: weave
          image: weaveworks/weave-kube:latest
`;
