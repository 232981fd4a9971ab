// The end-to-end case: an HA cluster (3 control nodes, 4 workers) running a workload with a
// PodDisruptionBudget, upgraded 1.32 → 1.33; real kubectl then shows every node at the new version and
// the workload still has its replicas.
import type { Simulator } from "../../../simulator";
import { clusterArgs, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { recorder, registerVersion } from "./helpers";
import { kubectl, WORKLOAD } from "./kubectlTool";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

test("HA 1.32 → 1.33 with a Deployment and a PodDisruptionBudget: control plane one by one, workers two at a time, every node at v1.33.5", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const v132 = await registerVersion(sim, "1.32.9", p);
  const v133 = await registerVersion(sim, "1.33.5", p);
  const olds = clusterArgs(sim, v132.id, v132.semanticVersion, { name: "haup", controlNodes: 3, size: 4, timeouts: { create: "5m", update: "8m", delete: "5m" } });
  const { id, outs } = await p.cluster.create(olds);
  const kubeconfig = String(outs.kubeconfig);
  await kubectl(kubeconfig, ["apply", "-f", "-"], WORKLOAD);

  const news = { ...olds, kubernetesVersionId: v133.id, kubernetesVersion: v133.semanticVersion, upgrade: { maxUnavailable: 2, drainTimeout: "2m" } };
  rec.lines.length = 0;
  const { outs: upgraded } = await p.cluster.update!(id, outs, news);
  expect(upgraded).toMatchObject({ state: "Running", kubernetesVersion: "1.33.5" });

  const versions = (await kubectl(kubeconfig, ["get", "nodes", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.nodeInfo.kubeletVersion} {end}"])).trim().split(/\s+/);
  expect(versions).toHaveLength(7);
  expect(versions.every((v) => v.endsWith("=v1.33.5"))).toBe(true);
  const ready = await kubectl(kubeconfig, ["get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}"]);
  expect(Number(ready)).toBe(3);
  const unschedulable = await kubectl(kubeconfig, ["get", "nodes", "-o", "jsonpath={.items[*].spec.unschedulable}"]);
  expect(unschedulable.trim()).toBe("");

  // The control plane one node at a time, each apiserver healthy before the next; then the workers.
  const steps = rec.lines.filter((l) => /kubeadm upgrade (apply v1\.33\.5|node): done|kube-apiserver healthy/.test(l)).map((l) => l.replace(/^.*\] /, "").replace(/haup-[0-9a-f]+-/, ""));
  expect(steps.slice(0, 6)).toEqual([
    expect.stringMatching(/^control-plane: kubeadm upgrade apply v1\.33\.5: done in .*\(control-1\)$/),
    expect.stringMatching(/^control-plane: kube-apiserver healthy at v1\.33\.5: done in .*\(control-1\)$/),
    expect.stringMatching(/^control-plane: kubeadm upgrade node: done in .*\(control-2\)$/),
    expect.stringMatching(/^control-plane: kube-apiserver healthy at v1\.33\.5: done in .*\(control-2\)$/),
    expect.stringMatching(/^control-plane: kubeadm upgrade node: done in .*\(control-3\)$/),
    expect.stringMatching(/^control-plane: kube-apiserver healthy at v1\.33\.5: done in .*\(control-3\)$/),
  ]);
  expect(steps.slice(6).every((l) => /^workers: kubeadm upgrade node: done in .*\(worker-\d\)$/.test(l))).toBe(true);
  expect(steps.slice(6)).toHaveLength(4);

  await p.cluster.delete!(id, upgraded);
  await expectNoLeaks(sim, upgraded);
});
