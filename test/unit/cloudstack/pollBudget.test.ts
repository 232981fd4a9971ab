// Async-job polling stays at or under one query per job per budget period (issue 14: ≤ 1 poll per
// job per second), while the first poll still comes early.
import { waitForJob } from "../../../provider/cloudstack/async-jobs";

async function pollTimes(budget: number | undefined, jobMs: number): Promise<number[]> {
  const began = Date.now();
  const at: number[] = [];
  await waitForJob({
    command: "deployVirtualMachine",
    jobid: "job-1",
    deadlineAt: began + 10_000,
    deadlineMs: 10_000,
    initialIntervalMs: 25,
    maxIntervalMs: 5_000,
    pollBudgetMs: budget,
    secrets: [],
    query: async () => {
      const t = Date.now() - began;
      at.push(t);
      return t >= jobMs ? { jobid: "job-1", jobstatus: 1, jobresult: {} } : { jobid: "job-1", jobstatus: 0 };
    },
  });
  return at;
}

describe("async-job poll budget", () => {
  it("asks first after the initial interval, then never more than once per budget period of the job's life", async () => {
    const at = await pollTimes(100, 450);
    expect(at[0]).toBeLessThan(100);
    at.forEach((t, i) => {
      if (i >= 1) expect(t).toBeGreaterThanOrEqual((i + 1) * 100 - 5);
    });
    // Polls per period of life, counting a life under one period as one.
    expect(at.length / Math.max(1, at[at.length - 1] / 100)).toBeLessThanOrEqual(1.05);
  });

  it("without a budget the growing interval alone asks more often early on", async () => {
    const at = await pollTimes(undefined, 450);
    expect(at.length / Math.max(1, at[at.length - 1] / 100)).toBeGreaterThan(1.05);
  });
});
