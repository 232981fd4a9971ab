// What the upgrade refuses before any node changes, each naming the field or the node and the fix, and
// leaving the recorded state as it was (a plain error: the engine keeps the old state).
import { SEED_IDS, type Simulator } from "../../../simulator";
import { createCloudApi } from "../../../provider/cluster/cloudApi";
import { clusterArgs, connection, expectNoLeaks, providers, startSim } from "../cluster/harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

async function version(v: string, minMemory: number, p = providers()) {
  const iso = sim.isos.find((i) => i.version === v);
  if (!iso) throw new Error(`no ISO ${v}`);
  const { id } = await p.version.create({ ...connection(sim), semanticVersion: v, url: iso.url, checksum: iso.sha256, minCpuNumber: 2, minMemory, state: "Enabled" });
  return id;
}

test("per-role offerings below the new version's minimum, a stopped VM, and a skipped minor are refused before anything changes", async () => {
  const p = providers();
  const v132 = await version("1.32.9", 2048, p);
  const v133 = await version("1.33.5", 4096, p);
  const v131 = await version("1.31.13", 2048, p);
  const olds = clusterArgs(sim, v132, "1.32.9", { name: "refu", size: 1, serviceOfferingId: undefined, nodeOfferings: { control: SEED_IDS.offerings.medium, worker: SEED_IDS.offerings.small } });
  const { id, outs } = await p.cluster.create(olds);

  // CKS checks only the default offering (#14148); the worker offering is too small for 1.33's 4096 MB.
  const small = await p.cluster.update!(id, outs, { ...olds, kubernetesVersionId: v133, kubernetesVersion: "1.33.5" }).then(() => undefined, (e: Error) => e);
  expect(small?.message).toMatch(/validate-upgrade failed: nodeOfferings\.worker: service offering Small \(2 vCPU, 2048 MB\) is too small for worker nodes of Kubernetes 1\.33\.5: at least 2 vCPU and 4096 MB.*Nothing was changed/);
  expect((small as { properties?: unknown }).properties).toBeUndefined();

  // Without kubernetesVersion the step is checked against the cloud: 1.32 → 1.31 is a downgrade.
  const down = await p.cluster.update!(id, outs, { ...olds, kubernetesVersionId: v131, kubernetesVersion: undefined }).then(() => undefined, (e: Error) => e);
  expect(down?.message).toMatch(/cannot upgrade: 1\.32\.9 → 1\.31\.13 is a downgrade/);

  // A VM stopped out of band: the cluster is not whole, so the upgrade waits for a repair.
  const admin = createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey });
  const worker = (outs.nodes as { name: string; role: string; virtualMachineId: string }[]).find((n) => n.role === "worker");
  await admin.request("stopVirtualMachine", { id: worker?.virtualMachineId, forced: true });
  const big = { ...olds, nodeOfferings: { control: SEED_IDS.offerings.medium, worker: SEED_IDS.offerings.medium } };
  const stopped = await p.cluster.update!(id, outs, { ...big, kubernetesVersionId: v133, kubernetesVersion: "1.33.5" }).then(() => undefined, (e: Error) => e);
  expect(stopped?.message).toMatch(new RegExp(`VMs not Running: ${worker?.name} \\(Stopped\\)`));
  await admin.request("startVirtualMachine", { id: worker?.virtualMachineId });

  await p.cluster.delete!(id, outs);
  await expectNoLeaks(sim, outs);
});
