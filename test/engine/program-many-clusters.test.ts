// Ten clusters in one program, in one dynamic-provider host, against one simulator (issue 14 §4):
// all succeed, nothing shared collides (public IPs, SSH port forwards, networks, keypairs, tags), each
// cluster's progress lines can be told apart, and destroy removes every VM. The time against one
// cluster is measured by `npm run bench -- --clusters 10` (docs/bench.md), not here.
import * as path from "path";
import type { Simulator } from "../../simulator";
import { configFor, expectOk, stack, startProgramSim } from "../helpers/program-runner";

const dir = path.join(__dirname, "fixtures", "many-clusters-program");
const COUNT = 10;
let sim: Simulator;

beforeAll(async () => {
  sim = await startProgramSim(0.005);
});

afterAll(async () => {
  await sim?.stop();
});

interface Listed {
  id: string;
  name?: string;
  state?: string;
  ipaddress?: string;
  publicport?: string;
  ipaddressid?: string;
  virtualmachineid?: string;
  tags?: { key: string; value: string }[];
}

async function list(command: string, key: string): Promise<Listed[]> {
  const { createCloudApi } = await import("../../provider/cluster/cloudApi");
  const api = createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey });
  return (await api.listAll(command, { listall: true }, key)) as Listed[];
}

const live = (vms: Listed[]) => vms.filter((vm) => vm.state !== "Destroyed" && vm.state !== "Expunging");
const clusterIdTag = (r: Listed) => r.tags?.find((t) => t.key === "cks.cloudstack.io/cluster-id")?.value;

describe("ten clusters in one program", () => {
  it("creates all ten concurrently in one provider host with nothing colliding, then destroys them all", async () => {
    const s = stack(dir, await configFor(sim, dir, { clusterCount: String(COUNT) }));
    try {
      const up = await s.up();
      expectOk(up, s.log);
      expect(up.steps.filter((x) => x.kind === "create")).toHaveLength(COUNT + 1);

      // Every cluster has its own endpoint (its own public IP) and its own node names.
      const endpoints = up.outputs.endpoints?.value as string[];
      expect(new Set(endpoints).size).toBe(COUNT);
      const nodeNames = (up.outputs.nodeNames?.value as string[][]).flat();
      expect(new Set(nodeNames).size).toBe(2 * COUNT);

      // The engine really ran the creates at once: their progress interleaves in one host's output.
      const progress = s.log.map((l) => /\[cluster (many-\d+)\] (\S+):/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
      const firstDone = progress.findIndex((m) => m[2] === "done");
      const startedBeforeFirstDone = new Set(progress.slice(0, firstDone).filter((m) => m[2] === "validate").map((m) => m[1]));
      expect(startedBeforeFirstDone.size).toBeGreaterThan(1);

      // Each progress line names its cluster, and a node named in it belongs to that cluster.
      const byCluster = new Map<string, string[]>();
      for (const m of progress) byCluster.set(m[1], [...(byCluster.get(m[1]) ?? []), m.input]);
      expect([...byCluster.keys()].sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `many-${i}`).sort());
      for (const [cluster, lines] of byCluster) {
        for (const line of lines) {
          const node = /\((many-\d+)-[0-9a-f]+-(?:control|worker)-\d+\)$/.exec(line);
          if (node) expect(node[1]).toBe(cluster);
        }
        expect(lines.some((l) => l.includes("done: cluster is Running"))).toBe(true);
      }

      // Nothing shared collides in the cloud: one VM per node tagged with its own cluster, one public
      // IP per cluster, and SSH port forwards unique per public IP (the same 2222.. range on each IP).
      const vms = live(await list("listVirtualMachines", "virtualmachine"));
      expect(vms).toHaveLength(2 * COUNT);
      const clusterIds = new Set(vms.map(clusterIdTag));
      expect(clusterIds.size).toBe(COUNT);
      const forwards = await list("listPortForwardingRules", "portforwardingrule");
      expect(forwards).toHaveLength(2 * COUNT);
      const pairs = forwards.map((f) => `${f.ipaddressid}:${f.publicport}`);
      expect(new Set(pairs).size).toBe(pairs.length);
      const byIp = new Map<string, Set<string | undefined>>();
      const vmCluster = new Map(vms.map((vm) => [vm.id, clusterIdTag(vm)]));
      for (const f of forwards) byIp.set(f.ipaddressid as string, new Set([...(byIp.get(f.ipaddressid as string) ?? []), vmCluster.get(f.virtualmachineid as string)]));
      // A public IP forwards only to VMs of one cluster.
      expect([...byIp.values()].every((set) => set.size === 1)).toBe(true);
      expect(byIp.size).toBe(COUNT);
      const keypairs = await list("listSSHKeyPairs", "sshkeypair");
      expect(new Set(keypairs.map((k) => k.name)).size).toBe(keypairs.length);
      expect(keypairs.filter((k) => k.name?.startsWith("cks-many-"))).toHaveLength(COUNT);
      // No call the host made was refused: the shared client state never mixed two clusters up.
      const refused = sim.audit.records((r) => r.kind === "api" && r.status !== 200);
      expect(refused.map((r) => `${r.command} ${r.status}`)).toEqual([]);

      const down = await s.destroy();
      expectOk(down, s.log);
      expect(live(await list("listVirtualMachines", "virtualmachine"))).toEqual([]);
      expect(await list("listPortForwardingRules", "portforwardingrule")).toEqual([]);
    } finally {
      s.cleanup();
    }
  }, 900_000);
});
