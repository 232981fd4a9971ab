import type { Simulator } from "../../../simulator";
import { api, clusterArgs, createVersion, expectNoLeaks, kubectlNodes, providers, startSim } from "./harness";
import { TAG } from "../../../provider/cluster/tags";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

type InitError = Error & { id: string; properties: Record<string, unknown> };

describe("a failed create", () => {
  it("resumes on the next run (update on the partial state) without duplicates", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "resume" });
    sim.faults.set("deploy-capacity:rate=1:match=worker-2:count=1");
    const err = (await p.cluster.create(args).catch((e: unknown) => e)) as InitError;
    expect(err.message).toMatch(/vms failed on resume-[0-9a-f]{6}-worker-2: deployVirtualMachine \(533\)/);
    expect(err.properties).toMatchObject({ state: "Error", __provider: "serialized-shim", clusterId: err.id });
    sim.faults.clear();

    const { outs } = await p.cluster.update!(err.id, err.properties, args);
    expect(outs).toMatchObject({ state: "Running", clusterId: err.id, sshPrivateKey: err.properties.sshPrivateKey });
    const vms = (await api(sim).listAll("listVirtualMachines", { tags: { [TAG.clusterId]: err.id }, listall: true }, "virtualmachine")) as { name: string; state: string }[];
    expect(vms.filter((v) => v.state === "Running").map((v) => v.name).sort()).toEqual((outs.nodes as { name: string }[]).map((n) => n.name).sort());
    const ips = (await api(sim).listAll("listPublicIpAddresses", { tags: { [TAG.clusterId]: err.id }, listall: true }, "publicipaddress")) as unknown[];
    expect(ips).toHaveLength(1);
    expect((await kubectlNodes(String(outs.kubeconfig))).every((n) => n.ready)).toBe(true);

    await p.cluster.delete!(err.id, outs);
    await expectNoLeaks(sim, outs);
  });

  it("is cleaned up by destroy without leaking anything", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    sim.faults.set("deploy-capacity:rate=1:match=worker-1:count=1");
    const err = (await p.cluster.create(clusterArgs(sim, version.id, version.semanticVersion, { name: "leaky" })).catch((e: unknown) => e)) as InitError;
    sim.faults.clear();
    expect(err.id).toBeTruthy();
    await p.cluster.delete!(err.id, err.properties);
    await expectNoLeaks(sim, err.properties);
  });
});

