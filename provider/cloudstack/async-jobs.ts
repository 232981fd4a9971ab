// Waiting for an async job: poll queryAsyncJobResult with a growing interval until the job ends,
// the deadline passes or the caller aborts (reference §4).
import { z } from "zod";
import type { JsonObject } from "./envelope";
import { CloudStackAbortError, CloudStackError, CloudStackResponseError, CloudStackTimeoutError } from "./errors";
import { scrubText } from "./redact";
import { AsyncJobSchema, JOB_CANCELLED, JOB_FAILED, JOB_PENDING, JOB_SUCCEEDED, JobFailureSchema } from "./schemas/jobs";
import { sleep } from "./timing";

export interface JobWait {
  command: string;
  jobid: string;
  /** For async-create commands, the id returned at submit (reported when the job fails). */
  entityId?: string;
  /** Epoch ms after which we stop waiting. */
  deadlineAt: number;
  /** The deadline as configured, for the error message. */
  deadlineMs: number;
  /** First poll interval; multiplied by 1.5 after each poll up to `maxIntervalMs`. */
  initialIntervalMs: number;
  maxIntervalMs: number;
  /**
   * At most one poll per this many ms of the job's life: poll k (k ≥ 2) waits until k × this after the
   * wait began. With 1 s, no job is asked after more than once per second (issue 14: ≤ 1 query per job
   * per second), while the first poll still comes early for the many jobs that end in a fraction of one.
   */
  pollBudgetMs?: number;
  signal?: AbortSignal;
  /** Secret values of the original request, scrubbed from job error texts. */
  secrets: readonly string[];
  /** One queryAsyncJobResult call (the client's request path, with its own retries). */
  query: (jobid: string) => Promise<JsonObject>;
}

const JobResultObject = z.record(z.string(), z.unknown());

/** Resolves with the job's `jobresult` object; throws CloudStackError when the job failed. */
export async function waitForJob(wait: JobWait): Promise<JsonObject> {
  let interval = Math.min(wait.initialIntervalMs, wait.maxIntervalMs);
  const began = Date.now();
  let polls = 0;
  for (;;) {
    const remaining = wait.deadlineAt - Date.now();
    if (remaining <= 0) throw new CloudStackTimeoutError(wait.command, wait.deadlineMs, wait.jobid, wait.entityId);
    polls++;
    const budgetWait = wait.pollBudgetMs !== undefined && polls >= 2 ? began + polls * wait.pollBudgetMs - Date.now() : 0;
    try {
      await sleep(Math.min(Math.max(interval, budgetWait), remaining), wait.signal);
    } catch {
      throw new CloudStackAbortError(wait.command, wait.jobid);
    }
    interval = Math.min(interval * 1.5, wait.maxIntervalMs);

    const raw = await wait.query(wait.jobid);
    const parsed = AsyncJobSchema.safeParse(raw);
    if (!parsed.success) {
      throw new CloudStackResponseError("queryAsyncJobResult", `job ${wait.jobid}: ${z.prettifyError(parsed.error)}`);
    }
    const job = parsed.data;
    if (job.jobstatus === JOB_PENDING) continue;
    if (job.jobstatus === JOB_SUCCEEDED) {
      const result = JobResultObject.safeParse(job.jobresult ?? {});
      // Some success results are bare; give callers an object either way.
      return result.success ? result.data : { result: job.jobresult };
    }
    if (job.jobstatus === JOB_FAILED || job.jobstatus === JOB_CANCELLED) throw jobError(wait, job);
    throw new CloudStackResponseError("queryAsyncJobResult", `job ${wait.jobid} has unknown jobstatus ${job.jobstatus}`);
  }
}

function jobError(wait: JobWait, job: z.infer<typeof AsyncJobSchema>): CloudStackError {
  const failure = JobFailureSchema.safeParse(job.jobresult ?? {});
  const fields = failure.success ? failure.data : {};
  const code = fields.errorcode ?? job.jobresultcode ?? 530;
  const text =
    fields.errortext ?? (job.jobstatus === JOB_CANCELLED ? "the async job was cancelled" : "the async job failed without an error text");
  return new CloudStackError(
    wait.command,
    job.jobresultcode || code,
    code,
    fields.cserrorcode ?? 0,
    scrubText(text, wait.secrets),
    wait.jobid,
    wait.entityId,
  );
}
