// One transient API error on an idempotent read or on a job poll must not fail a create (issue 14):
// the client retries reads (list*, queryAsyncJobResult) with backoff; the jobs themselves carry on.
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

describe("transient API errors during a create", () => {
  it("a 530 on listServiceOfferings and listNetworkOfferings and two on job polls are retried; the create succeeds", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "flaky" });
    sim.faults.set(
      "cmd=listServiceOfferings:rate=1:count=1:code=530;cmd=listNetworkOfferings:rate=1:count=1:code=530;cmd=queryAsyncJobResult:rate=1:count=2:code=530",
    );
    const created = await p.cluster.create(args);
    // Every fault fired: the create really went through the errors.
    expect(sim.faults.state().fired).toEqual([1, 1, 2]);
    sim.faults.clear();
    const outs = created.outs as Record<string, unknown>;
    expect(outs).toMatchObject({ state: "Running" });
    // No duplicates: the retried polls did not re-submit any job.
    const vms = (await api(sim).listAll("listVirtualMachines", { tags: { [TAG.clusterId]: created.id }, listall: true }, "virtualmachine")) as { name: string }[];
    expect(vms.map((v) => v.name).sort()).toEqual((outs.nodes as { name: string }[]).map((n) => n.name).sort());
    expect((await kubectlNodes(String(outs.kubeconfig))).every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(created.id, outs);
    await expectNoLeaks(sim, outs);
  }, 180_000);

  it("a 503 and a 500 on job polls are retried too", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "polls", size: 1 });
    sim.faults.set("cmd=queryAsyncJobResult:rate=1:count=1:code=503;cmd=queryAsyncJobResult:rate=1:count=1:code=500");
    const created = await p.cluster.create(args);
    expect(sim.faults.state().fired).toEqual([1, 1]);
    sim.faults.clear();
    expect(created.outs).toMatchObject({ state: "Running" });
    await p.cluster.delete!(created.id, created.outs as Record<string, unknown>);
  }, 180_000);

  it("a failed job is not a transient poll error: the create still fails", async () => {
    const p = providers();
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "jobfail", size: 1 });
    sim.faults.set("job=deployVirtualMachine:rate=1:count=1:code=530;cmd=queryAsyncJobResult:rate=1:count=1:code=530");
    const err = (await p.cluster.create(args).catch((e: unknown) => e)) as Error & { id: string; properties: Record<string, unknown> };
    const fired = sim.faults.state().fired;
    sim.faults.clear();
    expect(err).toBeInstanceOf(Error);
    expect(fired).toEqual([1, 1]);
    expect(err.message).toMatch(/deployVirtualMachine \(530\): Simulated job failure of deployVirtualMachine/);
    if (err.properties) await p.cluster.delete!(err.id, err.properties);
  }, 180_000);
});
