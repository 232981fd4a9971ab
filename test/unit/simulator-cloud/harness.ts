// Test harness for the cloud model: a fake node runtime whose VMs serve a one-line banner on their
// private ports, a clock with scale 0, and helpers to call handlers as the API front would.
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import type { Caller, Cloud, FaultSource, HandlerResult, JobResult, NodeRuntime, SimClock, SocketAddress, VmBootSpec } from "../../../simulator/contracts";
import { createCloud, defaultSeed, SEED_IDS } from "../../../simulator/cloud";
import { generateRsaKeyPair } from "../../../simulator/cloud/sshkeys";

export const ADMIN_KEY = defaultSeed().accounts[0].users[0].apikey;
export const USER_KEY = defaultSeed().accounts[1].users[0].apikey;
export { SEED_IDS };

export class FakeNodes implements NodeRuntime {
  readonly started: VmBootSpec[] = [];
  readonly stopped: string[] = [];
  readonly removed: string[] = [];
  readonly isos = new Map<string, string | null>();
  private readonly servers = new Map<string, Map<number, { server: net.Server; port: number }>>();
  /** Private ports each VM serves. */
  ports = [22, 6443];

  async start(vm: VmBootSpec): Promise<void> {
    this.started.push(vm);
    const mine = new Map<number, { server: net.Server; port: number }>();
    for (const p of this.ports) {
      const server = net.createServer((s) => {
        s.on("error", () => undefined);
        s.end(`banner ${vm.name} ${p}\n`);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      mine.set(p, { server, port: (server.address() as net.AddressInfo).port });
    }
    this.servers.set(vm.vmId, mine);
  }

  async stop(vmId: string): Promise<void> {
    this.stopped.push(vmId);
    await this.closeVm(vmId);
  }

  async remove(vmId: string): Promise<void> {
    this.removed.push(vmId);
    await this.closeVm(vmId);
  }

  setIso(vmId: string, isoPath: string | null): void {
    this.isos.set(vmId, isoPath);
  }

  endpoint(vmId: string, privatePort: number): SocketAddress | null {
    const s = this.servers.get(vmId)?.get(privatePort);
    return s ? { host: "127.0.0.1", port: s.port } : null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((id) => this.closeVm(id)));
  }

  private async closeVm(vmId: string): Promise<void> {
    const mine = this.servers.get(vmId);
    this.servers.delete(vmId);
    await Promise.all([...(mine?.values() ?? [])].map((s) => new Promise<void>((r) => s.server.close(() => r()))));
  }
}

/**
 * Scale ~0: operation latencies (under a minute of realistic time) pass at once; longer waits (the
 * expunge delay) only end when the test calls `elapse()` or the signal aborts.
 */
export class TestClock implements SimClock {
  readonly scale = 0;
  private readonly parked = new Set<() => void>();
  sleep(realisticMs: number, signal?: AbortSignal): Promise<void> {
    if (realisticMs < 60_000) return new Promise((r) => setImmediate(r));
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.parked.delete(wake);
        resolve();
      };
      this.parked.add(wake);
      signal?.addEventListener("abort", () => {
        this.parked.delete(wake);
        reject(new Error("aborted"));
      });
    });
  }
  now(): number {
    return Date.now();
  }
  /** End every long sleep now. */
  async elapse(): Promise<void> {
    for (const wake of [...this.parked]) wake();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  }
}

export class ScriptedFaults implements FaultSource {
  readonly armed = new Set<string>();
  hit(fault: string, subject: string): boolean {
    return this.armed.has(`${fault}:${subject}`) || this.armed.has(`${fault}:*`);
  }
}

export interface Sim {
  cloud: Cloud;
  nodes: FakeNodes;
  faults: ScriptedFaults;
  clock: TestClock;
  admin: Caller;
  user: Caller;
  dataDir: string;
  close(): Promise<void>;
}

export async function makeSim(seed: unknown = defaultSeed()): Promise<Sim> {
  const nodes = new FakeNodes();
  const faults = new ScriptedFaults();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "sim-cloud-"));
  let n = 0;
  const clock = new TestClock();
  const cloud = await createCloud({
    clock,
    audit: { record: () => undefined },
    faults,
    nodes,
    seed,
    dataDir,
    random: () => ((n = (n * 9301 + 49297) % 233280) / 233280),
  });
  const admin = cloud.credentials(ADMIN_KEY)!.caller;
  const user = cloud.credentials(USER_KEY)!.caller;
  return {
    cloud,
    nodes,
    faults,
    clock,
    admin,
    user,
    dataDir,
    async close() {
      await cloud.close();
      await nodes.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function call(sim: Sim, command: string, params: Record<string, string>, caller: Caller = sim.user): Promise<HandlerResult> {
  const h = sim.cloud.handlers[command];
  if (!h) throw new Error(`no handler ${command}`);
  return h(params, caller);
}

/** Call and, for async commands, run the job to its end. */
export async function exec(sim: Sim, command: string, params: Record<string, string>, caller: Caller = sim.user): Promise<HandlerResult | JobResult> {
  const r = await call(sim, command, params, caller);
  if (r.kind === "async") return r.work.run();
  return r;
}

export async function entity(sim: Sim, command: string, params: Record<string, string>, caller: Caller = sim.user): Promise<any> {
  const r = await exec(sim, command, params, caller);
  if (r.kind !== "object") throw new Error(`${command}: expected an object result, got ${r.kind}`);
  return r.entity;
}

export async function items(sim: Sim, command: string, params: Record<string, string> = {}, caller: Caller = sim.user): Promise<any[]> {
  const r = await call(sim, command, params, caller);
  if (r.kind !== "list") throw new Error(`${command}: expected a list, got ${r.kind}`);
  return r.items;
}

/** The ApiError (code, text) an async job or a sync call fails with. */
export async function failure(p: () => Promise<unknown>): Promise<{ code: number; text: string; cs: number }> {
  try {
    await p();
  } catch (err: any) {
    if (typeof err?.errorcode === "number") return { code: err.errorcode, text: err.errortext, cs: err.cserrorcode };
    throw err;
  }
  throw new Error("expected a failure");
}

export const PUBKEY = generateRsaKeyPair("test@example").publicKey;

export async function newNetwork(sim: Sim, name = "net1", caller: Caller = sim.user): Promise<any> {
  return entity(sim, "createNetwork", { name, networkofferingid: SEED_IDS.networkOfferings.kubernetes, zoneid: SEED_IDS.zone }, caller);
}

export async function deploy(sim: Sim, networkId: string, extra: Record<string, string> = {}, caller: Caller = sim.user): Promise<any> {
  return entity(
    sim,
    "deployVirtualMachine",
    { zoneid: SEED_IDS.zone, serviceofferingid: SEED_IDS.offerings.medium, templateid: SEED_IDS.templates.debianCks, networkids: networkId, ...extra },
    caller,
  );
}

/** Read whatever a TCP server sends until it closes; "" when the connection is refused or reset. */
export function readBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let data = "";
    s.on("data", (d) => (data += d.toString()));
    s.on("close", () => resolve(data));
    s.on("error", () => resolve(data));
  });
}
