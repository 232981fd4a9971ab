// The upgrade table of `npm run bench`: a rolling 1.32 → 1.33 upgrade of N workers (3, 6, 12) at
// maxUnavailable k (1, 3), beside the one-node time (a 1-worker cluster's worker phase). All runs in one
// process, each on a fresh simulator, so the ratios compare like with like. Times come from the
// provider's own progress lines ("<phase>: done in Xs"), the whole update from the wall clock.
import { performance } from "node:perf_hooks";
import { startSimulator, SEED_IDS, type Simulator } from "../../simulator";
import { makeClusterProvider } from "../../provider/resources/kubernetesCluster";
import { makeSupportedVersionProvider } from "../../provider/resources/kubernetesSupportedVersion";
import { scaledCloudFactory } from "./scaledCloud";

export const UPGRADE_FROM = "1.32.9";
export const UPGRADE_TO = "1.33.5";

export interface UpgradeSample {
  workers: number;
  maxUnavailable: number;
  seconds: number;
  controlPlaneSeconds: number;
  workerSeconds: number;
}

async function register(sim: Simulator, connection: Record<string, string>, version: string): Promise<string> {
  const iso = sim.isos.find((i) => i.version === version);
  if (!iso) throw new Error(`the simulator serves no ISO for ${version}`);
  const provider = makeSupportedVersionProvider({ readyTimeoutMs: 120_000, progressSink: () => undefined });
  return (await provider.create({ ...connection, semanticVersion: version, url: iso.url, checksum: iso.sha256, minCpuNumber: 2, minMemory: 2048, state: "Enabled" })).id;
}

/** Seconds a phase took, from its "<phase>: done in 12.3s" progress line. */
export function phaseSeconds(lines: readonly string[], phase: string): number {
  const line = lines.find((l) => new RegExp(`\\] ${phase}: done in [\\d.]+s$`).test(l));
  if (!line) throw new Error(`no "${phase}: done" line in the upgrade's progress`);
  return Number(/done in ([\d.]+)s$/.exec(line)?.[1]);
}

export async function runUpgrade(opts: { workers: number; maxUnavailable: number; timeScale: number }): Promise<UpgradeSample> {
  const sim = await startSimulator({ timeScale: opts.timeScale, randomSeed: 1 });
  try {
    const connection = { apiUrl: sim.apiUrl, apiKey: sim.apiKey, secretKey: sim.secretKey };
    const from = await register(sim, connection, UPGRADE_FROM);
    const to = await register(sim, connection, UPGRADE_TO);
    const lines: string[] = [];
    const provider = makeClusterProvider({ progressSink: (l) => void lines.push(l), cloud: scaledCloudFactory(opts.timeScale) });
    const inputs: Record<string, unknown> = {
      ...connection,
      name: "bench-upgrade",
      zoneId: SEED_IDS.zone,
      kubernetesVersionId: from,
      kubernetesVersion: UPGRADE_FROM,
      serviceOfferingId: SEED_IDS.offerings.small,
      templateId: SEED_IDS.templates.debianCks,
      size: opts.workers,
      controlNodes: 1,
      etcdNodes: 0,
      nodeRootDiskSize: 8,
      maxClusterSize: Math.max(10, opts.workers + 1),
      timeouts: { create: "30m", update: "30m", delete: "30m" },
    };
    const created = await provider.create(inputs);
    const news = { ...inputs, kubernetesVersionId: to, kubernetesVersion: UPGRADE_TO, upgrade: { maxUnavailable: opts.maxUnavailable } };
    lines.length = 0;
    const started = performance.now();
    const updated = await provider.update!(created.id, created.outs, news);
    const seconds = (performance.now() - started) / 1000;
    if ((updated.outs as Record<string, unknown>).kubernetesVersion !== UPGRADE_TO) throw new Error("the upgrade did not reach the target version");
    return { workers: opts.workers, maxUnavailable: opts.maxUnavailable, seconds, controlPlaneSeconds: phaseSeconds(lines, "control-plane"), workerSeconds: phaseSeconds(lines, "workers") };
  } finally {
    await sim.stop();
  }
}

export const UPGRADE_RUNS: readonly { workers: number; maxUnavailable: number }[] = [
  { workers: 3, maxUnavailable: 1 },
  { workers: 3, maxUnavailable: 3 },
  { workers: 6, maxUnavailable: 1 },
  { workers: 6, maxUnavailable: 3 },
  { workers: 12, maxUnavailable: 1 },
  { workers: 12, maxUnavailable: 3 },
];

/** The table: each run's worker phase against ⌈N/k⌉ × the one-node time (target ratio ≈ 1). */
export function upgradeMarkdown(oneNode: UpgradeSample, samples: readonly UpgradeSample[], timeScale: number): string {
  const rows = samples.map((s) => {
    const expected = Math.ceil(s.workers / s.maxUnavailable) * oneNode.workerSeconds;
    return `| ${s.workers} | ${s.maxUnavailable} | ${s.seconds.toFixed(1)} | ${s.controlPlaneSeconds.toFixed(1)} | ${s.workerSeconds.toFixed(1)} | ${expected.toFixed(1)} | ${(s.workerSeconds / expected).toFixed(2)} |`;
  });
  return [
    `### Rolling upgrade ${UPGRADE_FROM} → ${UPGRADE_TO} (time scale ${timeScale}; one worker alone: ${oneNode.workerSeconds.toFixed(1)} s, control plane ${oneNode.controlPlaneSeconds.toFixed(1)} s)`,
    "",
    "| workers N | maxUnavailable k | upgrade, wall s | control plane s | workers s | ⌈N/k⌉ × one worker s | workers / target |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export async function upgradeBench(timeScale: number, note: (line: string) => void): Promise<string> {
  note(`upgrade: one worker alone`);
  const oneNode = await runUpgrade({ workers: 1, maxUnavailable: 1, timeScale });
  const samples: UpgradeSample[] = [];
  for (const run of UPGRADE_RUNS) {
    note(`upgrade: ${run.workers} workers, maxUnavailable ${run.maxUnavailable}`);
    const sample = await runUpgrade({ ...run, timeScale });
    samples.push(sample);
    note(`upgrade: ${sample.seconds.toFixed(1)} s (workers ${sample.workerSeconds.toFixed(1)} s)`);
  }
  return upgradeMarkdown(oneNode, samples, timeScale);
}
