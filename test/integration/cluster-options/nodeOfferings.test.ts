// nodeOfferings / nodeTemplates: each VM runs the offering and template of its role; an offering below
// the CKS minimum (2 vCPU, 2048 MB) for one role fails the validate phase before anything is created.
import { SEED_IDS, type Simulator } from "../../../simulator";
import { clusterArgs, createVersion, expectNoLeaks, providers, startSim } from "../cluster/harness";
import { cloudInventory, createCallsSince, nodesOf, rejectionOf, vmWithUserData } from "./helpers";

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(async () => {
  await sim?.stop();
});

const { offerings, templates } = SEED_IDS;

describe("KubernetesCluster nodeOfferings and nodeTemplates", () => {
  it("deploys each role with its own offering and template", async () => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const version = await createVersion(sim, p);
    const args = clusterArgs(sim, version.id, version.semanticVersion, {
      name: "offerings",
      size: 2,
      serviceOfferingId: offerings.small,
      nodeOfferings: { control: offerings.medium, worker: offerings.large },
      templateId: undefined,
      nodeTemplates: { control: templates.debianCks, worker: templates.ubuntu },
    });
    const checked = await p.cluster.check!({}, args);
    expect(checked.failures ?? []).toEqual([]);

    const { id, outs } = await p.cluster.create(checked.inputs);
    expect(outs.state).toBe("Running");
    const nodes = nodesOf(outs);
    expect(nodes.map((n) => n.role).sort()).toEqual(["control", "worker", "worker"]);
    for (const node of nodes) {
      const vm = await vmWithUserData(sim, node.virtualMachineId);
      expect({ name: vm.name, offering: vm.serviceofferingid, template: vm.templateid }).toEqual({
        name: node.name,
        offering: node.role === "control" ? offerings.medium : offerings.large,
        template: node.role === "control" ? templates.debianCks : templates.ubuntu,
      });
    }
    // Medium = 2 vCPU / 4096 MB, Large = 4 vCPU / 8192 MB.
    expect(outs.cpuNumber).toBe(2 + 2 * 4);
    expect(outs.memory).toBe(4096 + 2 * 8192);

    await p.cluster.delete!(id, outs);
    await expectNoLeaks(sim, outs);
    await p.version.delete!(version.id, version.outs);
  });

  it.each([
    ["worker", { control: offerings.medium, worker: offerings.tiny }],
    ["control", { control: offerings.tiny, worker: offerings.large }],
  ] as const)("refuses a Tiny %s offering in validate, before anything is created", async (role, nodeOfferings) => {
    const lines: string[] = [];
    const p = providers((l) => lines.push(l));
    const version = await createVersion(sim, p);
    const before = await cloudInventory(sim);
    const auditFrom = sim.audit.records({ kind: "api" }).length;

    const args = clusterArgs(sim, version.id, version.semanticVersion, { name: `tiny-${role}`, nodeOfferings });
    const checked = await p.cluster.check!({}, args);
    expect(checked.failures ?? []).toEqual([]); // sizes need the cloud: check is offline
    const err = await rejectionOf(p.cluster.create(checked.inputs));

    expect(err.message).toContain(`nodeOfferings.${role}`);
    expect(err.message).toMatch(/validate/);
    expect(err.message).toMatch(/Tiny \(1 vCPU, 1024 MB\) is too small/);
    expect(err.message).toMatch(/at least 2 vCPU and 2048 MB/);
    expect(createCallsSince(sim, auditFrom)).toEqual([]);
    expect(await cloudInventory(sim)).toEqual(before);
    const clusterLines = lines.filter((l) => l.startsWith(`[cluster tiny-${role}]`));
    expect(clusterLines.length).toBeGreaterThan(0);
    expect(clusterLines.filter((l) => !l.startsWith(`[cluster tiny-${role}] validate:`))).toEqual([]);

    // Nothing was created: no partial state for Pulumi to record, and no resume advice.
    expect(err.id).toBeUndefined();
    expect(err.properties).toBeUndefined();
    expect(err.message).toMatch(/Nothing was created; fix the input/);
    expect(err.message).not.toMatch(/resume/);
    await p.version.delete!(version.id, version.outs);
  });
});
