// One simulated VM: its disk, CD-ROM, mounts, services, exposed ports and shell. The disk and host
// key live as long as the VM; everything else is reset by a power cycle.
import type { AuditSink, FaultSource, NetworkFabric, SimClock, VmBootSpec } from "../contracts";
import { auditArgv, programOf } from "./auditing";
import { type BlockDevice, isoDevice, probeIso9660, probeIsoFile } from "./blockDevices";
import { buildConfigDrive } from "./configDrive";
import { GuestPortRelays } from "./guestPorts";
import { appendJournal } from "./services";
import { MemFs } from "./fs";
import { BUILTINS } from "./shell/builtins";
import { Interpreter, type ShellHost } from "./shell/interpreter";
import { SHELL_TOOLS } from "./shell/shellTools";
import { type ShellState, newState } from "./shell/state";
import { Collector, StdinSource, type Streams } from "./shell/streams";
import type { SimCommandTable } from "./table";
import type { ExecResult, NodeMachine, ServiceState } from "./types";
import { getUser } from "./users";

export type IsoReader = (path: string) => Promise<Map<string, Buffer>>;

export interface CloudInitState {
  status: "not-run" | "running" | "done" | "error";
  errors: string[];
  /**
   * What cloud-init logged at WARNING or above without failing (cloudinit/log/loggers.py LogExporter),
   * by level name: in 23.4+ any of these makes `status` "degraded done" and `status --wait` exit 2.
   */
  recoverable: Record<string, string[]>;
  /** Resolved when status leaves "running". */
  waiters: (() => void)[];
  bootCount: number;
}

export interface MachineDeps {
  clock: SimClock;
  audit: AuditSink;
  faults: FaultSource;
  fabric: NetworkFabric;
  table: SimCommandTable;
  isoReader: IsoReader;
  isoPath: () => string | null;
}

export interface ExecOptions {
  user?: string;
  stdin?: Buffer;
  env?: Record<string, string>;
  /** Who ran it, for the audit record ("ssh", "cloud-init", "internal"). */
  source?: string;
  signal?: AbortSignal;
}

export class SimMachine implements NodeMachine, ShellHost {
  readonly fs = new MemFs();
  readonly mounts = new Map<string, { device: string; files: Map<string, Buffer> }>();
  readonly services = new Map<string, ServiceState>();
  readonly ext = new Map<string, unknown>();
  /** Private port → real port on 127.0.0.1. */
  readonly exposed = new Map<number, number>();
  private relays?: GuestPortRelays;
  readonly interp: Interpreter;
  readonly cloudInit: CloudInitState = { status: "not-run", errors: [], recoverable: {}, waiters: [], bootCount: 0 };
  power: "off" | "booting" | "running" = "off";
  /** Aborted when the VM powers off: running commands and boot steps stop. */
  powerSignal = new AbortController();
  hostKey: { private: string; public: string } | undefined;
  imageReady = false;
  /** The config drive's image, built once per VM (CloudStack rebuilds it only on userdata changes). */
  private configDriveImage?: Buffer;

  constructor(
    public spec: VmBootSpec,
    readonly deps: MachineDeps,
  ) {
    this.interp = new Interpreter(this);
    this.fs.setMountLookup(() => this.mounts);
  }

  get machine(): NodeMachine {
    return this;
  }
  get clock(): SimClock {
    return this.deps.clock;
  }
  get audit(): AuditSink {
    return this.deps.audit;
  }
  get faults(): FaultSource {
    return this.deps.faults;
  }
  get fabric(): NetworkFabric {
    return this.deps.fabric;
  }

  get hostname(): string {
    const text = this.fs.read("/etc/hostname")?.toString("utf8").trim();
    return text === undefined || text === "" ? this.spec.name : text.split(".")[0];
  }

  tool(name: string) {
    return this.deps.table.command(name);
  }
  shellTool(name: string) {
    return SHELL_TOOLS.get(name);
  }
  builtin(name: string) {
    return BUILTINS.get(name);
  }

  blockDevices(): Map<string, BlockDevice> {
    const iso = this.deps.isoPath();
    const devices = new Map<string, BlockDevice>();
    const cd = iso ? isoDevice(probeIsoFile(iso), { imagePath: iso }) : undefined;
    if (cd) devices.set("/dev/sr0", cd);
    if (this.spec.configDrive) {
      this.configDriveImage ??= buildConfigDrive(this.spec);
      const drive = isoDevice(probeIso9660(this.configDriveImage), { image: this.configDriveImage });
      if (drive) devices.set("/dev/sr1", drive);
    }
    return devices;
  }

  expose(privatePort: number, realPort: number): void {
    this.exposed.set(privatePort, realPort);
    // sshd binds the guest IP itself (runtime.listenOnGuestIp); other ports are relayed.
    if (this.spec.directAccess && privatePort !== 22) this.guestRelays.open(privatePort, realPort);
  }

  unexpose(privatePort: number): void {
    this.exposed.delete(privatePort);
    this.guestRelays.close(privatePort);
  }

  private get guestRelays(): GuestPortRelays {
    this.relays ??= new GuestPortRelays(this.spec.guestIp, (port, message) =>
      appendJournal(this, "systemd", `relay for port ${port} on ${this.spec.guestIp} failed: ${message}`),
    );
    return this.relays;
  }

  /** Power off: nothing listens any more. */
  unexposeAll(): void {
    this.exposed.clear();
    this.guestRelays.closeAll();
  }

  exec(commandLine: string, opts: { user?: string; stdin?: Buffer; env?: Record<string, string> } = {}): Promise<ExecResult> {
    return this.run(commandLine, { ...opts, source: "internal" });
  }

  /** Run one command line as `user` (root by default) and record it in the audit log. */
  async run(commandLine: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const user = opts.user ?? "root";
    const home = getUser(this.fs, user)?.home ?? (user === "root" ? "/root" : `/home/${user}`);
    const state = newState({ user, home, env: opts.env });
    const out = new Collector();
    const err = new Collector();
    const signal = opts.signal ?? this.powerSignal.signal;
    const streams = { stdin: new StdinSource(opts.stdin ?? Buffer.alloc(0)), out: out.sink, err: err.sink, signal };
    const code = await this.runInState(commandLine, state, streams, opts.source ?? "internal");
    return { code, stdout: out.text(), stderr: err.text() };
  }

  /** Run a command line in an existing shell state (cloud-init's runcmd shares one) and audit it. */
  async runInState(commandLine: string, state: ShellState, streams: Streams, source: string): Promise<number> {
    const start = this.clock.now();
    let code: number;
    try {
      code = await this.interp.runSource(commandLine, state, streams);
    } catch (e) {
      streams.err(Buffer.from(`bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`));
      code = 1;
    }
    const argv = auditArgv(commandLine);
    this.audit.record({
      kind: "node",
      command: argv[0] ?? "",
      /** The program behind wrappers: "kubeadm" for `sudo kubeadm ...`. */
      program: programOf(argv),
      argv,
      node: this.spec.name,
      vmId: this.spec.vmId,
      user: state.user,
      source,
      exitCode: code,
      status: code,
      start,
      end: this.clock.now(),
    });
    return code;
  }
}

/** The SimMachine behind a NodeMachine handed to a tool (all machines of this runtime are). */
export function sim(machine: NodeMachine): SimMachine {
  if (!(machine instanceof SimMachine)) throw new Error("not a simulated machine of this runtime");
  return machine;
}
