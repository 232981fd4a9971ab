// Wires a whole simulator from its parts: clock, audit, faults, ISO catalog, node runtime, cloud and
// the HTTP front. The parts are injected so tests can assemble it around fakes; simulator/index.ts
// passes the real ones.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { AuditLog } from "../audit";
import { createClock } from "../clock";
import type { AuditSink, Cloud, CloudOptions, FaultSource, NetworkFabric, NodeRuntime, SimClock } from "../contracts";
import { FaultController, hashString, mulberry32 } from "../faults";
import { ApiFront } from "./front";
import { startApiServer, type IsoFile } from "./server";

export interface KeyPair {
  apiKey: string;
  secretKey: string;
}

export interface LoadedSeed {
  /** The parsed seed world, handed to the cloud. */
  seed: unknown;
  /** The root admin's keys (also the /admin/ key) and the regular user's keys. */
  admin: KeyPair;
  user: KeyPair;
  /** vm.userdata.max.length from the seed's settings, if set. */
  userDataMaxLength?: number;
}

export interface SimulatorParts {
  /** Parse a seed: an object, or undefined for the default world. */
  loadSeed(raw: unknown): LoadedSeed;
  createCloud(options: CloudOptions): Promise<Cloud>;
  createNodeRuntime(deps: { clock: SimClock; audit: AuditSink; faults: FaultSource; fabric: NetworkFabric; dataDir: string }): NodeRuntime;
  buildIsoCatalog(dir: string): Promise<IsoFile[]>;
}

export interface SimulatorOptions {
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** Multiplier for realistic durations (default 1 = real time). */
  timeScale?: number;
  /** The seed world: an object, or the path of a JSON/YAML file. Default: the built-in world. */
  seed?: unknown;
  /** Fault spec: the string grammar (simulator/faults/spec.ts) or its JSON form. */
  faults?: unknown;
  /** Restore the world from this file at start when it exists; save it there on stop. */
  stateFile?: string;
  /** Append audit records to this file as JSON lines. */
  auditFile?: string;
  /** Reject undeclared parameters with 431 (default false: CloudStack logs them and ignores them). */
  strict?: boolean;
  /** Seed of every random draw (ids the cloud makes, fault draws). Default 1. */
  randomSeed?: number | string;
  /** Diagnostics sink (the CLI writes to stderr). Default: silent. */
  log?: (message: string) => void;
}

export interface IsoIndexEntry {
  version: string;
  url: string;
  sha256: string;
  /** "manifest" (docs/binaries-iso.md) or "cks" (CloudStack's own script: no manifest.json, label ISOIMAGE). */
  layout: "manifest" | "cks";
}

export interface Simulator {
  apiUrl: string;
  /** The regular user account's keys. */
  apiKey: string;
  secretKey: string;
  adminApiKey: string;
  adminSecretKey: string;
  isoBaseUrl: string;
  isos: IsoIndexEntry[];
  /** The same versions built exactly as CloudStack's create-kubernetes-binaries-iso.sh does (label ISOIMAGE). */
  cksLayoutIsos: IsoIndexEntry[];
  faults: FaultController;
  audit: AuditLog;
  cloud: Cloud;
  clock: SimClock;
  /** Scratch directory (ISOs, downloads); removed by stop(). */
  dataDir: string;
  /** Resolves when every async job submitted so far has ended. */
  jobsIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** How long stop() lets running jobs finish before it closes the world under them (real ms). */
const STOP_JOB_GRACE_MS = 2000;

export function readSeedFile(file: string): unknown {
  const text = fs.readFileSync(file, "utf8");
  // YAML is a superset of JSON, so one parser reads both.
  return parseYaml(text) as unknown;
}

export async function startSimulatorWith(parts: SimulatorParts, options: SimulatorOptions = {}): Promise<Simulator> {
  const log = options.log ?? (() => undefined);
  const randomSeed = options.randomSeed ?? 1;
  const loaded = parts.loadSeed(typeof options.seed === "string" ? readSeedFile(options.seed) : options.seed);
  const clock = createClock({ scale: options.timeScale ?? 1 });
  const audit = new AuditLog({ file: options.auditFile });
  const faults = new FaultController(randomSeed, options.faults);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cloudstack-sim-"));
  const cleanups: Array<() => Promise<void> | void> = [
    () => fs.rmSync(dataDir, { recursive: true, force: true }),
    () => audit.close(),
  ];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`shutdown step failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  try {
    const isoFiles = await parts.buildIsoCatalog(path.join(dataDir, "isos"));
    // The nodes and the cloud each need the other (nodes route through the cloud's fabric, the cloud
    // powers nodes on), so the nodes get a fabric that forwards to the cloud once it exists.
    const cloudRef: { current?: Cloud } = {};
    const fabric: NetworkFabric = {
      resolve: (from, host, port) => (cloudRef.current ? cloudRef.current.fabric.resolve(from, host, port) : null),
    };
    const nodes = parts.createNodeRuntime({ clock, audit, faults, fabric, dataDir });
    cleanups.push(() => nodes.close());
    const createdCloud = await parts.createCloud({
      clock,
      audit,
      faults,
      nodes,
      seed: loaded.seed,
      dataDir,
      random: mulberry32(hashString(`cloud:${randomSeed}`)),
    });
    cloudRef.current = createdCloud;
    cleanups.push(() => createdCloud.close());
    if (options.stateFile && fs.existsSync(options.stateFile)) {
      await createdCloud.restore(JSON.parse(fs.readFileSync(options.stateFile, "utf8")));
      log(`restored state from ${options.stateFile}`);
    }

    const front = new ApiFront({ cloud: createdCloud, clock, audit, faults, strict: options.strict ?? false, userDataMaxLength: loaded.userDataMaxLength, log });
    const server = await startApiServer({ front, audit, faults, isos: isoFiles, adminApiKey: loaded.admin.apiKey, host: options.host, port: options.port, log, adminNodes: { nodes, clock } });
    cleanups.push(() => server.close());

    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        // Stop taking requests first, give in-flight jobs a moment, save the world, then tear down.
        await server.close().catch(() => undefined);
        await Promise.race([front.jobs.idle(), new Promise((r) => setTimeout(r, STOP_JOB_GRACE_MS).unref())]);
        if (options.stateFile) saveState(options.stateFile, createdCloud.snapshot());
        await cleanup();
      })();
      return stopped;
    };

    return {
      apiUrl: server.apiUrl,
      apiKey: loaded.user.apiKey,
      secretKey: loaded.user.secretKey,
      adminApiKey: loaded.admin.apiKey,
      adminSecretKey: loaded.admin.secretKey,
      isoBaseUrl: server.isoBaseUrl,
      // `isos` keeps to the manifest layout, so "the first" or "the newest" ISO stays what it was;
      // the CKS-layout builds of the same versions are listed apart.
      isos: server.isoIndex().filter((i) => i.layout === "manifest"),
      cksLayoutIsos: server.isoIndex().filter((i) => i.layout === "cks"),
      faults,
      audit,
      cloud: createdCloud,
      clock,
      dataDir,
      jobsIdle: () => front.jobs.idle(),
      stop,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Write-then-rename, so a crash mid-save never leaves a truncated state file. */
function saveState(file: string, snapshot: unknown): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(snapshot));
  fs.renameSync(temp, file);
}
