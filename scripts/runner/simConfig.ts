// Stack config for the examples against a running simulator: credentials under the provider's
// namespace and the ids a user would look up in their cloud (the zone, the "Medium" offering, the
// binaries ISO of a Kubernetes version), found through the CloudStack API like a user would.
import { CloudStackClient } from "../../provider/cloudstack";

export interface SimulatorEndpoint {
  apiUrl: string;
  /** Keys to deploy with. Admin keys let teardown expunge VMs at once (users must wait for expunge.delay). */
  apiKey: string;
  secretKey: string;
  isos: { version: string; url: string; sha256: string }[];
}

export interface StackConfig {
  config: Record<string, string>;
  secretConfigKeys: string[];
}

export const PROVIDER_NAMESPACE = "cloudstack-kubernetes";

function newestVersion(isos: SimulatorEndpoint["isos"]): SimulatorEndpoint["isos"][number] {
  const parts = (v: string): number[] => v.split(".").map(Number);
  const sorted = [...isos].sort((a, b) => {
    const [x, y] = [parts(a.version), parts(b.version)];
    for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  });
  const last = sorted[sorted.length - 1];
  if (!last) throw new Error("the simulator offers no Kubernetes ISO");
  return last;
}

/**
 * The config an example needs, for project `project`: zoneId, serviceOfferingId ("Medium"),
 * kubernetesVersion/isoUrl/isoChecksum (the newest ISO unless `version` is given), and the credentials.
 */
export async function simulatorStackConfig(sim: SimulatorEndpoint, project: string, opts: { version?: string; extra?: Record<string, string> } = {}): Promise<StackConfig> {
  const client = new CloudStackClient({ apiUrl: sim.apiUrl, apiKey: sim.apiKey, secretKey: sim.secretKey });
  const zones = await client.listZones({ available: true });
  const zone = zones[0];
  if (!zone) throw new Error("the simulator lists no zone");
  const offerings = await client.listServiceOfferings({ name: "Medium" });
  const offering = offerings.find((o) => o.name === "Medium") ?? offerings[0];
  if (!offering) throw new Error('the simulator has no "Medium" service offering');
  const iso = opts.version ? sim.isos.find((i) => i.version === opts.version) : newestVersion(sim.isos);
  if (!iso) throw new Error(`the simulator has no ISO for Kubernetes ${opts.version ?? "(any)"}`);
  const config: Record<string, string> = {
    [`${project}:zoneId`]: zone.id,
    [`${project}:serviceOfferingId`]: offering.id,
    [`${project}:kubernetesVersion`]: iso.version,
    [`${project}:isoUrl`]: iso.url,
    [`${project}:isoChecksum`]: iso.sha256,
    [`${PROVIDER_NAMESPACE}:apiUrl`]: sim.apiUrl,
    [`${PROVIDER_NAMESPACE}:apiKey`]: sim.apiKey,
    [`${PROVIDER_NAMESPACE}:secretKey`]: sim.secretKey,
  };
  for (const [k, v] of Object.entries(opts.extra ?? {})) config[k.includes(":") ? k : `${project}:${k}`] = v;
  return { config, secretConfigKeys: [`${PROVIDER_NAMESPACE}:secretKey`] };
}
