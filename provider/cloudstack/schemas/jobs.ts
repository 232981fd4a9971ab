import { z } from "zod";
import { intLike } from "./common";

/** 0 in progress, 1 succeeded, 2 failed, 3 cancelled (`JobInfo.Status` ordinals). */
export const JOB_PENDING = 0;
export const JOB_SUCCEEDED = 1;
export const JOB_FAILED = 2;
export const JOB_CANCELLED = 3;

/** The flat record `queryAsyncJobResult` returns. */
export const AsyncJobSchema = z.looseObject({
  jobid: z.string(),
  jobstatus: intLike,
  jobresultcode: intLike.optional(),
  jobresulttype: z.string().optional(),
  jobresult: z.unknown().optional(),
  jobinstancetype: z.string().optional(),
  jobinstanceid: z.string().optional(),
  cmd: z.string().optional(),
  created: z.string().optional(),
  completed: z.string().optional(),
});
export type AsyncJob = z.infer<typeof AsyncJobSchema>;

/** `jobresult` of a failed job. */
export const JobFailureSchema = z.looseObject({
  errorcode: intLike.optional(),
  cserrorcode: intLike.optional(),
  errortext: z.string().optional(),
});

/**
 * What an async submit answers: the job id and, for async-create commands, the new entity's id.
 * Extra scalar fields are tolerated (some releases add them); a nested object or list means the
 * response carries an entity, i.e. it is a synchronous result that merely mentions a job.
 */
export const AsyncSubmitSchema = z
  .looseObject({ jobid: z.string().min(1), id: z.string().optional() })
  .refine((body) => Object.entries(body).every(([key, value]) => key === "uuidList" || value === null || typeof value !== "object"), {
    message: "not an async submit",
  });
