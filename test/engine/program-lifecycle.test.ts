// The runner's step rules, with cheap resources (test/engine/fixtures/versions-program) and then with
// a quickstart cluster whose create fails half-way (ErrorResourceInitFailed): the partial resource is
// recorded and the next run updates it, which resumes the create.
import * as path from "path";
import type { Simulator } from "../../simulator";
import { configFor, exampleDir, expectOk, stack, startProgramSim, stepSummary, type RunResult } from "../helpers/program-runner";

let sim: Simulator;

beforeAll(async () => {
  sim = await startProgramSim(0.005);
});

afterAll(async () => {
  await sim?.stop();
});

const sorted = (r: RunResult): string[] => stepSummary(r).map(([name, kind]) => `${name}:${kind}`).sort();

/** The ISO commands in audit order, as "registerIso:<name>" / "deleteIso:<id>". */
function isoCalls(since: number): string[] {
  return sim.audit
    .records((r) => r.kind === "api" && (r.command === "registerIso" || r.command === "deleteIso") && r.start >= since && r.status === 200)
    .map((r) => `${r.command}:${r.command === "registerIso" ? r.params?.name : r.params?.id}`);
}

describe("step rules (versions-program)", () => {
  it("creates, replaces create-before-delete and delete-before-replace, removes, and destroys in dependency order", async () => {
    const dir = path.join(__dirname, "fixtures", "versions-program");
    const base = await configFor(sim, dir, { isos: JSON.stringify(sim.isos.slice(0, 3)) });
    const s = stack(dir, base);
    try {
      const first = await s.up();
      expectOk(first, s.log);
      // Independent resources run concurrently, so steps are compared as sets where order is free.
      expect(sorted(first)).toEqual(["first:create", "second:create", "third:create"]);
      const ids = first.outputs.ids?.value as Record<string, string>;
      const second = s.state().resources.find((r) => r.name === "second")!;
      // Steps finish in completion order (the three creates run concurrently): find "first" by name.
      expect(second.dependencies).toEqual([first.steps.find((x) => x.urn.endsWith("::first"))!.urn]);
      // secretKey came from secret config: the engine keeps it secret (additionalSecretOutputs too).
      expect(second.secretOutputs).toEqual(expect.arrayContaining(["secretKey"]));

      // Create-before-delete: the replacement is registered before the old ISO is deleted, at the end.
      let t = Date.now();
      const renamed = await s.up({ firstName: "first-v2" });
      expectOk(renamed, s.log);
      expect(sorted(renamed)).toEqual(["first:delete", "first:replace", "second:same", "third:same"]);
      expect(renamed.steps.find((x) => x.kind === "replace")).toMatchObject({ deleteBeforeReplace: false, keys: ["name"], oldId: ids.first });
      expect(renamed.steps[renamed.steps.length - 1]).toMatchObject({ kind: "delete", id: ids.first });
      expect(isoCalls(t)).toEqual(["registerIso:first-v2", `deleteIso:${ids.first}`]);

      // deleteBeforeReplace from the resource option: the old ISO goes first.
      t = Date.now();
      const dbr = await s.up({ firstName: "first-v2", secondName: "second-v2" });
      expectOk(dbr, s.log);
      expect(sorted(dbr)).toEqual(["first:same", "second:replace", "third:same"]);
      expect(dbr.steps.find((x) => x.kind === "replace")).toMatchObject({ deleteBeforeReplace: true, oldId: ids.second });
      expect(isoCalls(t)).toEqual([`deleteIso:${ids.second}`, "registerIso:second-v2"]);

      // In place, then removal of a resource the program no longer declares.
      const inPlace = await s.up({ firstName: "first-v2", secondName: "second-v2", secondState: "Disabled", withThird: "false" });
      expectOk(inPlace, s.log);
      expect(sorted(inPlace)).toEqual(["first:same", "second:update", "third:delete"]);
      expect(inPlace.steps[inPlace.steps.length - 1]).toMatchObject({ kind: "delete", id: ids.third });
      expect(inPlace.outputs.secondState?.value).toBe("Disabled");
      expect(s.state().resources.map((r) => r.name)).toEqual(["first", "second"]);

      const down = await s.destroy();
      expectOk(down, s.log);
      expect(stepSummary(down)).toEqual([
        ["second", "delete"],
        ["first", "delete"],
      ]);
      expect(s.state().resources).toEqual([]);
    } finally {
      s.cleanup();
    }
  });
});

describe("credentials from the environment", () => {
  it("works with CLOUDSTACK_* in the provider host's environment and no credentials in config", async () => {
    const dir = path.join(__dirname, "fixtures", "versions-program");
    const filled = await configFor(sim, dir, { isos: JSON.stringify(sim.isos.slice(3, 6)) });
    const config = Object.fromEntries(Object.entries(filled.config).filter(([k]) => !k.startsWith("cloudstack-kubernetes:")));
    const s = stack(dir, { config, secretConfigKeys: [] }, { CLOUDSTACK_API_URL: sim.apiUrl, CLOUDSTACK_API_KEY: sim.adminApiKey, CLOUDSTACK_SECRET_KEY: sim.adminSecretKey });
    try {
      const up = await s.up({ withThird: "false" });
      expectOk(up, s.log);
      expect(sorted(up)).toEqual(["first:create", "second:create"]);
      // The provider records the credentials it used, so a later destroy works without the environment.
      expect(s.state().resources[0]!.outputs.apiUrl).toBe(sim.apiUrl);
      expectOk(await s.destroy(), s.log);
    } finally {
      s.cleanup();
    }
  });
});

describe("ErrorResourceInitFailed", () => {
  it("records the partial cluster, and the next run updates it to Running", async () => {
    const dir = exampleDir("quickstart");
    const s = stack(dir, await configFor(sim, dir, { clusterName: "resume" }));
    try {
      sim.faults.set("deploy-capacity:match=worker-2:count=1");
      const failed = await s.up();
      expect(failed.ok).toBe(false);
      expect(failed.errors.join("\n")).toMatch(/KubernetesCluster resume: .*worker-2/);
      expect(failed.errors.join("\n")).not.toContain(sim.adminSecretKey);
      const partial = s.state().resources.find((r) => r.name === "quickstart")!;
      expect(partial.initErrors?.length).toBeGreaterThan(0);
      expect(partial.outputs.state).toBe("Error");
      expect(partial.outputs.__provider).toEqual(expect.stringContaining("kubernetesCluster"));

      sim.faults.clear();
      const resumed = await s.up();
      expectOk(resumed, s.log);
      expect(stepSummary(resumed)).toEqual([
        ["k8s-version", "same"],
        ["quickstart", "update"],
      ]);
      const cluster = s.state().resources.find((r) => r.name === "quickstart")!;
      expect(cluster.id).toBe(partial.id);
      expect(cluster.initErrors).toBeUndefined();
      expect(cluster.outputs.state).toBe("Running");
      expect(resumed.outputs.kubeconfig?.secret).toBe(true);
      expect((resumed.outputs.nodes?.value as unknown[]).length).toBe(3);

      expectOk(await s.destroy(), s.log);
    } finally {
      sim.faults.clear();
      s.cleanup();
    }
  });
});
