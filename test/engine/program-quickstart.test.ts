// examples/quickstart run as a real Pulumi program under setMocks, resources through the real host,
// state kept across runs: create, no change, in-place update, destroy in reverse dependency order.
import * as fs from "fs";
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

async function liveVms(): Promise<string[]> {
  const { createCloudApi } = await import("../../provider/cluster/cloudApi");
  const api = createCloudApi({ apiUrl: sim.apiUrl, apiKey: sim.adminApiKey, secretKey: sim.adminSecretKey });
  const vms = (await api.listAll("listVirtualMachines", { listall: true }, "virtualmachine")) as { name: string; state: string }[];
  return vms.filter((vm) => vm.state !== "Destroyed" && vm.state !== "Expunging").map((vm) => vm.name);
}

describe("examples/quickstart through the offline runner", () => {
  it("creates the version and a 1+2 cluster, exporting endpoint, a secret kubeconfig and the nodes", async () => {
    const r = await s.up();
    expectOk(r, s.log);
    expect(stepSummary(r)).toEqual([
      ["k8s-version", "create"],
      ["quickstart", "create"],
    ]);
    expect(r.outputs.endpoint).toEqual({ value: expect.stringMatching(/^https:\/\/127\.[\d.]+:6443\/$/), secret: false });
    expect(r.outputs.kubeconfig?.secret).toBe(true);
    expect(String(r.outputs.kubeconfig?.value)).toContain(`server: ${String(r.outputs.endpoint?.value).replace(/\/$/, "")}`);
    const nodes = r.outputs.nodes?.value as { role: string }[];
    expect(nodes.map((n) => n.role).sort()).toEqual(["control", "worker", "worker"]);
    expect(await liveVms()).toHaveLength(3);

    // What the engine saw: the cluster depends on the version and hides its credentials.
    const clusterUrn = r.steps[1]!.urn;
    expect(r.options[clusterUrn]).toMatchObject({ dependencies: [r.steps[0]!.urn], additionalSecretOutputs: expect.arrayContaining(["kubeconfig", "sshPrivateKey"]) });
    const state = s.state();
    expect(state.resources.find((x) => x.urn === clusterUrn)?.dependencies).toEqual([r.steps[0]!.urn]);
    expect(state.secretOutputs).toEqual(["kubeconfig"]);
    expect(fs.statSync(s.stateFile).mode & 0o777).toBe(0o600);
  });

  it("changes nothing on a second run with the same config", async () => {
    const before = s.state();
    const r = await s.up();
    expectOk(r, s.log);
    expect(stepSummary(r)).toEqual([
      ["k8s-version", "same"],
      ["quickstart", "same"],
    ]);
    expect(s.state().resources.map((x) => x.id)).toEqual(before.resources.map((x) => x.id));
  });

  it("updates the cluster in place when its description changes", async () => {
    const id = s.state().resources[1]!.id;
    const r = await s.up({ description: "updated by the test" });
    expectOk(r, s.log);
    expect(stepSummary(r)).toEqual([
      ["k8s-version", "same"],
      ["quickstart", "update"],
    ]);
    const cluster = s.state().resources[1]!;
    expect(cluster.id).toBe(id);
    expect(cluster.outputs.description).toBe("updated by the test");
    expect(r.outputs.kubeconfig?.secret).toBe(true);
  });

  it("refreshes from the live cloud", async () => {
    const r = await s.refresh();
    expectOk(r, s.log);
    expect(r.steps.map((x) => x.kind)).toEqual(["read", "read"]);
    expect(s.state().resources[1]!.outputs.state).toBe("Running");
  });

  it("destroys the cluster before the version it uses, leaving no VM behind", async () => {
    const r = await s.destroy();
    expectOk(r, s.log);
    expect(stepSummary(r)).toEqual([
      ["quickstart", "delete"],
      ["k8s-version", "delete"],
    ]);
    expect(s.state().resources).toEqual([]);
    expect(await liveVms()).toEqual([]);
  });

  it("reports a program that cannot run (missing config) without touching the stack", async () => {
    const bare = stack(dir, { config: {}, secretConfigKeys: [] });
    try {
      const r = await bare.up();
      expect(r.ok).toBe(false);
      expect(r.errors.join("\n")).toMatch(/Missing required configuration variable 'cks-quickstart:kubernetesVersion'/);
      expect(r.steps).toEqual([]);
    } finally {
      bare.cleanup();
    }
  });
});
