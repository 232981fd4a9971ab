import { DEFAULT_OPTIONS, parseBenchArgs } from "../../../scripts/bench/args";
import { BEGIN_MARKER, END_MARKER, replaceResults } from "../../../scripts/bench/docFile";
import { planRuns } from "../../../scripts/bench/plan";
import { scaledPollMs } from "../../../scripts/bench/scaledCloud";

describe("bench options", () => {
  it("defaults to workers 1,3,6 at time scale 0.02, two repeats, scaled polling", () => {
    expect(parseBenchArgs([])).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({ workers: [1, 3, 6], timeScale: 0.02, repeat: 2, scaledPolling: true, write: true });
  });

  it("reads values in both --flag value and --flag=value forms", () => {
    const o = parseBenchArgs(["--time-scale=0.01", "--repeat", "3", "--workers", "6,1,3,3", "--concurrency", "4", "--no-write", "--real-poll", "--no-warmup", "--verbose"]);
    expect(o).toMatchObject({ timeScale: 0.01, repeat: 3, workers: [1, 3, 6], concurrency: 4, write: false, scaledPolling: false, warmup: false, verbose: true });
  });

  it("refuses unknown flags, missing values and out-of-range numbers, naming the option", () => {
    expect(() => parseBenchArgs(["--fast"])).toThrow(/unknown option '--fast'/);
    expect(() => parseBenchArgs(["--repeat"])).toThrow(/--repeat needs a value/);
    expect(() => parseBenchArgs(["--repeat", "x"])).toThrow(/--repeat expects a number/);
    expect(() => parseBenchArgs(["--time-scale", "0"])).toThrow(/timeScale/);
    expect(() => parseBenchArgs(["--concurrency", "1"])).toThrow(/concurrency/);
  });
});

describe("bench run plan", () => {
  it("measures every size in both modes per repeat, alternating which mode goes first", () => {
    const plan = planRuns([1, 3], 2);
    expect(plan).toHaveLength(8);
    expect(plan.slice(0, 2).map((r) => r.mode)).toEqual(["sequential", "parallel"]);
    expect(plan.slice(4, 6).map((r) => r.mode)).toEqual(["parallel", "sequential"]);
    for (const w of [1, 3]) for (const mode of ["sequential", "parallel"]) expect(plan.filter((r) => r.workers === w && r.mode === mode)).toHaveLength(2);
  });
});

describe("bench polling", () => {
  it("scales the provider's 5 s poll interval with the time scale, never below 1 ms", () => {
    expect(scaledPollMs(0.02)).toBe(100);
    expect(scaledPollMs(1)).toBe(5000);
    expect(scaledPollMs(0.00001)).toBe(1);
  });
});

describe("docs/bench.md results block", () => {
  const fallback = (block: string) => `# New\n\n${block}\n`;

  it("replaces only the text between the markers", () => {
    const doc = `# Title\n\nprose before\n\n${BEGIN_MARKER}\nold table\n${END_MARKER}\n\nprose after\n`;
    const out = replaceResults(doc, "new table\n", fallback);
    expect(out).toBe(`# Title\n\nprose before\n\n${BEGIN_MARKER}\nnew table\n${END_MARKER}\n\nprose after\n`);
    expect(replaceResults(out, "newer", fallback)).toContain(`${BEGIN_MARKER}\nnewer\n${END_MARKER}`);
  });

  it("falls back to a fresh document when the file or the markers are missing", () => {
    expect(replaceResults(undefined, "t", fallback)).toBe(`# New\n\n${BEGIN_MARKER}\nt\n${END_MARKER}\n`);
    expect(replaceResults("# no markers", "t", fallback)).toBe(`# New\n\n${BEGIN_MARKER}\nt\n${END_MARKER}\n`);
  });
});
