import type { AuditRecord } from "../../../simulator";
import { auditStats } from "../../../scripts/bench/auditStats";
import { criticalPath, criticalPathSeconds } from "../../../scripts/bench/criticalPath";
import { callBudget, callsTable, scaleRows, scaleTable } from "../../../scripts/bench/scale";
import { parseBenchArgs } from "../../../scripts/bench/args";
import { planRuns } from "../../../scripts/bench/plan";
import { replaceNamedBlock } from "../../../scripts/bench/docFile";
import type { Sample } from "../../../scripts/bench/summary";
import { DURATIONS } from "../../../simulator/cloud/netops";
import { DURATIONS as KUBE } from "../../../simulator/node/kube/context";

const api = (command: string, start: number, end: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({ kind: "api", command, status: 200, start, end, ...extra });

describe("bench audit stats", () => {
  it("counts calls by command with polls apart, and polls per job per simulated second", () => {
    // Time scale 0.01: 1 simulated second = 10 ms. Job A lives 5 simulated s and is polled 5 times
    // (1/s); job B lives 1 simulated s and is polled 3 times (3/s): the max names B.
    const records: AuditRecord[] = [
      api("deployVirtualMachine", 0, 1, { jobid: "A" }),
      ...[10, 20, 30, 40, 50].map((t) => api("queryAsyncJobResult", t - 1, t, { params: { jobid: "A" } })),
      api("createTags", 0, 1, { jobid: "B" }),
      ...[3, 6, 10].map((t) => api("queryAsyncJobResult", t - 1, t, { params: { jobid: "B" } })),
      api("listZones", 0, 1),
      { kind: "job", command: "deployVirtualMachine", jobid: "A", status: "succeeded", start: 0, end: 50 },
    ];
    const s = auditStats(records, 0.01);
    expect(s.calls).toEqual({ deployVirtualMachine: 1, createTags: 1, listZones: 1 });
    expect(s.nonPollCalls).toBe(3);
    expect(s.polls.polls).toBe(8);
    expect(s.polls.jobs).toBe(2);
    expect(s.polls.maxPerJobPerSecond).toBeCloseTo(3);
    expect(s.polls.aggregatePerJobSecond).toBeCloseTo(8 / 6);
  });

  it("a job polled once within its first simulated second counts as one poll per second, not more", () => {
    const s = auditStats([api("createTags", 0, 1, { jobid: "T" }), api("queryAsyncJobResult", 1, 2, { params: { jobid: "T" } })], 0.01);
    expect(s.polls.maxPerJobPerSecond).toBe(1);
  });
});

describe("bench critical path", () => {
  it("follows the simulator's own latencies (changing one changes the path)", () => {
    const terms = criticalPath();
    expect(terms.find((t) => t.what === "kubeadm init")?.ms).toBe(KUBE.init);
    expect(terms.find((t) => t.what === "one VM deploy")?.ms).toBe(DURATIONS.deploy);
    expect(criticalPathSeconds(terms)).toBeCloseTo(terms.reduce((a, t) => a + t.ms, 0) / 1000);
    expect(criticalPathSeconds([{ what: "x", ms: 1500 }])).toBe(1.5);
  });
});

describe("bench scale rows", () => {
  const sample = (workers: number, seconds: number, calls: Record<string, number>, maxRate = 0.2): Sample => ({
    workers,
    mode: "parallel",
    seconds,
    cpuSeconds: seconds / 2,
    deploys: [],
    audit: { calls, nonPollCalls: Object.values(calls).reduce((a, b) => a + b, 0), polls: { polls: 1, jobs: 1, maxPerJobPerSecond: maxRate, aggregatePerJobSecond: maxRate / 2 } },
  });

  it("compares each size with the critical path, with the smallest size and with the call budget", () => {
    const rows = scaleRows([sample(1, 4, { deployVirtualMachine: 2, listZones: 1 }), sample(9, 6, { deployVirtualMachine: 10, listZones: 1 }, 1.5)], 0.02, 200, 1);
    expect(rows.map((r) => [r.workers, r.nodes, r.simSeconds, r.overPath, r.vsSmallest])).toEqual([
      [1, 2, 200, 1, 1],
      [9, 10, 300, 1.5, 1.5],
    ]);
    expect(rows[1].budget).toBe(callBudget(10));
    expect(callBudget(10)).toBe(80);
    const table = scaleTable(rows, 200).split("\n");
    expect(table[2]).toBe("| 1 | 2 | 4.00 | 200 | 1.00 | 1.00 | 2.0 | 3 | 32 | 0.20 / 0.10 |");
    // Misses are marked: 1.5 over the path and over create(1), 1.5 polls per job-second.
    expect(table[3]).toBe("| 9 | 10 | 6.00 | 300 | 1.50 ✗ | 1.50 ✗ | 3.0 | 11 | 80 | 1.50 ✗ / 0.75 |");
    const calls = callsTable(rows).split("\n");
    expect(calls).toContain("| deployVirtualMachine | 2 | 10 | 1.00 |");
    expect(calls).toContain("| listZones | 1 | 1 | 0.00 |");
    expect(calls[calls.length - 1]).toBe("| **total** | **3** | **11** | 1.00 |");
  });
});

describe("bench options for scale", () => {
  it("accepts up to 50 workers and one mode only", () => {
    expect(parseBenchArgs(["--workers", "1,50", "--modes", "parallel"])).toMatchObject({ workers: [1, 50], modes: ["parallel"] });
    expect(() => parseBenchArgs(["--workers", "51"])).toThrow(/workers/);
    expect(() => parseBenchArgs(["--modes", "fast"])).toThrow(/modes/);
    expect(planRuns([1, 50], 2, ["parallel"]).map((r) => `${r.workers}:${r.mode}`)).toEqual(["1:parallel", "50:parallel", "1:parallel", "50:parallel"]);
  });
});

describe("bench options for many clusters and the simulator at scale", () => {
  it("reads --clusters and --sim-vms, refusing out-of-range values", () => {
    expect(parseBenchArgs(["--clusters", "10", "--sim-vms", "1000"])).toMatchObject({ clusters: 10, simVms: 1000 });
    expect(parseBenchArgs([])).toMatchObject({ clusters: 0, simVms: 0 });
    expect(() => parseBenchArgs(["--clusters", "-1"])).toThrow(/clusters/);
  });

  it("replaces a named generated block in place, or appends it once", () => {
    const once = replaceNamedBlock("# Doc\n", "sim-scale", "table 1");
    expect(once).toContain("<!-- bench:sim-scale:begin");
    expect(once).toContain("table 1\n<!-- bench:sim-scale:end -->");
    const twice = replaceNamedBlock(once, "sim-scale", "table 2");
    expect(twice).not.toContain("table 1");
    expect(twice.match(/bench:sim-scale:begin/g)).toHaveLength(1);
  });
});
