// One measured sample: a fresh in-process simulator, a registered Kubernetes version, then
// KubernetesCluster check() + create() driven directly (as the integration tests do) with a given
// concurrency bound. Only create() is timed; the deploy jobs come from the simulator's audit.
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { startSimulator, SEED_IDS, type Simulator } from "../../simulator";
import { defaultSeed } from "../../simulator/cloud";
import { makeClusterProvider } from "../../provider/resources/kubernetesCluster";
import { makeSupportedVersionProvider } from "../../provider/resources/kubernetesSupportedVersion";
import { scaledCloudFactory } from "./scaledCloud";
import { SampleSchema, type Mode, type Sample } from "./summary";
import { auditStats } from "./auditStats";

/** CloudStack's default cloud.kubernetes.cluster.max.size (control + workers). */
const DEFAULT_MAX_CLUSTER_SIZE = 10;

export interface RunSpec {
  workers: number;
  mode: Mode;
  timeScale: number;
  /** Bound for the parallel mode; undefined = the provider's default. */
  parallelConcurrency?: number;
  /** Scale the provider client's async-job polling with the time scale (see scaledCloud.ts). */
  scaledPolling: boolean;
  /** Provider progress lines (never carry secrets); discarded when absent. */
  progress?: (line: string) => void;
}

/** Every benched cluster has one control node; only the worker count varies. */
export const CONTROL_NODES = 1;

const CheckResultSchema = z.object({
  inputs: z.record(z.string(), z.unknown()).optional(),
  failures: z.array(z.object({ property: z.string().optional(), reason: z.string() })).optional(),
});

const CreateResultSchema = z.object({
  id: z.string().min(1),
  outs: z.object({ state: z.string(), nodes: z.array(z.object({ name: z.string() }).loose()) }).loose(),
});

const DeployJobSchema = z.object({ start: z.number(), end: z.number(), status: z.union([z.string(), z.number()]) });

async function registerVersion(sim: Simulator, connection: Record<string, string>): Promise<{ id: string; semanticVersion: string }> {
  const iso = sim.isos[0];
  if (!iso) throw new Error("the simulator serves no Kubernetes ISO");
  const provider = makeSupportedVersionProvider({ readyTimeoutMs: 120_000, progressSink: () => undefined });
  const created = await provider.create({ ...connection, semanticVersion: iso.version, url: iso.url, checksum: iso.sha256, minCpuNumber: 2, minMemory: 2048, state: "Enabled" });
  return { id: created.id, semanticVersion: iso.version };
}

function clusterInputs(connection: Record<string, string>, versionId: string, semanticVersion: string, workers: number, name = "bench"): Record<string, unknown> {
  return {
    ...connection,
    name,
    zoneId: SEED_IDS.zone,
    kubernetesVersionId: versionId,
    kubernetesVersion: semanticVersion,
    serviceOfferingId: SEED_IDS.offerings.small,
    templateId: SEED_IDS.templates.debianCks,
    size: workers,
    controlNodes: CONTROL_NODES,
    etcdNodes: 0,
    nodeRootDiskSize: 8,
    // The bench raises the size limit itself, as an operator who raised cloud.kubernetes.cluster.max.size would.
    ...(workers + CONTROL_NODES > DEFAULT_MAX_CLUSTER_SIZE ? { maxClusterSize: workers + CONTROL_NODES } : {}),
    // Generous: the sequential mode at a slow time scale must not hit the provider's own deadline.
    timeouts: { create: "30m", update: "30m", delete: "30m" },
  };
}

/** The provider's check(), as the engine calls it before create: defaults applied, failures refused. */
async function checked(provider: ReturnType<typeof makeClusterProvider>, news: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!provider.check) return news;
  const result = CheckResultSchema.parse(await provider.check({}, news));
  if (result.failures && result.failures.length > 0) {
    throw new Error(`KubernetesCluster check failed: ${result.failures.map((f) => `${f.property ?? "inputs"}: ${f.reason}`).join("; ")}`);
  }
  return result.inputs ?? news;
}

/**
 * The default world with account limits raised for the biggest cluster: the seed user may run 40 VMs
 * (as a modest CloudStack account), and a 50-worker cluster needs 51.
 */
