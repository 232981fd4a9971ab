// queryAsyncJobResult and listAsyncJobs: the front owns jobs, so it answers these itself.
import { ApiError, type Caller, type CommandHandler } from "../contracts";
import { jobView, type Job, type JobEngine } from "./jobs";

function visible(job: Job, caller: Caller): boolean {
  return caller.isAdmin || job.caller.accountId === caller.accountId;
}

export function jobHandlers(engine: JobEngine): Record<string, CommandHandler> {
  return {
    queryAsyncJobResult: (params, caller) => {
      const job = engine.get(params.jobid ?? "");
      if (!job || !visible(job, caller)) {
        throw new ApiError(
          431,
          `Unable to execute API command queryasyncjobresult due to invalid value. Invalid parameter jobid value=${params.jobid} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
        );
      }
      return { kind: "flat", body: jobView(job) };
    },
    listAsyncJobs: (params, caller) => {
      const listAll = caller.isAdmin && params.listall?.toLowerCase() === "true";
      const jobs = engine
        .all()
        .filter((job) => (listAll ? true : job.caller.accountId === caller.accountId))
        .sort((a, b) => b.created - a.created);
      return { kind: "list", entityKey: "asyncjobs", items: jobs.map(jobView) };
    },
  };
}
