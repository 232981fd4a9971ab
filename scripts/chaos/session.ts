// The world every chaos run shares: one in-process simulator (its user account may expunge VMs, as
// the integration tests set it up) and one registered Kubernetes version.
import { SEED_IDS, startSimulator, type Simulator } from "../../simulator";
import { defaultSeed } from "../../simulator/cloud";
import { makeSupportedVersionProvider } from "../../provider/resources/kubernetesSupportedVersion";

export interface Session {
  sim: Simulator;
  baseInputs: Record<string, unknown>;
}

export async function startSession(opts: { timeScale: number; seed: number; createTimeout: string }): Promise<Session> {
  const seed = defaultSeed();
  const sim = await startSimulator({
    timeScale: opts.timeScale,
    seed: { ...seed, settings: { ...seed.settings, "allow.user.expunge.recover.vm": "true" } },
    randomSeed: opts.seed,
    strict: true,
  });
  const connection = { apiUrl: sim.apiUrl, apiKey: sim.apiKey, secretKey: sim.secretKey };
  const iso = sim.isos[0];
  if (!iso) throw new Error("the simulator serves no Kubernetes ISO");
  const version = await makeSupportedVersionProvider({ readyTimeoutMs: 120_000, progressSink: () => undefined }).create({
    ...connection,
    semanticVersion: iso.version,
    url: iso.url,
    checksum: iso.sha256,
    minCpuNumber: 2,
    minMemory: 2048,
    state: "Enabled",
  });
  const baseInputs = {
    ...connection,
    zoneId: SEED_IDS.zone,
    kubernetesVersionId: version.id,
    kubernetesVersion: iso.version,
    serviceOfferingId: SEED_IDS.offerings.small,
    templateId: SEED_IDS.templates.debianCks,
    etcdNodes: 0,
    nodeRootDiskSize: 8,
    timeouts: { create: opts.createTimeout, update: opts.createTimeout, delete: opts.createTimeout },
  };
  return { sim, baseInputs };
}
