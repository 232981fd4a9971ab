// Contracts between the simulator's parts: api/ (HTTP front), cloud/ (CloudStack model and command
// handlers), node/ (simulated VMs: SSH, cloud-init, kubeadm) and apiserver/ (per-cluster Kubernetes API).
// Each part depends on these types, not on another part's internals, so that they can evolve separately.

/** Simulated time: every realistic duration is multiplied by `scale` before it is slept. */
export interface SimClock {
  readonly scale: number;
  /** Sleep `realisticMs * scale` (a realistic duration in milliseconds); rejects when `signal` aborts. */
  sleep(realisticMs: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  /**
   * Move now() forward by `ms` (tests: certificate and token expiry). Sleeps are unaffected.
   * Optional so that test clocks need not implement it.
   */
  advance?(ms: number): void;
}

/** A CloudStack API error. Handlers throw it; the API front turns it into the error envelope or a failed job. */
export class ApiError extends Error {
  constructor(
    public readonly errorcode: number,
    public readonly errortext: string,
    public readonly cserrorcode: number = 4350,
  ) {
    super(errortext);
    this.name = "ApiError";
  }
}

/** Request parameters after decoding: names lowercased, map entries as `tags[0].key`, values raw strings. */
export type Params = Record<string, string>;

export interface Caller {
  userId: string;
  accountId: string;
  accountName: string;
  domainId: string;
  isAdmin: boolean;
}

export type JobResult =
  | { kind: "object"; entityKey: string; entity: unknown }
  | { kind: "success"; details?: string };

/** Work that runs inside an async job; `run` resolving = jobstatus 1, rejecting with ApiError = jobstatus 2. */
export interface AsyncWork {
  /** For async-create commands: the new entity's id, returned next to the jobid at submit. */
  entityId?: string;
  instanceType?: string;
  instanceId?: string;
  run(): Promise<JobResult>;
  /**
   * Runs when a job= fault fails the job before its work: what the real command leaves behind when its
   * job fails that way (a deployVirtualMachine whose start fails leaves the VM it created in Error).
   */
  onFailure?(): void;
}

export type HandlerResult =
  | { kind: "object"; entityKey: string; entity: unknown }
  /** The front applies page/pagesize and sets `count` to items.length before paging. */
  | { kind: "list"; entityKey: string; items: unknown[] }
  | { kind: "success"; displaytext?: string }
  /** A flat body under the response key (queryAsyncJobResult). */
  | { kind: "flat"; body: Record<string, unknown> }
  | { kind: "async"; work: AsyncWork };

export type CommandHandler = (params: Params, caller: Caller) => HandlerResult | Promise<HandlerResult>;

/** An audit record: API calls (`kind: "api"`), job ends (`"job"`) and node commands (`"node"`). */
export interface AuditRecord {
  kind: "api" | "job" | "node";
  command: string;
  params?: Record<string, string>;
  status: number | string;
  jobid?: string;
  start: number;
  end: number;
  /** node records */
  node?: string;
  argv?: string[];
  exitCode?: number;
  [extra: string]: unknown;
}

export interface AuditSink {
  record(entry: AuditRecord): void;
}

/**
 * Deterministic fault draws (seeded), implemented by the fault controller in api/. Cloud faults:
 * "deploy-capacity" (deploy fails with 533), "boot-hang" (VM never finishes booting). Node faults:
 * "cloudinit-hang", "kubelet-fail", "ssh-drop" (connection cut mid-command), "node-never-ready".
 * The subject is the VM name, so a test can target one node ("match" in the fault spec).
 */
export interface FaultSource {
  hit(fault: string, subject: string): boolean;
}

/** What the cloud tells the node runtime when a VM is powered on. */
export interface VmBootSpec {
  vmId: string;
  /** CloudStack `name`: the hostname. */
  name: string;
  displayName: string;
  /** Base64 userdata as stored by CloudStack, if any. */
  userData?: string;
  /** OpenSSH public keys of the deploy keypairs (`keypair` / `keypairs`), for the default user. */
  deployKeys: string[];
  guestIp: string;
  networkId: string;
  /** Shared networks expose SSH directly on the guest IP (a loopback address in the simulator). */
  directAccess: boolean;
  cpuNumber: number;
  memoryMb: number;
  /** Path on the simulator's disk of the ISO image in the VM's CD-ROM, if any. */
  isoPath?: string;
  /** containerd version of the VM's template (seed `templates[].containerd`); 1.7.24 when absent. */
  containerdVersion?: string;
  /** The network's UserData provider is ConfigDrive: a config-2 ISO sits in a second CD-ROM drive. */
  configDrive?: boolean;
}

export interface SocketAddress {
  host: string;
  port: number;
}

/** The simulated VMs, implemented by node/. The cloud drives it through the VM state machine. */
export interface NodeRuntime {
  /** Power on: SSH comes up after the boot delay, then cloud-init runs. Resolves once power-on is accepted. */
  start(vm: VmBootSpec): Promise<void>;
  /** Power off: SSH and services stop; the disk (filesystem, host key) stays. */
  stop(vmId: string): Promise<void>;
  /** Expunge: the disk is gone. */
  remove(vmId: string): Promise<void>;
  /** CD-ROM changes (attachIso / detachIso); null ejects. */
  setIso(vmId: string, isoPath: string | null): void;
  /** The real socket that serves a VM's private port (22 → SSH, 6443 → API server), or null if nothing listens. */
  endpoint(vmId: string, privatePort: number): SocketAddress | null;
  /**
   * Out-of-band damage for tests (admin API): stop/start/restart a systemd unit on the running VM named
   * `vmName`, as if someone ran systemctl on it. Undefined when no running VM has that name.
   */
  serviceAction?(vmName: string, unit: string, action: "start" | "stop" | "restart"): Promise<{ active: string; enabled: boolean } | undefined>;
  close(): Promise<void>;
}

/** Address resolution the nodes use to reach other machines (kubeadm join, etcd endpoints). */
export interface NetworkFabric {
  /**
   * Where a connection from `fromVmId` to host:port really goes: public IPs map to themselves (real
   * listeners exist for their rules); guest IPs on the caller's network map to that VM's endpoint.
   * null = nothing routes there (connection refused).
   */
  resolve(fromVmId: string, host: string, port: number): SocketAddress | null;
}

/** A Kubernetes object as the simulated API server stores it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [extra: string]: unknown;
  };
  [field: string]: unknown;
}

/** Objects of one cluster, shared by the node-side tools (kubeadm, kubectl over SSH) and the API server. */
export interface KubeStore {
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  /** Create or replace; fills uid, creationTimestamp (kept on replace) and a new resourceVersion. */
  upsert(obj: KubeObject): KubeObject;
  delete(apiVersion: string, kind: string, name: string, namespace?: string): boolean;
}

/** What the per-cluster API server needs from the cluster model (node/ provides it). */
export interface KubeClusterView {
  readonly name: string;
  readonly store: KubeStore;
  /** e.g. "v1.31.4": the control plane's version (the lowest API server version during an upgrade). */
  gitVersion(): string;
  /** PEM: cluster CA certificate, API server certificate and key (SANs include the public endpoint). */
  readonly tls: { caCertPem: string; serverCertPem: string; serverKeyPem: string };
  /** false while etcd has no quorum or the control plane is down: /readyz then answers 500. */
  healthy(): boolean;
  /**
   * Called after every write through the HTTP API (create, update, patch, delete, eviction), so the
   * cluster's controllers and kubelets (node/kube reconcile.ts) act on objects an outside kubectl sent.
   */
  changed?(): void;
  /** The simulated time (clock.now()): client certificates expired by it are refused (401) as kube-apiserver does. */
  now?(): number;
}

/** What cloud/ hands the API front (api/). */
export interface Cloud {
  /** Handlers keyed by the command name as CloudStack spells it (`deployVirtualMachine`). */
  readonly handlers: Readonly<Record<string, CommandHandler>>;
  /** API key lookup for signature verification. */
  credentials(apiKey: string): { caller: Caller; secretKey: string } | undefined;
  readonly fabric: NetworkFabric;
  /** JSON-safe snapshot of the whole world, for --state-file; restore() replaces the world with it. */
  snapshot(): unknown;
  restore(snapshot: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface CloudOptions {
  clock: SimClock;
  audit: AuditSink;
  faults: FaultSource;
  nodes: NodeRuntime;
  /** The seed world (default or --seed FILE), already parsed. */
  seed: unknown;
  /** Scratch directory for downloaded ISOs and other files. */
  dataDir: string;
  /** Seeded random source, so ids and draws repeat under the same seed. */
  random: () => number;
}
