// isTransientError: which CloudStack failures a phase may retry (reads are idempotent, writes are not).
import { deleteRetryable, isTransientError } from "../../../provider/cluster/cloudErrors";

const cloudError = (command: string, errorcode: number, errortext = "Internal error executing command") =>
  Object.assign(new Error(`CloudStack ${command} failed (${errorcode}): ${errortext}`), { command, errorcode, httpStatus: errorcode, errortext });

describe("isTransientError", () => {
  it.each(["listServiceOfferings", "listNetworkOfferings", "queryAsyncJobResult", "getUserKeys"])("a 530 or 500 on the read %s is transient", (command) => {
    expect(isTransientError(cloudError(command, 530))).toBe(true);
    expect(isTransientError(cloudError(command, 500))).toBe(true);
  });

  it("a 530 on a write is transient only for CloudStack's retry-later texts", () => {
    expect(isTransientError(cloudError("deployVirtualMachine", 530))).toBe(false);
    expect(isTransientError(cloudError("createNetwork", 530, "Failed to acquire lock, please try again"))).toBe(true);
  });

  it("4xx answers to reads are not transient (except 429)", () => {
    expect(isTransientError(cloudError("listServiceOfferings", 431, "Unable to execute API command due to invalid value"))).toBe(false);
    expect(isTransientError(cloudError("listServiceOfferings", 429, "API rate limit exceeded"))).toBe(true);
  });

  it("a failed job of a write (its errorcode 530) is not transient", () => {
    const failedJob = Object.assign(cloudError("deployVirtualMachine", 530, "Job failed"), { jobid: "job-1" });
    expect(isTransientError(failedJob)).toBe(false);
  });
});

describe("deleteRetryable", () => {
  it("retries a 5xx on a delete a bounded number of times, since a done delete answers not found next", () => {
    const retryable = deleteRetryable(3);
    const err = cloudError("deleteFirewallRule", 530);
    expect([1, 2, 3, 4].map(() => retryable(err))).toEqual([true, true, true, false]);
  });

  it("never retries a 4xx, and always retries what is transient anyway", () => {
    const retryable = deleteRetryable(0);
    expect(retryable(cloudError("deleteNetwork", 431, "Unable to execute API command due to invalid value"))).toBe(false);
    expect(retryable(cloudError("deleteNetwork", 429, "API rate limit exceeded"))).toBe(true);
    expect(retryable(cloudError("deleteNetwork", 530))).toBe(false);
  });
});
