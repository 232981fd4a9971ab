// examples/custom-cni through the offline runner: the CniConfiguration's rendered files and runcmd
// replace the ISO's network manifest. Also a replacement cascading through a dependency: a new CNI
// template replaces the CniConfiguration (delete-before-replace, the provider's answer), which first
// deletes the cluster that uses it; the cluster is then created on the new CNI.
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

/** Node commands run on VMs whose name starts with `prefix` and whose argv matches `pattern`. */
function nodeCommands(prefix: string, pattern: RegExp): number {
  return sim.audit.records((r) => r.kind === "node" && String(r.node ?? "").startsWith(prefix) && Array.isArray(r.argv) && pattern.test(r.argv.join(" "))).length;
}

describe("examples/custom-cni", () => {
  it("applies the rendered CNI, replaces CNI and cluster when the template changes, and destroys", async () => {
    const dir = exampleDir("custom-cni");
    const s = stack(dir, await configFor(sim, dir));
    try {
      const up = await s.up({ podCidr: "10.42.0.0/16" });
      expectOk(up, s.log);
      expect(stepSummary(up).map(([name, kind]) => `${name}:${kind}`).sort()).toEqual(["custom-cni:create", "demo-cni:create", "k8s-version:create"]);
      expect(up.outputs.kubeconfig?.secret).toBe(true);
      expect(nodeCommands("custom-cni-", /kubectl apply -f \/etc\/cks-cni\/cni\.yaml/)).toBeGreaterThan(0);
      expect(nodeCommands("custom-cni-", /apply -f \/etc\/kubernetes\/cks\/network\.yaml/)).toBe(0);
      const cniUrn = up.steps.find((x) => x.urn.endsWith("::demo-cni"))!.urn;
      const clusterUrn = up.steps.find((x) => x.urn.endsWith("::custom-cni"))!.urn;
      expect(up.options[clusterUrn]!.dependencies).toEqual(expect.arrayContaining([cniUrn]));
      const before = s.state();
      const oldCluster = before.resources.find((r) => r.urn === clusterUrn)!;

      const again = await s.up({ podCidr: "10.42.0.0/16", cniImage: "registry.example.com/demo-cni:2.0" });
      expectOk(again, s.log);
      // Delete-before-replace of the CNI first deletes the cluster that uses it; the cluster is then
      // created anew on the new CNI.
      const order = stepSummary(again).map(([name, kind]) => `${name}:${kind}`);
      expect([...order].sort()).toEqual(["custom-cni:create", "custom-cni:delete", "demo-cni:replace", "k8s-version:same"]);
      expect(order.indexOf("custom-cni:delete")).toBeLessThan(order.indexOf("demo-cni:replace"));
      expect(order.indexOf("demo-cni:replace")).toBeLessThan(order.indexOf("custom-cni:create"));
      expect(again.steps.find((x) => x.kind === "replace")).toMatchObject({ deleteBeforeReplace: true, keys: ["userData"] });
      const after = s.state();
      expect(after.resources.find((r) => r.urn === clusterUrn)!.id).not.toBe(oldCluster.id);
      expect(await liveVms(`custom-cni-${oldCluster.id.slice(0, 6)}`)).toEqual([]);

      const down = await s.destroy();
      expectOk(down, s.log);
      expect(stepSummary(down)[0]).toEqual(["custom-cni", "delete"]);
      expect(await liveVms("custom-cni-")).toEqual([]);
    } finally {
      s.cleanup();
    }
  });
});
