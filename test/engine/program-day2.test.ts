// Refresh then up through the offline runner (the engine's own sequence): a worker stopped behind
// Pulumi's back makes refresh record Alert with the reason, and the next up, with no config change,
// updates the cluster (diff asks for it) and repairs it to Running.
import type { Simulator } from "../../simulator";
import { configFor, exampleDir, expectOk, stack, startProgramSim, stepSummary } from "../helpers/program-runner";

const dir = exampleDir("quickstart");
let sim: Simulator;
let s: ReturnType<typeof stack>;

beforeAll(async () => {
  sim = await startProgramSim(0.005);
  s = stack(dir, await configFor(sim, dir));
});

afterAll(async () => {
  s?.cleanup();
  await sim?.stop();
});

async function adminApi() {
  const { createCloudApi } = await import("../../provider/cluster/cloudApi");
  return createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey });
}

test("refresh records Alert for a VM stopped out of band; up with the same config repairs it", async () => {
  expectOk(await s.up(), s.log);
  const nodes = s.state().resources[1]!.outputs.nodes as { name: string; role: string; virtualMachineId: string }[];
  const worker = nodes.find((n) => n.role === "worker")!;
  await (await adminApi()).request("stopVirtualMachine", { id: worker.virtualMachineId });

  const refreshed = await s.refresh();
  expectOk(refreshed, s.log);
  const outputs = s.state().resources[1]!.outputs;
  expect(outputs.state).toBe("Alert");
  expect(String(outputs.stateReason)).toContain(`not Running: ${worker.name} (Stopped)`);

  const r = await s.up();
  expectOk(r, s.log);
  expect(stepSummary(r)).toEqual([
    ["k8s-version", "same"],
    ["quickstart", "update"],
  ]);
  expect(s.state().resources[1]!.outputs.state).toBe("Running");
  expect(s.log.some((l) => /start-workers: start VM: done/.test(l))).toBe(true);
  expectOk(await s.destroy(), s.log);
});
