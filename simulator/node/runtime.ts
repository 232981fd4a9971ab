// The NodeRuntime the cloud drives: one SimMachine per VM id, booted and stopped with the VM state
// machine. Boot = a realistic delay, cloud-init's init stage, sshd up, enabled services started,
// then cloud-init's final stage in the background.
import * as net from "node:net";
import { utils } from "ssh2";
import type { AuditSink, FaultSource, NetworkFabric, NodeRuntime, SimClock, SocketAddress, VmBootSpec } from "../contracts";
import { populateBaseImage } from "./baseImage";
import { CloudInit } from "./cloudinit/runner";
import { type IsoReader, SimMachine } from "./machine";
import { appendJournal, serviceState, startService, stopService } from "./services";
import { type SshListener, startSshServer } from "./ssh/server";
import { SimCommandTable } from "./table";
import { installBaseTools } from "./tools";
import { resetKernel } from "./tools/system";
import type { CommandTable, NodeEnvironment, NodeMachine } from "./types";

/**
 * An ed25519 host key ssh2 can read back: a small share of ssh2's own generateKeyPairSync output is
 * rejected by its parser ("Malformed OpenSSH private key"), so draw again until it parses.
 */
export function generateHostKey(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

/** Realistic time from power-on to sshd accepting connections (ms, scaled by the clock). */
export const BOOT_MS = 30000;

export interface NodeRuntimeDeps {
  clock: SimClock;
  audit: AuditSink;
  faults: FaultSource;
  fabric: NetworkFabric;
  dataDir: string;
  /** Reads an ISO image's files; defaults to simulator/iso's readIsoImage. */
  isoReader?: IsoReader;
  /** Registers extra tools (default: node/kube's installKubeTools when it is present). */
  extensions?: (table: CommandTable, env: NodeEnvironment) => void;
}

function defaultIsoReader(): IsoReader {
  return async (path) => {
    const mod = require("../iso") as { readIsoImage?: IsoReader };
    if (typeof mod.readIsoImage !== "function") throw new Error("simulator/iso does not export readIsoImage");
    return mod.readIsoImage(path);
  };
}

interface KubeModule {
  installKubeTools?: (table: CommandTable, env: NodeEnvironment) => void;
  closeKubeTools?: (env: NodeEnvironment) => Promise<void>;
}

/** node/kube, when it is there; any other failure while loading it is a bug and surfaces. */
function loadKube(): KubeModule {
  try {
    return require("./kube") as KubeModule;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && /['"][^'"]*[/\\]kube['"]/.test(String((e as Error).message));
    if (missing) return {};
    throw e;
  }
}

export class SimNodeRuntime implements NodeRuntime {
  readonly table = new SimCommandTable();
  readonly machines = new Map<string, SimMachine>();
  private readonly isos = new Map<string, string | null>();
  private readonly listeners = new Map<string, { ssh: SshListener; guest?: net.Server }>();
  readonly env: NodeEnvironment;
  private readonly isoReader: IsoReader;
  private kube: KubeModule = {};

  constructor(private readonly deps: NodeRuntimeDeps) {
    this.isoReader = deps.isoReader ?? defaultIsoReader();
    const machines = this.machines;
    this.env = {
      clock: deps.clock,
      audit: deps.audit,
      faults: deps.faults,
      fabric: deps.fabric,
      machineByVmId(vmId: string): NodeMachine | undefined {
        const m = machines.get(vmId);
        return m && m.power !== "off" ? m : undefined;
      },
      ownerOf: (address) => this.ownerOf(address),
    };
    installBaseTools(this.table);
    if (deps.extensions) deps.extensions(this.table, this.env);
    else {
      this.kube = loadKube();
      this.kube.installKubeTools?.(this.table, this.env);
    }
  }

  machine(vmId: string): SimMachine | undefined {
    return this.machines.get(vmId);
  }

  async start(vm: VmBootSpec): Promise<void> {
    let m = this.machines.get(vm.vmId);
    if (!m) {
      m = new SimMachine(vm, {
        clock: this.deps.clock,
        audit: this.deps.audit,
        faults: this.deps.faults,
        fabric: this.deps.fabric,
        table: this.table,
        isoReader: this.isoReader,
        isoPath: () => this.isos.get(vm.vmId) ?? null,
      });
      this.machines.set(vm.vmId, m);
    }
    if (m.power !== "off") return;
    m.spec = vm;
    if (vm.isoPath) this.isos.set(vm.vmId, vm.isoPath);
    if (!m.imageReady) {
      populateBaseImage(m.fs, vm.name, { containerdVersion: vm.containerdVersion });
      m.hostKey = generateHostKey();
      for (const unit of ["containerd", "ssh"]) serviceState(m, unit).enabled = true;
      m.imageReady = true;
    }
    m.power = "booting";
    m.powerSignal = new AbortController();
    const machine = m;
    const signal = m.powerSignal.signal;
    void this.boot(machine, signal).catch((e: unknown) => {
      if (!signal.aborted) appendJournal(machine, "systemd", `boot failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  private async boot(m: SimMachine, signal: AbortSignal): Promise<void> {
    await m.clock.sleep(BOOT_MS, signal);
    if (m.faults.hit("boot-hang", m.spec.name)) {
      appendJournal(m, "systemd", "A start job is running for /dev/disk/by-label/ROOT (no limit)");
      return;
    }
    resetKernel(m);
    const cloudInit = new CloudInit(m);
    await cloudInit.initStage(signal);
    if (signal.aborted) return;
    const ssh = await startSshServer(m, m.hostKey?.private ?? "");
    if (signal.aborted) {
      await ssh.close();
      return;
    }
    const entry: { ssh: SshListener; guest?: net.Server } = { ssh };
    this.listeners.set(m.spec.vmId, entry);
    m.expose(22, ssh.port);
    if (m.spec.directAccess) entry.guest = await this.listenOnGuestIp(m, ssh);
    m.power = "running";
    for (const [unit, st] of [...m.services]) {
      // At boot systemd starts enabled units in parallel: none waits for another's readiness.
      if (st.enabled) await startService(m, { hook: (u) => this.table.hook(u) }, unit, { wait: false });
    }
    if (m.faults.hit("cloudinit-hang", m.spec.name)) {
      appendJournal(m, "cloud-init", "modules:final hangs (fault cloudinit-hang)");
      return;
    }
    await cloudInit.finalStage(signal);
  }

  /** Direct-access networks: sshd also on guestIp:22 (a loopback address); failures are logged, not fatal. */
  private async listenOnGuestIp(m: SimMachine, ssh: SshListener): Promise<net.Server | undefined> {
    const server = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", (e: Error) => {
        appendJournal(m, "ssh", `error: Bind to port 22 on ${m.spec.guestIp} failed: ${e.message}.`);
        resolve(false);
      });
      server.listen(22, m.spec.guestIp, () => resolve(true));
    });
    if (!ok) return undefined;
    ssh.attach(server);
    return server;
  }

  async stop(vmId: string): Promise<void> {
    const m = this.machines.get(vmId);
    if (!m || m.power === "off") return;
    m.powerSignal.abort();
    const entry = this.listeners.get(vmId);
    this.listeners.delete(vmId);
    if (entry) {
      await entry.ssh.close();
      if (entry.guest) await new Promise<void>((r) => entry.guest?.close(() => r()));
    }
    const control = { hook: (u: string) => this.table.hook(u) };
    for (const [unit, st] of [...m.services]) {
      if (st.active !== "inactive") await stopService(m, control, unit);
    }
    m.unexposeAll();
    m.mounts.clear();
    m.power = "off";
  }

  async serviceAction(vmName: string, unit: string, action: "start" | "stop" | "restart"): Promise<{ active: string; enabled: boolean } | undefined> {
    const m = [...this.machines.values()].find((x) => x.spec.name === vmName && x.power !== "off");
    if (!m) return undefined;
    const control = { hook: (u: string) => this.table.hook(u) };
    if (action !== "start") await stopService(m, control, unit);
    if (action !== "stop") await startService(m, control, unit, { wait: true });
    const st = serviceState(m, unit);
    return { active: st.active, enabled: st.enabled };
  }

  async remove(vmId: string): Promise<void> {
    await this.stop(vmId);
    this.machines.delete(vmId);
    this.isos.delete(vmId);
  }

  setIso(vmId: string, isoPath: string | null): void {
    this.isos.set(vmId, isoPath);
  }

  endpoint(vmId: string, privatePort: number): SocketAddress | null {
    const port = this.machines.get(vmId)?.exposed.get(privatePort);
    return port === undefined ? null : { host: "127.0.0.1", port };
  }

  private ownerOf(address: { host: string; port: number }): { vmId: string; privatePort: number } | undefined {
    for (const [vmId, m] of this.machines) {
      if (address.host === m.spec.guestIp && m.exposed.has(address.port)) return { vmId, privatePort: address.port };
      if (!address.host.startsWith("127.")) continue;
      for (const [privatePort, real] of m.exposed) if (real === address.port) return { vmId, privatePort };
    }
    return undefined;
  }

  async close(): Promise<void> {
    for (const vmId of [...this.machines.keys()]) await this.stop(vmId);
    await this.kube.closeKubeTools?.(this.env);
  }
}

export function createNodeRuntime(deps: NodeRuntimeDeps): SimNodeRuntime {
  return new SimNodeRuntime(deps);
}
