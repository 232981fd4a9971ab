import type { Simulator } from "../../../simulator";
import { clusterArgs, expectNoLeaks, kubectlNodes, providers, startSim } from "../cluster/harness";
import { recorder, registerVersion } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

test("a kubernetesVersionId change upgrades 1.32 → 1.33 in place, control plane first, and a re-run changes nothing", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const v132 = await registerVersion(sim, "1.32.9", p);
  const v133 = await registerVersion(sim, "1.33.5", p);
  const olds = clusterArgs(sim, v132.id, v132.semanticVersion, { name: "upg", size: 2 });
  const { id, outs } = await p.cluster.create(olds);
  expect(outs.certificatesExpireAt).toEqual(expect.any(String));
  const news = { ...olds, kubernetesVersionId: v133.id, kubernetesVersion: v133.semanticVersion };

  const check = await p.cluster.check!(olds, news);
  expect(check.failures ?? []).toEqual([]);
  const diff = await p.cluster.diff!(id, outs, news);
  expect(diff.replaces ?? []).toEqual([]);
  expect(diff.changes).toBe(true);

  rec.lines.length = 0;
  const { outs: upgraded } = await p.cluster.update!(id, outs, news);
  expect(upgraded).toMatchObject({ state: "Running", kubernetesVersion: "1.33.5" });
  expect(upgraded.upgradeInProgress).toBeUndefined();
  const nodes = await kubectlNodes(String(upgraded.kubeconfig));
  expect(nodes.every((n) => n.ready)).toBe(true);
  // The control plane goes first, then the workers; every node gets one line per step.
  const order = rec.lines.filter((l) => / control-plane: | workers: /.test(l) && /kubeadm upgrade (apply v[\d.]+|node): done/.test(l)).map((l) => /\(([^)]+)\)$/.exec(l)?.[1]);
  expect(order[0]).toMatch(/control-1$/);
  expect(order.slice(1).every((n) => /worker-\d$/.test(n ?? ""))).toBe(true);
  expect(rec.lines.some((l) => /kubeadm upgrade plan v1\.33\.5: done in \d+\.\ds/.test(l))).toBe(true);
  expect(new Date(String(upgraded.certificatesExpireAt)).getTime()).toBeGreaterThanOrEqual(new Date(String(outs.certificatesExpireAt)).getTime());

  // The same inputs again: nothing to do, no node upgraded twice.
  rec.lines.length = 0;
  const again = await p.cluster.update!(id, upgraded, news);
  expect(again.outs).toMatchObject({ state: "Running", kubernetesVersion: "1.33.5" });
  expect(rec.lines.some((l) => /kubeadm upgrade/.test(l))).toBe(false);

  await p.cluster.delete!(id, upgraded);
  await expectNoLeaks(sim, upgraded);
});
