import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, deploysOverlap, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

describe("KubernetesCluster 1 control + 2 workers against the simulator", () => {
  it("comes up, answers kubectl, reads Running, protects its version, and deletes without leaks", async () => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion);

    const { id, outs } = await p.cluster.create(args);
    expect(outs).toMatchObject({ state: "Running", clusterId: id, controlNodes: 1, size: 2, etcdNodes: 0, networkCreated: true, kubernetesVersion: version.semanticVersion });
    expect(outs.endpoint).toBe(`https://${outs.ipAddress}:6443/`);
    expect((outs.nodes as unknown[]).length).toBe(3);
    expect(outs.cpuNumber).toBe(6);
    expect(JSON.stringify(outs)).not.toContain("undefined");

    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes.map((n) => n.name).sort()).toEqual((outs.nodes as { name: string }[]).map((n) => n.name).sort());
    expect(nodes.every((n) => n.ready)).toBe(true);

    expect(deploysOverlap(sim)).toBe(true);
    expect(lines.some((l) => /^\[cluster demo\] vms: deploying VM \(demo-[0-9a-f]{6}-worker-2\)$/.test(l))).toBe(true);
    expect(lines.join("\n")).not.toContain(String(outs.sshPrivateKey).split("\n")[1]);

    const read = await p.cluster.read!(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ state: "Running" });

    await expect(p.version.delete!(version.id, version.outs)).rejects.toThrow(/still used by Kubernetes cluster\(s\) demo/);

    // A stopped worker: read reports Alert with the reason.
    const worker = (outs.nodes as { name: string; role: string; virtualMachineId: string }[]).find((n) => n.role === "worker")!;
    await api(sim).request("stopVirtualMachine", { id: worker.virtualMachineId });
    const alert = await p.cluster.read!(id, outs);
    expect(alert.props).toMatchObject({ state: "Alert" });
    expect(String((alert.props as Record<string, unknown>).stateReason)).toContain(`${worker.name} (Stopped)`);

    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    expect((await p.cluster.read!(id, outs)).id).toBe("");
    await p.version.delete!(version.id, version.outs);
  });
});
