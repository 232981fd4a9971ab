// A Disabled KubernetesSupportedVersion (CKS: state Disabled) is refused by create's validate phase,
// with a message naming the version and the fix, before anything is created; enabling it again lets
// the same inputs through.
import type { Simulator } from "../../../simulator";
import { clusterArgs, connection, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { cloudInventory, createCallsSince, rejectionOf } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

describe("KubernetesCluster on a Disabled KubernetesSupportedVersion", () => {
  it("is refused in validate before anything is created, and accepted once the version is Enabled", async () => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const iso = sim.isos[0];
    const versionInputs = { ...connection(sim), semanticVersion: iso.version, url: iso.url, checksum: iso.sha256, minCpuNumber: 2, minMemory: 2048, state: "Disabled" };
    const version = await p.version.create(versionInputs);
    expect(version.outs).toMatchObject({ state: "Disabled", isoState: "Ready" });

    const before = await cloudInventory(sim);
    const auditFrom = sim.audit.records({ kind: "api" }).length;
    const linesFrom = lines.length;
    const args = clusterArgs(sim, version.id, iso.version, { name: "disabled", size: 1 });
    const checked = await p.cluster.check!({}, args);
    expect(checked.failures ?? []).toEqual([]); // the version's state lives in the cloud: check is offline

    const err = await rejectionOf(p.cluster.create(checked.inputs));
    expect(err.message).toMatch(/validate/);
    expect(err.message).toContain(`Kubernetes version ${iso.version} (${version.id}) is Disabled`);
    expect(err.message).toMatch(/enable it \(state: "Enabled"\) or choose another version/);
    expect(createCallsSince(sim, auditFrom)).toEqual([]);
    expect(await cloudInventory(sim)).toEqual(before);
    const clusterLines = lines.slice(linesFrom);
    expect(clusterLines.length).toBeGreaterThan(0);
    expect(clusterLines.filter((l) => !/^\[cluster disabled\] validate:/.test(l))).toEqual([]);
    // Nothing was created, so there is no partial state for Pulumi to record, and no resume advice.
    expect(err.id).toBeUndefined();
    expect(err.properties).toBeUndefined();
    expect(err.message).toMatch(/Nothing was created/);
    expect(err.message).not.toMatch(/resume/);

    // The same cluster inputs pass once the version is Enabled again.
    const enabled = await p.version.update!(version.id, version.outs, { ...versionInputs, state: "Enabled" });
    expect(enabled.outs).toMatchObject({ state: "Enabled" });
    const { id, outs } = await p.cluster.create(checked.inputs);
    expect(outs.state).toBe("Running");
    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    await p.version.delete!(version.id, enabled.outs as Record<string, unknown>);
  });
});
