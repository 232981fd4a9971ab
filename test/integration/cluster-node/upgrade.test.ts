// Issue 13 "done when": an upgrade of the cluster skips a manualUpgrade node and includes the others
// (after the cluster's own workers); the skipped node then upgrades on its own kubernetesVersion input,
// under the cluster's rules (one minor step, never down, never past the control plane).
import type { Simulator } from "../../../simulator";
import { clusterArgs, kubectlNodes, providers, startSim } from "../cluster/harness";
import { recorder, registerVersion } from "../upgrade/helpers";
import { deployOwnVm, nodeArgs, nodeProvider } from "./harness";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

jest.setTimeout(300_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

/** Node name → kubelet version, from the real kubectl. */
async function kubeletVersions(kubeconfig: string): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    const { stdout } = await promisify(execFile)("/usr/bin/kubectl", ["--kubeconfig", file, "get", "nodes", "-o", "json", "--request-timeout=20s"], { encoding: "utf8" });
    const list = JSON.parse(stdout) as { items: { metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string } } }[] };
    return Object.fromEntries(list.items.map((n) => [n.metadata.name, n.status.nodeInfo.kubeletVersion]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("the cluster's upgrade skips the manualUpgrade node; that node upgrades on its own input", async () => {
  const rec = recorder();
  const p = providers(rec.sink);
  const v132 = await registerVersion(sim, "1.32.9", p);
  const v133 = await registerVersion(sim, "1.33.5", p);
  const olds = clusterArgs(sim, v132.id, v132.semanticVersion, { name: "mixed", size: 1 });
  const created = await p.cluster.create(olds);
  const cluster = created.outs as Record<string, unknown>;

  const nodes = nodeProvider(rec.sink);
  const autoVm = await deployOwnVm(sim, cluster, { name: "auto-node" });
  const manualVm = await deployOwnVm(sim, cluster, { name: "manual-node" });
  const auto = await nodes.create!((await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: autoVm }))).inputs);
  const manualInputs = (await nodes.check!({}, nodeArgs(sim, cluster, { virtualMachineId: manualVm, manualUpgrade: true }))).inputs;
  const manual = await nodes.create!(manualInputs);

  const news = { ...olds, kubernetesVersionId: v133.id, kubernetesVersion: v133.semanticVersion };
  rec.lines.length = 0;
  const upgraded = (await p.cluster.update!(created.id, cluster, news)).outs as Record<string, unknown>;
  expect(upgraded).toMatchObject({ state: "Running", kubernetesVersion: "1.33.5" });
  let versions = await kubeletVersions(String(upgraded.kubeconfig));
  expect(versions["auto-node"]).toBe("v1.33.5");
  expect(versions["manual-node"]).toBe("v1.32.9");
  expect(rec.lines.some((l) => /skipped \(manualUpgrade\): manual-node/.test(l))).toBe(true);

  // Its own upgrade: a skipped minor or a downgrade is refused offline; one step is done in place.
  const manualOuts = manual.outs as Record<string, unknown>;
  const down = await nodes.check!({ ...manualOuts, kubernetesVersion: "1.33.5" }, { ...manualInputs, kubernetesVersion: "1.32.9" });
  expect((down.failures ?? []).map((f) => f.property)).toEqual(["kubernetesVersion"]);
  const step = { ...manualInputs, kubernetesVersionId: v133.id, kubernetesVersion: v133.semanticVersion };
  expect((await nodes.check!(manualOuts, step)).failures).toEqual([]);
  expect((await nodes.diff!(manual.id, manualOuts, step)).replaces).toEqual([]);
  const after = (await nodes.update!(manual.id, manualOuts, step)).outs as Record<string, unknown>;
  expect(after).toMatchObject({ state: "Ready", kubernetesVersion: "1.33.5", kubeletVersion: "1.33.5" });
  versions = await kubeletVersions(String(upgraded.kubeconfig));
  expect(versions["manual-node"]).toBe("v1.33.5");
  expect((await kubectlNodes(String(upgraded.kubeconfig))).every((n) => n.ready)).toBe(true);

  await nodes.delete!(manual.id, after);
  await nodes.delete!(auto.id, auto.outs);
});
