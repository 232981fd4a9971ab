// The inside of a simulated VM as its commands see it. node/machine (filesystem, services, SSH,
// cloud-init, shell and base tools) implements these; node/kube (kubeadm, kubectl, the kubelet and the
// cluster model) plugs its commands and service hooks in through them.
import type { BlockDevice } from "./blockDevices";
import type { AuditSink, FaultSource, NetworkFabric, SimClock, VmBootSpec } from "../contracts";

export interface FileStat {
  type: "file" | "dir";
  /** Permission bits, e.g. 0o644. */
  mode: number;
  owner: string;
  group: string;
  size: number;
}

/** The VM's disk: an in-memory POSIX-like tree. Survives reboots, gone on expunge. Paths are absolute. */
export interface NodeFs {
  read(path: string): Buffer | undefined;
  write(path: string, data: Buffer | string, opts?: { mode?: number; owner?: string; group?: string }): void;
  append(path: string, data: Buffer | string): void;
  exists(path: string): boolean;
  stat(path: string): FileStat | undefined;
  mkdirp(path: string, mode?: number): void;
  /** Names (not paths) of a directory's entries, sorted; undefined when not a directory. */
  list(path: string): string[] | undefined;
  remove(path: string, opts?: { recursive?: boolean }): boolean;
  chmod(path: string, mode: number): void;
  chown(path: string, owner: string, group?: string): void;
}

export interface ServiceState {
  active: "active" | "inactive" | "failed" | "activating";
  enabled: boolean;
}

/** What a service's main process can tell systemd through sd_notify(3). */
export interface ServiceNotifier {
  /** `READY=1`: a Type=notify unit leaves "activating" only when its process sends this. */
  ready(): void;
}

/** A service with behaviour beyond a flag (the kubelet, etcd): node/kube registers these. */
export interface ServiceHook {
  /**
   * The main process is exec'd. Throw (or reject) to make `systemctl start` fail, as a unit whose
   * binary cannot be run would. `notify` is how the process reports readiness (see `sdNotify`).
   */
  start(machine: NodeMachine, notify?: ServiceNotifier): Promise<void>;
  stop(machine: NodeMachine): Promise<void>;
  /**
   * True when the program calls sd_notify(READY=1) itself, at a moment of its choosing (etcd: once its
   * cluster has quorum). Otherwise a Type=notify unit counts as ready as soon as `start` resolves.
   */
  readonly sdNotify?: boolean;
}

export interface NodeMachine {
  readonly spec: VmBootSpec;
  readonly hostname: string;
  readonly fs: NodeFs;
  readonly clock: SimClock;
  readonly audit: AuditSink;
  readonly faults: FaultSource;
  readonly fabric: NetworkFabric;
  /**
   * Device path → CD-ROM medium: `/dev/sr0` is the drive attachIso fills, `/dev/sr1` the config drive
   * (when the network's UserData provider is ConfigDrive). Tags as blkid probes them from the image.
   */
  blockDevices(): Map<string, BlockDevice>;
  /** Mount point → mounted ISO contents (path inside the ISO → bytes). */
  readonly mounts: Map<string, { device: string; files: Map<string, Buffer> }>;
  readonly services: Map<string, ServiceState>;
  /** Per-machine state owned by extensions (node/kube keeps its kubelet state here). */
  readonly ext: Map<string, unknown>;
  /** Listen on a private port of this VM (e.g. 6443 for an API server, 2379 for etcd). */
  expose(privatePort: number, realPort: number): void;
  /** Private port → real listener of what listens on this VM now (kubeadm's PortOpenCheck reads it). */
  readonly exposed: ReadonlyMap<number, number>;
  unexpose(privatePort: number): void;
  /** Run a command line through this machine's shell (used by cloud-init and by scripts). */
  exec(commandLine: string, opts?: { user?: string; stdin?: Buffer; env?: Record<string, string> }): Promise<ExecResult>;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandIO {
  readonly stdin: Buffer;
  stdout(data: string | Buffer): void;
  stderr(data: string | Buffer): void;
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** Effective user: "root" under sudo. */
  readonly user: string;
  readonly signal: AbortSignal;
  /**
   * For commands found as installed files: the version the stand-in file declares
   * (`# kubeadm v1.31.4 (cloudstack-sim stand-in)` → "1.31.4"); undefined for built-ins.
   */
  readonly binaryVersion?: string;
}

/** A command: argv[0] is the name as typed. Resolves with the exit code. */
export type NodeCommand = (argv: string[], io: CommandIO, machine: NodeMachine) => Promise<number>;

export interface CommandTable {
  /** `name` is the tool name a stand-in file declares (kubeadm, kubectl, kubelet, etcd, ...). */
  register(name: string, command: NodeCommand): void;
  registerService(unit: string, hook: ServiceHook): void;
}

/** Shared by every machine of one simulator: what node/kube needs across VMs. */
export interface NodeEnvironment {
  readonly clock: SimClock;
  readonly audit: AuditSink;
  readonly faults: FaultSource;
  readonly fabric: NetworkFabric;
  /** Another running machine by VM id (for joins resolved through the fabric). */
  machineByVmId(vmId: string): NodeMachine | undefined;
  /** The VM id and private port behind a real socket address, if it belongs to a VM. */
  ownerOf(address: { host: string; port: number }): { vmId: string; privatePort: number } | undefined;
}
