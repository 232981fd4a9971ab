// Errors raised by the CloudStack client. Messages name the command and what to do; they never
// contain a secret (the client scrubs server text before it gets here).

/** What a person can do about an error code (reference/cloudstack-api.md §3.1). */
function hintFor(errorcode: number): string | undefined {
  switch (errorcode) {
    case 401:
      return "check the API key and secret key, the account's role, and that this machine's clock is right (signed requests expire)";
    case 429:
      return "the API rate limit was exceeded; retry later or lower the request rate";
    case 432:
      return "the command is not available on this CloudStack (plugin disabled, older version, or not permitted for the account's role)";
    case 503:
      return "the management server is in maintenance; retry when it is back";
    case 532:
    case 535:
      return "an account or domain resource limit was reached; raise the limit or free resources";
    case 533:
      return "CloudStack has no capacity for this request; try a smaller offering, another zone, or free capacity";
    case 534:
      return "a resource CloudStack needs is unavailable (host, storage or network); check the zone's health";
    case 536:
      return "the resource is still in use; remove what uses it first";
    case 537:
      return "a conflicting network rule exists on that IP and port";
    default:
      return undefined;
  }
}

/** An error answered by CloudStack: an HTTP error envelope or a failed async job. */
export class CloudStackError extends Error {
  constructor(
    public readonly command: string,
    /** HTTP status of the response (for a failed job: the job's result code). */
    public readonly httpStatus: number,
    /** CloudStack's `errorcode` (same as the HTTP status for envelope errors). */
    public readonly errorcode: number,
    /** CloudStack's `cserrorcode` (exception class code), 0 when absent. */
    public readonly cserrorcode: number,
    public readonly errortext: string,
    public readonly jobid?: string,
    /** For async-create commands: the id of the entity the failed job was creating, if known. */
    public readonly entityId?: string,
  ) {
    super(CloudStackError.describe(command, errorcode, errortext, jobid));
    this.name = "CloudStackError";
  }

  private static describe(command: string, errorcode: number, errortext: string, jobid?: string): string {
    const job = jobid ? ` (async job ${jobid})` : "";
    const hint = hintFor(errorcode);
    return `CloudStack ${command} failed (${errorcode})${job}: ${errortext || "no error text"}${hint ? `. Hint: ${hint}` : ""}`;
  }
}

/** The request never got an answer: connection refused, reset, DNS failure, timeout, TLS failure. */
export class CloudStackConnectionError extends Error {
  constructor(
    public readonly command: string,
    /** Node's error code, e.g. ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND. */
    public readonly code: string,
    /** `host:port` of the API endpoint (never the query string: it carries the signature). */
    public readonly endpoint: string,
    detail: string,
  ) {
    super(`CloudStack ${command}: no answer from ${endpoint} (${code}): ${detail}`);
    this.name = "CloudStackConnectionError";
  }
}

/** An async job did not finish before the deadline. It may still finish on the server. */
export class CloudStackTimeoutError extends Error {
  constructor(
    public readonly command: string,
    public readonly deadlineMs: number,
    public readonly jobid?: string,
    public readonly entityId?: string,
  ) {
    super(
      `CloudStack ${command} did not finish within ${deadlineMs} ms` +
        (jobid ? `; async job ${jobid} may still be running (check it with queryAsyncJobResult)` : ""),
    );
    this.name = "CloudStackTimeoutError";
  }
}

/** The caller's AbortSignal fired. */
export class CloudStackAbortError extends Error {
  constructor(
    public readonly command: string,
    public readonly jobid?: string,
  ) {
    super(`CloudStack ${command} was aborted` + (jobid ? `; async job ${jobid} may still be running` : ""));
    this.name = "AbortError";
  }
}

/** The server answered 2xx with something that is not the expected response. */
export class CloudStackResponseError extends Error {
  constructor(
    public readonly command: string,
    detail: string,
  ) {
    super(`CloudStack ${command} returned an unexpected response: ${detail}`);
    this.name = "CloudStackResponseError";
  }
}

const NOT_FOUND_TEXT = /does not exist|doesn't exist|not found|unable to find|could not find|cannot find|no such/i;

/**
 * True when CloudStack says the target entity is not there, so an idempotent delete can treat the
 * deletion as already done. CloudStack has no dedicated code for this: unknown UUIDs are a 431
 * ("... entity does not exist ...") and some services throw 530 with "Unable to find ...".
 */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof CloudStackError)) return false;
  if (err.errorcode !== 431 && err.errorcode !== 530 && err.errorcode !== 534) return false;
  return NOT_FOUND_TEXT.test(err.errortext);
}
