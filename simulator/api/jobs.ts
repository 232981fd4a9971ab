// The async job engine (reference §4). The cloud's handlers return AsyncWork; the front submits it
// here, answers queryAsyncJobResult / listAsyncJobs from the job records, and audits every job end.
import { randomUUID } from "node:crypto";
import { ApiError, type AsyncWork, type AuditSink, type Caller, type JobResult, type SimClock } from "../contracts";
import type { FaultController } from "../faults";
import { javaClassName, type CommandSpec } from "./commandTable";
import { formatCloudStackDate } from "./dates";
import { csErrorCodeFor } from "./envelopes";

/** How long (realistic ms) a job that fault injection fails takes before it reports failure. */
const INJECTED_FAILURE_DELAY_MS = 500;

interface JobFailure {
  errorcode: number;
  errortext: string;
}

export interface Job {
  jobid: string;
  command: string;
  cmd: string;
  caller: Caller;
  status: 0 | 1 | 2;
  created: number;
  completed?: number;
  result?: JobResult;
  failure?: JobFailure;
  instanceType?: string;
  instanceId?: string;
  done: Promise<void>;
}

export interface JobEngineDeps {
  clock: SimClock;
  audit: AuditSink;
  faults: FaultController;
  /** Where unexpected (non-ApiError) job exceptions are reported; never sent to the client. */
  log?: (message: string) => void;
}

export class JobEngine {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: JobEngineDeps) {}

  submit(spec: CommandSpec, caller: Caller, work: AsyncWork): Job {
    const jobid = randomUUID();
    const created = this.deps.clock.now();
    const job: Job = {
      jobid,
      command: spec.apiName,
      cmd: javaClassName(spec),
      caller,
      status: 0,
      created,
      instanceType: work.instanceType,
      instanceId: work.instanceId ?? work.entityId,
      done: Promise.resolve(),
    };
    this.jobs.set(jobid, job);
    // The draw happens at submit so the failure sequence follows submission order, not completion order.
    const injected = this.deps.faults.jobFailure(spec.apiName);
    job.done = this.execute(job, work, injected);
    return job;
  }

  get(jobid: string): Job | undefined {
    return this.jobs.get(jobid);
  }

  all(): Job[] {
    return [...this.jobs.values()];
  }

  /** Resolves when every job submitted so far has ended. */
  async idle(): Promise<void> {
    await Promise.all(this.all().map((j) => j.done));
  }

  private async execute(job: Job, work: AsyncWork, injected: { code: number; errortext: string } | undefined): Promise<void> {
    // Yield first: the submit response must go out before the job can finish.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      if (injected) {
        // The work is not done at all, so a retry finds nothing half-made.
        await this.deps.clock.sleep(INJECTED_FAILURE_DELAY_MS);
        work.onFailure?.();
        throw new ApiError(injected.code, injected.errortext, csErrorCodeFor(injected.code));
      }
      job.result = await work.run();
      job.status = 1;
    } catch (err) {
      job.status = 2;
      if (err instanceof ApiError) {
        job.failure = { errorcode: err.errorcode, errortext: err.errortext };
      } else {
        // CloudStack turns every non-API exception inside a job into 530 (cserrorcode 4250).
        this.deps.log?.(`job ${job.jobid} (${job.command}) failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
        job.failure = { errorcode: 530, errortext: `Internal error executing command ${job.command}` };
      }
    }
    job.completed = this.deps.clock.now();
    this.deps.audit.record({
      kind: "job",
      command: job.command,
      jobid: job.jobid,
      status: job.status === 1 ? "succeeded" : "failed",
      start: job.created,
      end: job.completed,
      ...(job.failure ? { errorcode: job.failure.errorcode } : {}),
    });
  }
}

/**
 * The entity a job returns was rendered by the command while its own job was still pending, and the
 * join views attach an entity's pending job: UserVmJoinDaoImpl (and the other *JoinDaoImpl classes)
 * set jobid and jobstatus from the view's job columns. So the object inside `jobresult` carries this
 * job's id with jobstatus 0.
 */
function withOwnJob(job: Job, entity: unknown): unknown {
  if (typeof entity !== "object" || entity === null || Array.isArray(entity)) return entity;
  const record = entity as Record<string, unknown>;
  if (job.instanceId === undefined || record.id !== job.instanceId) return entity;
  return { ...record, jobid: job.jobid, jobstatus: 0 };
}

/** The flat record queryAsyncJobResult answers and listAsyncJobs lists. */
export function jobView(job: Job): Record<string, unknown> {
  const view: Record<string, unknown> = {
    accountid: job.caller.accountId,
    account: job.caller.accountName,
    domainid: job.caller.domainId,
    userid: job.caller.userId,
    cmd: job.cmd,
    jobstatus: job.status,
    jobprocstatus: 0,
    jobresultcode: job.failure ? job.failure.errorcode : 0,
  };
  if (job.status === 1 && job.result) {
    view.jobresulttype = "object";
    view.jobresult =
      job.result.kind === "object"
        ? { [job.result.entityKey]: withOwnJob(job, job.result.entity) }
        : job.result.details === undefined
          ? { success: true }
          : { success: true, details: job.result.details };
  } else if (job.status === 2 && job.failure) {
    view.jobresulttype = "object";
    view.jobresult = { errorcode: job.failure.errorcode, errortext: job.failure.errortext };
  }
  if (job.instanceType !== undefined) view.jobinstancetype = job.instanceType;
  if (job.instanceId !== undefined) view.jobinstanceid = job.instanceId;
  view.created = formatCloudStackDate(job.created);
  if (job.completed !== undefined) view.completed = formatCloudStackDate(job.completed);
  view.jobid = job.jobid;
  return view;
}
