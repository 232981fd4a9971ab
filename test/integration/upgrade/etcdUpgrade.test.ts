// External etcd during an upgrade: upgraded only when the new ISO carries a newer etcd (1.32's ISO has
// etcd 3.5.16, 1.33's 3.5.21), one member at a time with a health check; a patch upgrade whose ISO has
// the same etcd leaves the member as it is.
import type { Simulator } from "../../../simulator";
import { clusterArgs, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { recorder, registerVersion } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

test("a patch upgrade keeps external etcd; the next minor's newer etcd is rolled in, member by member", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const v1329 = await registerVersion(sim, "1.32.9", p);
  const v13210 = await registerVersion(sim, "1.32.10", p);
  const v133 = await registerVersion(sim, "1.33.5", p);
  const olds = clusterArgs(sim, v1329.id, v1329.semanticVersion, { name: "etcu", size: 1, etcdNodes: 1 });
  const { id, outs } = await p.cluster.create(olds);

  rec.lines.length = 0;
  const patch = { ...olds, kubernetesVersionId: v13210.id, kubernetesVersion: "1.32.10" };
  const { outs: patched } = await p.cluster.update!(id, outs, patch);
  expect(patched).toMatchObject({ state: "Running", kubernetesVersion: "1.32.10" });
  expect(rec.lines.some((l) => /etcd: etcd 3\.5\.16 stays: the v1\.32\.10 ISO carries etcd 3\.5\.16/.test(l))).toBe(true);

  rec.lines.length = 0;
  const minor = { ...patch, kubernetesVersionId: v133.id, kubernetesVersion: "1.33.5" };
  const { outs: upgraded } = await p.cluster.update!(id, patched, minor);
  expect(upgraded).toMatchObject({ state: "Running", kubernetesVersion: "1.33.5" });
  expect(rec.lines.some((l) => /etcd: etcd 3\.5\.16 → 3\.5\.21: done/.test(l))).toBe(true);
  expect(rec.lines.some((l) => /etcd: etcd healthy: done/.test(l))).toBe(true);

  await p.cluster.delete!(id, upgraded);
  await expectNoLeaks(sim, upgraded);
});
