// The world every chaos run shares: one in-process simulator (its user account may expunge VMs, as
// the integration tests set it up) and one registered Kubernetes version.
import { SEED_IDS, startSimulator, type Simulator } from "../../simulator";
import { defaultSeed } from "../../simulator/cloud";
import { makeSupportedVersionProvider } from "../../provider/resources/kubernetesSupportedVersion";

export interface SessionVersions {
  /** The version clusters are made with. */
  first: { id: string; semanticVersion: string };
  /** The next minor, for upgrades. */
  next: { id: string; semanticVersion: string };
}

export interface Session {
  sim: Simulator;
  baseInputs: Record<string, unknown>;
  versions: SessionVersions;
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
  const minor = (v: string): number => Number(v.split(".")[1]);
  const nextIso = sim.isos.find((i) => minor(i.version) === minor(iso.version) + 1);
  if (!nextIso) throw new Error(`the simulator serves no ISO of the minor after ${iso.version}`);
  const register = async (i: typeof iso) =>
    (
      await makeSupportedVersionProvider({ readyTimeoutMs: 120_000, progressSink: () => undefined }).create({
        ...connection,
        semanticVersion: i.version,
        url: i.url,
        checksum: i.sha256,
        minCpuNumber: 2,
        minMemory: 2048,
        state: "Enabled",
      })
    ).id;
  const version = { id: await register(iso) };
  const versions: SessionVersions = { first: { id: version.id, semanticVersion: iso.version }, next: { id: await register(nextIso), semanticVersion: nextIso.version } };
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
  return { sim, baseInputs, versions };
}
