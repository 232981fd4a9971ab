// A PodDisruptionBudget that never allows an eviction (1 replica, minAvailable 1): the upgrade's drain
// honours it until drainTimeout and then fails clearly, leaving the cluster in Alert; with
// upgrade.force the next up deletes the pod and carries on. The workload comes from the real kubectl.
import type { Simulator } from "../../../simulator";
import { clusterArgs, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { recorder, registerVersion } from "./helpers";
import { kubectl } from "./kubectlTool";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

const STUCK = `apiVersion: apps/v1
kind: Deployment
metadata: { name: single, namespace: default }
spec:
  replicas: 1
  selector: { matchLabels: { app: single } }
  template:
    metadata: { labels: { app: single } }
    spec:
      containers: [{ name: app, image: registry.k8s.io/pause:3.10 }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: single, namespace: default }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: single } }
`;

test("a budget that blocks the drain fails the node after drainTimeout; force deletes the pod on the next up", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const v132 = await registerVersion(sim, "1.32.9", p);
  const v133 = await registerVersion(sim, "1.33.5", p);
  const olds = clusterArgs(sim, v132.id, v132.semanticVersion, { name: "pdb", size: 1 });
  const { id, outs } = await p.cluster.create(olds);
  await kubectl(String(outs.kubeconfig), ["apply", "-f", "-"], STUCK);
  const where = (await kubectl(String(outs.kubeconfig), ["get", "pods", "-l", "app=single", "-o", "jsonpath={.items[0].spec.nodeName}"])).trim();
  expect(where).toMatch(/-worker-1$/);

  const news = { ...olds, kubernetesVersionId: v133.id, kubernetesVersion: v133.semanticVersion, upgrade: { drainTimeout: "3s" } };
  const failure = await p.cluster.update!(id, outs, news).then(() => undefined, (e: { message: string; properties?: Record<string, unknown> }) => e);
  expect(failure?.message).toMatch(/workers failed on pdb-[0-9a-f]+-worker-1: drain: the drain did not finish within drainTimeout 3s: .*disruption budget.*set upgrade\.force: true/s);
  expect(failure?.properties).toMatchObject({ state: "Alert", upgradeInProgress: { version: "1.33.5" } });

  rec.lines.length = 0;
  const forced = { ...news, upgrade: { drainTimeout: "3s", force: true } };
  const { outs: upgraded } = await p.cluster.update!(id, failure?.properties as Record<string, unknown>, forced);
  expect(upgraded).toMatchObject({ state: "Running", kubernetesVersion: "1.33.5" });
  expect(rec.lines.some((l) => /upgrade\.force: deleting the remaining pods \(pdb-[0-9a-f]+-worker-1\)/.test(l))).toBe(true);
  // control-1 finished in the first run: checked only.
  expect(rec.lines.some((l) => /already at v1\.33\.5: done.*control-1/.test(l))).toBe(true);

  await p.cluster.delete!(id, upgraded);
  await expectNoLeaks(sim, upgraded);
});
