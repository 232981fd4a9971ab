// examples/ha through the offline runner: 3 control nodes, 1 external etcd node and 2 workers come up,
// export a secret kubeconfig and the nodes, and are destroyed without leaving a VM behind.
import type { Simulator } from "../../simulator";
import { configFor, exampleDir, expectOk, stack, startProgramSim, stepSummary } from "../helpers/program-runner";

let sim: Simulator;

beforeAll(async () => {
  sim = await startProgramSim(0.005);
});

afterAll(async () => {
  await sim?.stop();
});

async function liveVms(prefix: string): Promise<string[]> {
  const { createCloudApi } = await import("../../provider/cluster/cloudApi");
  const api = createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey });
  const vms = (await api.listAll("listVirtualMachines", { listall: true }, "virtualmachine")) as { name: string; state: string }[];
  return vms.filter((vm) => vm.name.startsWith(prefix) && vm.state !== "Destroyed" && vm.state !== "Expunging").map((vm) => vm.name);
}

describe("examples/ha", () => {
  it("builds 3 control nodes, 1 external etcd node and 2 workers, then destroys them", async () => {
    const dir = exampleDir("ha");
    const s = stack(dir, await configFor(sim, dir));
    try {
      const up = await s.up();
      expectOk(up, s.log);
      expect(stepSummary(up)).toEqual([
        ["k8s-version", "create"],
        ["ha", "create"],
      ]);
      expect(up.outputs.kubeconfig?.secret).toBe(true);
      const roles = (up.outputs.nodes?.value as { role: string }[]).map((n) => n.role).sort();
      expect(roles).toEqual(["control", "control", "control", "etcd", "worker", "worker"]);
      expect(await liveVms("ha-")).toHaveLength(6);

      const down = await s.destroy();
      expectOk(down, s.log);
      expect(stepSummary(down)).toEqual([
        ["ha", "delete"],
        ["k8s-version", "delete"],
      ]);
      expect(await liveVms("ha-")).toEqual([]);
    } finally {
      s.cleanup();
    }
  });
});

