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

function upgradedNodes(lines: string[]): string[] {
  return lines.filter((l) => /kubeadm upgrade (apply v[\d.]+|node): done/.test(l)).map((l) => /\(([^)]+)\)$/.exec(l)?.[1] ?? "?");
}

test("a node that never becomes Ready mid-upgrade leaves the cluster in Alert; the next up finishes without upgrading done nodes again", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const v132 = await registerVersion(sim, "1.32.9", p);
  const v133 = await registerVersion(sim, "1.33.5", p);
  const olds = clusterArgs(sim, v132.id, v132.semanticVersion, { name: "resu", size: 3 });
  const { id, outs } = await p.cluster.create(olds);
  const news = { ...olds, kubernetesVersionId: v133.id, kubernetesVersion: v133.semanticVersion, upgrade: { nodeReadyTimeout: "8s" } };

  sim.faults.set("node-never-ready:match=worker-2:count=1");
  rec.lines.length = 0;
  const failure = await p.cluster.update!(id, outs, news).then(
    () => undefined,
    (err: unknown) => err as { message: string; id?: string; properties?: Record<string, unknown> },
  );
  sim.faults.clear();
  expect(failure?.message).toMatch(/workers failed on resu-[0-9a-f]+-worker-2: Ready at v1\.33\.5: .*within upgrade\.nodeReadyTimeout 8s/);
  expect(failure?.message).toMatch(/carries on from this node/);
  const partial = failure?.properties as Record<string, unknown>;
  expect(partial).toMatchObject({ state: "Alert", kubernetesVersion: "1.32.9", upgradeInProgress: { version: "1.33.5", fromVersion: "1.32.9" } });
  expect(String(partial.stateReason)).toMatch(/worker-2/);
  const firstRun = upgradedNodes(rec.lines);
  expect(firstRun.map((n) => n.replace(/^resu-[0-9a-f]+-/, ""))).toEqual(["control-1", "worker-1", "worker-2"]);

  // The engine keeps the partial state and calls update again with the same inputs.
  rec.lines.length = 0;
  const { outs: done } = await p.cluster.update!(id, partial, news);
  expect(done).toMatchObject({ state: "Running", kubernetesVersion: "1.33.5" });
  expect(done.upgradeInProgress).toBeUndefined();
  expect(upgradedNodes(rec.lines).map((n) => n.replace(/^resu-[0-9a-f]+-/, ""))).toEqual(["worker-3"]);
  expect(rec.lines.filter((l) => /already at v1\.33\.5: done/.test(l)).length).toBe(3);
  const nodes = await kubectlNodes(String(done.kubeconfig));
  expect(nodes.every((n) => n.ready)).toBe(true);

  await p.cluster.delete!(id, done);
  await expectNoLeaks(sim, done);
});
