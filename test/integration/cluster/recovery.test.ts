// Resume after a failed VM deploy job, a VM that never boots, and a join that failed in its kubelet phase
// (issue 14): each fault is injected once, and the next run (update on the partial state, as the engine
// does after a failed create) must finish the cluster without leaking anything.
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

async function runningVmNames(id: string): Promise<string[]> {
  const vms = (await api(sim).listAll("listVirtualMachines", { tags: { [TAG.clusterId]: id }, listall: true }, "virtualmachine")) as { name: string; state: string }[];
  return vms.filter((v) => v.state === "Running").map((v) => v.name).sort();
}

describe("recovery on resume", () => {
  it("replaces the VM a failed deployVirtualMachine job left behind", async () => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "jobfail", size: 1, timeouts: { create: "3m", update: "1m", delete: "3m" } });
    sim.faults.set("job=deployVirtualMachine:rate=1:count=1");
    const err = (await p.cluster.create(args).catch((e: unknown) => e)) as InitError;
    sim.faults.clear();
    expect(err.message).toMatch(/vms failed on jobfail-[0-9a-f]{6}-(control-1|worker-1): .*deployVirtualMachine/);
    const { outs } = (await p.cluster.update!(err.id, err.properties, args)) as { outs: Record<string, unknown> };
    expect(outs.state).toBe("Running");
    expect(lines.some((l) => /removing VM left in Error/.test(l))).toBe(true);
    expect(await runningVmNames(err.id)).toEqual((outs.nodes as { name: string }[]).map((n) => n.name).sort());
    expect((await kubectlNodes(String(outs.kubeconfig))).every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(err.id, outs);
    await expectNoLeaks(sim, outs);
  });

  it("replaces a VM that runs but never boots (boot-hang), once, naming the node", async () => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "hang", size: 1, timeouts: { create: "2m", update: "2m", delete: "3m" } });
    sim.faults.set("boot-hang:rate=1:match=worker-1:count=1");
    const outcome = await p.cluster.create(args).then(
      (r) => ({ id: r.id, outs: r.outs as Record<string, unknown> }),
      async (e: unknown) => {
        // A create that could not replace the VM in time must still be resumable.
        const err = e as InitError;
        sim.faults.clear();
        const { outs } = (await p.cluster.update!(err.id, err.properties, args)) as { outs: Record<string, unknown> };
        return { id: err.id, outs };
      },
    );
    sim.faults.clear();
    expect(outcome.outs.state).toBe("Running");
    expect(lines.some((l) => /hang-[0-9a-f]{6}-worker-1/.test(l) && /never booted|replacing/.test(l))).toBe(true);
    expect(await runningVmNames(outcome.id)).toEqual((outcome.outs.nodes as { name: string }[]).map((n) => n.name).sort());
    const nodes = await kubectlNodes(String(outcome.outs.kubeconfig));
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(outcome.id, outcome.outs);
    await expectNoLeaks(sim, outcome.outs);
  });

  it("resets a join that failed in its kubelet phase before joining again", async () => {
    const lines: string[] = [];
    let armed = false;
    // The kubelet must fail in the join's kubelet-start phase, not in the install phase's own start of
    // it: arm the fault when the join of worker-1 begins.
    const p = providers((l) => {
      lines.push(l);
      if (/joining as a worker/.test(l) && /worker-1/.test(l) && !armed) {
        armed = true;
        sim.faults.set("kubelet-fail:rate=1:match=worker-1:count=1");
      }
    });
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: "halfjoin", size: 1 });
    const err = (await p.cluster.create(args).catch((e: unknown) => e)) as InitError;
    sim.faults.clear();
    expect(err.message).toMatch(/join failed on halfjoin-[0-9a-f]{6}-worker-1: [\s\S]*kubelet-start/);
    const { outs } = (await p.cluster.update!(err.id, err.properties, args)) as { outs: Record<string, unknown> };
    expect(outs.state).toBe("Running");
    expect(lines.some((l) => /resetting a half-finished join/.test(l) && /halfjoin-[0-9a-f]{6}-worker-1/.test(l))).toBe(true);
    const nodes = await kubectlNodes(String(outs.kubeconfig));
    expect(nodes).toHaveLength(2);
    expect(nodes.every((n) => n.ready)).toBe(true);
    await p.cluster.delete!(err.id, outs);
    await expectNoLeaks(sim, outs);
  });
});