export function benchSeed(): ReturnType<typeof defaultSeed> {
  const seed = defaultSeed();
  // And the zone's capacity, for the simulator-at-scale mode's 1000 VMs on 100 networks (one source NAT IP each).
  const zones = seed.zones.map((z) => ({ ...z, capacity: { cpuCores: 8192, memoryMb: 16 * 1024 * 1024, publicIps: 250 } }));
  return { ...seed, zones, limits: { ...seed.limits, user_vm: 200, cpu: 2000, memory: 8 * 1024 * 1024 } };
}

export async function runCluster(spec: RunSpec): Promise<Sample> {
  const sim = await startSimulator({ timeScale: spec.timeScale, randomSeed: 1, seed: benchSeed() });
  try {
    const connection = { apiUrl: sim.apiUrl, apiKey: sim.apiKey, secretKey: sim.secretKey };
    const version = await registerVersion(sim, connection);
    const concurrency = spec.mode === "sequential" ? 1 : spec.parallelConcurrency;
    const cloud = spec.scaledPolling ? scaledCloudFactory(spec.timeScale) : undefined;
    const provider = makeClusterProvider({ progressSink: spec.progress ?? (() => undefined), concurrency, cloud });
    const inputs = await checked(provider, clusterInputs(connection, version.id, version.semanticVersion, spec.workers));
    // Only what happens inside create() counts: version registration and setup above are excluded.
    const auditFrom = sim.audit.records().length;
    const started = performance.now();
    const cpuFrom = process.cpuUsage();
    const created = CreateResultSchema.parse(await provider.create(inputs));
    const seconds = (performance.now() - started) / 1000;
    // Provider and simulator share this process: CPU seconds near wall seconds × cores mean the
    // create waited for the CPU, not for simulated time.
    const cpu = process.cpuUsage(cpuFrom);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (created.outs.state !== "Running") throw new Error(`cluster ended in state ${created.outs.state}, not Running`);
    const expectedNodes = spec.workers + CONTROL_NODES;
    if (created.outs.nodes.length !== expectedNodes) throw new Error(`cluster has ${created.outs.nodes.length} nodes, expected ${expectedNodes}`);
    const during = sim.audit.records().slice(auditFrom);
    const deploys = during
      .filter((r) => r.kind === "job" && r.command === "deployVirtualMachine")
      .map((r) => DeployJobSchema.parse(r))
      .filter((r) => r.status === "succeeded")
      .map((r) => ({ start: r.start, end: r.end }));
    if (deploys.length !== expectedNodes) throw new Error(`the audit shows ${deploys.length} successful VM deploys, expected ${expectedNodes}`);
    return SampleSchema.parse({ workers: spec.workers, mode: spec.mode, seconds, cpuSeconds, deploys, audit: auditStats(during, spec.timeScale) });
  } finally {
    await sim.stop();
  }
}

/** One measurement of `count` clusters created at once by one provider (as one Pulumi host runs them). */
export interface ManySample {
  clusters: number;
  workers: number;
  /** Wall seconds from the first create() to the last one's end. */
  seconds: number;
  nonPollCalls: number;
  polls: number;
}

/** `count` clusters of `spec.workers` workers, created concurrently by one provider against one simulator. */
export async function runClusters(spec: Omit<RunSpec, "mode">, count: number): Promise<ManySample> {
  const sim = await startSimulator({ timeScale: spec.timeScale, randomSeed: 1, seed: benchSeed() });
  try {
    const connection = { apiUrl: sim.apiUrl, apiKey: sim.apiKey, secretKey: sim.secretKey };
    const version = await registerVersion(sim, connection);
    const cloud = spec.scaledPolling ? scaledCloudFactory(spec.timeScale) : undefined;
    const provider = makeClusterProvider({ progressSink: spec.progress ?? (() => undefined), concurrency: spec.parallelConcurrency, cloud });
    const inputs = await Promise.all(Array.from({ length: count }, (_, i) => checked(provider, clusterInputs(connection, version.id, version.semanticVersion, spec.workers, `bench-${i}`))));
    const auditFrom = sim.audit.records().length;
    const started = performance.now();
    const created = await Promise.all(inputs.map(async (i) => CreateResultSchema.parse(await provider.create(i))));
    const seconds = (performance.now() - started) / 1000;
    const notRunning = created.filter((c) => c.outs.state !== "Running");
    if (notRunning.length > 0) throw new Error(`${notRunning.length} of ${count} clusters did not end Running`);
    const stats = auditStats(sim.audit.records().slice(auditFrom), spec.timeScale);
    return { clusters: count, workers: spec.workers, seconds, nonPollCalls: stats.nonPollCalls, polls: stats.polls.polls };
  } finally {
    await sim.stop();
  }
}
