import { summarise, type Sample } from "../../../scripts/bench/summary";
import { auditTable, growthLine, headlineTable, machineLine, resultsMarkdown, type RunInfo } from "../../../scripts/bench/table";

// Deploys of `count` VMs of 400 ms wall each: one after the other, or all at once.
const sequentialDeploys = (count: number) => Array.from({ length: count }, (_, i) => ({ start: i * 400, end: i * 400 + 400 }));
const parallelDeploys = (count: number) => Array.from({ length: count }, () => ({ start: 0, end: 400 }));

function sample(workers: number, mode: Sample["mode"], seconds: number): Sample {
  const vms = workers + 1;
  return { workers, mode, seconds, deploys: mode === "sequential" ? sequentialDeploys(vms) : parallelDeploys(vms) };
}

const samples: Sample[] = [
  sample(1, "sequential", 10),
  sample(1, "sequential", 12),
  sample(1, "parallel", 8),
  sample(1, "parallel", 9),
  sample(3, "sequential", 20),
  sample(3, "sequential", 22),
  sample(3, "parallel", 8),
  sample(3, "parallel", 10),
];

const info: RunInfo = {
  machine: { cores: 2, cpuModel: "Test CPU", node: "v20.0.0", platform: "linux x64", load: { start: 0.5, end: 1.25 } },
  timeScale: 0.02,
  repeats: 2,
  pollMs: 100,
  controlNodes: 1,
  date: "2026-01-01T00:00:00Z",
  totalSeconds: 123.4,
};

describe("bench summary", () => {
  it("takes medians per size and mode, and the speed-up from the medians", () => {
    const s = summarise(samples, 0.02);
    expect(s.rows.map((r) => r.workers)).toEqual([1, 3]);
    const [one, three] = s.rows;
    expect(one.sequential.seconds).toBe(11);
    expect(one.parallel.seconds).toBe(8.5);
    expect(one.speedUp).toBeCloseTo(11 / 8.5);
    expect(three.speedUp).toBeCloseTo(21 / 9);
    expect(three.sequential.runs).toBe(2);
  });

  it("reads the deploy overlap and simulated totals from the audit intervals", () => {
    const three = summarise(samples, 0.02).rows[1];
    // 4 VMs x 400 ms wall = 80 simulated seconds of work at scale 0.02.
    expect(three.sequential.deploySumSim).toBeCloseTo(80);
    expect(three.sequential.deploySpanSim).toBeCloseTo(80);
    expect(three.sequential.overlap).toBeCloseTo(1);
    expect(three.sequential.peak).toBe(1);
    expect(three.parallel.deploySpanSim).toBeCloseTo(20);
    expect(three.parallel.overlap).toBeCloseTo(4);
    expect(three.parallel.peak).toBe(4);
    expect(three.parallel.deployJobs).toBe(4);
  });

  it("computes growth per mode from smallest to largest size", () => {
    const g = summarise(samples, 0.02).growth;
    expect(g).toEqual({ sequential: 21 / 11, parallel: 9 / 8.5, fromWorkers: 1, toWorkers: 3 });
  });

  it("leaves out a size with a mode missing, and has no growth below two sizes", () => {
    const s = summarise(samples.filter((x) => !(x.workers === 3 && x.mode === "parallel")), 0.02);
    expect(s.rows.map((r) => r.workers)).toEqual([1]);
    expect(s.growth).toBeUndefined();
    expect(growthLine(s)).toMatch(/at least two/);
  });
});

describe("bench tables", () => {
  const summary = summarise(samples, 0.02);

  it("renders the headline table with one row per size", () => {
    const lines = headlineTable(summary).split("\n");
    expect(lines[0]).toBe("| workers | sequential (s) | parallel (s) | speed-up | deploy overlap (seq → par) |");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe("| 1 | 11.00 | 8.50 | 1.3× | 1.0× → 2.0× |");
    expect(lines[3]).toBe("| 3 | 21.00 | 9.00 | 2.3× | 1.0× → 4.0× |");
  });

  it("renders the audit table with both modes per size", () => {
    const lines = auditTable(summary).split("\n");
    expect(lines).toHaveLength(2 + 4);
    expect(lines[4]).toBe("| 3 | sequential | 4 | 80.0 | 80.0 | 1.0× | 1 |");
    expect(lines[5]).toBe("| 3 | parallel | 4 | 80.0 | 20.0 | 4.0× | 4 |");
  });

  it("names the machine, the time scale, the polling and the bounds", () => {
    const line = machineLine(info);
    expect(line).toContain("2 cores (Test CPU), Node v20.0.0");
    expect(line).toContain("load average 0.5 → 1.3");
    expect(line).toContain("Time scale 0.02 (1 simulated second = 20 ms)");
    expect(line).toContain("scaled with the time scale (first poll and longest interval, at most 100 ms)");
    expect(line).toContain("parallel = concurrency provider default, sequential = concurrency 1");
    expect(machineLine({ ...info, pollMs: undefined, parallelConcurrency: 4 })).toMatch(/real-time schedule.*concurrency 4,/);
  });

  it("puts everything in one markdown block", () => {
    const md = resultsMarkdown(summary, info);
    expect(md).toContain(headlineTable(summary));
    expect(md).toContain(auditTable(summary));
    expect(md).toContain("Growth from 1 to 3 workers: sequential 1.9×, parallel 1.1×");
  });
});
