// `pulumi preview` through the runner's preview mode: the program runs as a dry run, unknown outputs of
// resources not yet created reach each provider's Check as the engine's wire sentinel, nested inside
// objects, and Check and Diff alone decide the steps (no Create, no cloud call, nothing saved).
import * as path from "path";
import type { Simulator } from "../../simulator";
import { configFor, exampleDir, expectOk, stack, startProgramSim, stepSummary } from "../helpers/program-runner";

let sim: Simulator;

beforeAll(async () => {
  sim = await startProgramSim(0.005);
});

afterAll(async () => {
  await sim?.stop();
});

/** API calls the simulator answered so far, not counting the config lookups before the run. */
function apiCalls(): number {
  return sim.audit.records((r) => r.kind === "api").length;
}

describe("preview with unknowns", () => {
  it.each(["quickstart", "ha", "custom-cni"])("examples/%s previews on an empty stack without touching the cloud", async (name) => {
    const dir = exampleDir(name);
    const s = stack(dir, await configFor(sim, dir));
    try {
      const before = apiCalls();
      const preview = await s.preview();
      expectOk(preview, s.log);
      expect(preview.steps.length).toBeGreaterThan(0);
      expect(preview.steps.every((step) => step.kind === "create")).toBe(true);
      expect(apiCalls()).toBe(before);
      expect(s.state().resources).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it.each([
    ["a version", {}],
    ["a known version id beside", { versionId: "a-version-id-known-at-preview" }],
  ])("passes check with %s, a registry password and a CNI id that are unknown", async (_what, extra: Record<string, string>) => {
    const dir = path.join(__dirname, "fixtures", "preview-program");
    const s = stack(dir, await configFor(sim, dir, extra));
    try {
      const preview = await s.preview();
      expectOk(preview, s.log);
      expect(stepSummary(preview).map(([n, k]) => `${n}:${k}`).sort()).toEqual([
        "preview-cluster:create",
        "preview-cni:create",
        "preview-version:create",
        "registry-password:create",
      ]);
    } finally {
      s.cleanup();
    }
  });

  it("still fails preview on a rule whose inputs are all known, naming the field", async () => {
    const dir = path.join(__dirname, "fixtures", "preview-program");
    const s = stack(dir, await configFor(sim, dir, { size: "20" }));
    try {
      const preview = await s.preview();
      expect(preview.ok).toBe(false);
      expect(preview.errors.join(" ")).toMatch(/size: controlNodes \+ size = 21 exceeds the maximum cluster size 10/);
    } finally {
      s.cleanup();
    }
  });

  it("after an up, previews no change, and an input change as an update", async () => {
    const dir = exampleDir("quickstart");
    const s = stack(dir, await configFor(sim, dir));
    try {
      expectOk(await s.up(), s.log);
      const same = await s.preview();
      expectOk(same, s.log);
      expect(same.steps.every((step) => step.kind === "same")).toBe(true);
      const resized = await s.preview({ description: "changed" });
      expectOk(resized, s.log);
      expect(stepSummary(resized).filter(([, k]) => k !== "same")).toEqual([["quickstart", "update"]]);
      expectOk(await s.destroy(), s.log);
    } finally {
      s.cleanup();
    }
  });
});
