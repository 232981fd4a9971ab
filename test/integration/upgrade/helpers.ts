// Upgrade tests: two registered versions and a cluster built on the older one.
import type { Simulator } from "../../../simulator";
import { connection, providers } from "../cluster/harness";

export async function registerVersion(sim: Simulator, version: string, p = providers()): Promise<{ id: string; semanticVersion: string }> {
  const iso = sim.isos.find((i) => i.version === version);
  if (!iso) throw new Error(`the simulator has no ISO for ${version}`);
  const { id } = await p.version.create({ ...connection(sim), semanticVersion: iso.version, url: iso.url, checksum: iso.sha256, minCpuNumber: 2, minMemory: 2048, state: "Enabled" });
  return { id, semanticVersion: iso.version };
}

/** Progress lines captured, for asserting what each run did. */
export function recorder(): { lines: string[]; sink: (line: string) => void } {
  const lines: string[] = [];
  return { lines, sink: (line) => void lines.push(line) };
}
