// Test doubles for the node runtime: a scaled clock, an audit collector, switchable faults, a fabric.
import type { AuditRecord, AuditSink, FaultSource, NetworkFabric, SimClock, SocketAddress, VmBootSpec } from "../../../simulator/contracts";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { writeIsoImage } from "../../../simulator/iso/isoWriter";
import { populateBaseImage } from "../../../simulator/node/baseImage";
import { SimMachine } from "../../../simulator/node/machine";
import { SimCommandTable } from "../../../simulator/node/table";
import { installBaseTools } from "../../../simulator/node/tools";
import { addUser, authorizeKeys } from "../../../simulator/node/users";
import { serviceState } from "../../../simulator/node/services";

export function fastClock(scale = 0.0002): SimClock {
  return {
    scale,
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new Error("aborted"));
        const t = setTimeout(resolve, ms * scale);
        signal?.addEventListener("abort", () => {
          clearTimeout(t);
          reject(new Error("aborted"));
        }, { once: true });
      }),
  };
}

export class AuditLog implements AuditSink {
  readonly records: AuditRecord[] = [];
  record(entry: AuditRecord): void {
    this.records.push(entry);
  }
  node(): AuditRecord[] {
    return this.records.filter((r) => r.kind === "node");
  }
}

export class Faults implements FaultSource {
  readonly on = new Set<string>();
  hit(fault: string, subject: string): boolean {
    return this.on.has(fault) || this.on.has(`${fault}:${subject}`);
  }
}

export class Fabric implements NetworkFabric {
  readonly routes = new Map<string, SocketAddress>();
  resolve(_from: string, host: string, port: number): SocketAddress | null {
    return this.routes.get(`${host}:${port}`) ?? null;
  }
}

export function bootSpec(over: Partial<VmBootSpec> = {}): VmBootSpec {
  return {
    vmId: over.vmId ?? `vm-${Math.random().toString(16).slice(2, 10)}`,
    name: "node-1",
    displayName: "node-1",
    deployKeys: [],
    guestIp: "10.1.1.10",
    networkId: "net-1",
    directAccess: false,
    cpuNumber: 2,
    memoryMb: 2048,
    ...over,
  };
}

/** A machine with the base image and a default user "cloud" (NOPASSWD sudo), not booted: for shell tests. */
export function shellMachine(opts: { iso?: Map<string, Buffer>; audit?: AuditLog; isoLabel?: string; configDrive?: boolean } = {}): SimMachine {
  const table = new SimCommandTable();
  installBaseTools(table);
  // blkid probes the image's bytes, so the CD-ROM is a real ISO 9660 image of the given files.
  let isoFile: string | null = null;
  if (opts.iso) {
    isoFile = join(mkdtempSync(join(tmpdir(), "shell-iso-")), "k8s.iso");
    writeFileSync(isoFile, writeIsoImage([...opts.iso].map(([path, data]) => ({ path, data })), { volumeId: opts.isoLabel ?? "CDROM" }));
  }
  const m = new SimMachine(bootSpec(opts.configDrive ? { configDrive: true } : {}), {
    clock: fastClock(),
    audit: opts.audit ?? new AuditLog(),
    faults: new Faults(),
    fabric: new Fabric(),
    table,
    isoReader: async () => opts.iso ?? new Map(),
    isoPath: () => isoFile,
  });
  populateBaseImage(m.fs, "node-1");
  addUser(m.fs, { name: "cloud", shell: "/bin/bash", groups: ["sudo"], sudo: ["ALL=(ALL) NOPASSWD:ALL"] });
  addUser(m.fs, { name: "alice", shell: "/bin/bash" });
  authorizeKeys(m.fs, "cloud", []);
  serviceState(m, "containerd").active = "active";
  return m;
}
