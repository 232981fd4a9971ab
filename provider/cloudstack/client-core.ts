// The untyped core of the client: sign, send (GET or POST), retry what is safe to retry, unwrap the
// envelope, follow async jobs and pages. The typed command wrappers are in client.ts.
import type * as http from "node:http";
import { AsyncSubmitSchema } from "./schemas/jobs";
import { waitForJob } from "./async-jobs";
import { httpMethodFor, isReadOnlyCommand } from "./commands";
import { type CommandParams, flattenParams, toWireString } from "./encoding";
import { type JsonObject, unwrapEnvelope } from "./envelope";
import { CloudStackAbortError, CloudStackConnectionError, CloudStackTimeoutError } from "./errors";
import { HttpAbortedError, type HttpReply, HttpTransportError, createAgent, sendHttp } from "./http";
import { type CloudStackClientOptions, type ResolvedOptions, resolveOptions } from "./options";
import { MAX_PAGE_SIZE, collectPages } from "./paging";
import { redactParams, secretValues } from "./redact";
import { signRequest } from "./signing";
import { checkSuccess } from "./success";
import { retryAfterMs, retryDelay, sleep } from "./timing";

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overall budget for this call: retries and, for async commands, waiting for the job. */
  deadlineMs?: number;
}

interface CallContext {
  signal?: AbortSignal;
  deadlineAt: number;
  deadlineMs: number;
  secrets: readonly string[];
}

/** Transport failures that may clear up on their own. TLS/certificate failures are not among them. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * HTTP statuses worth retrying.
 * - 429 (API throttling) and 503 (maintenance): CloudStack answers them before it dispatches the
 *   command, so nothing was executed and even a state-changing command may be sent again.
 * - Any other 5xx, CloudStack's 530 (INTERNAL_ERROR, ApiErrorCode in apache/cloudstack
 *   api/src/main/java/org/apache/cloudstack/api/ApiErrorCode.java) included, only for read-only
 *   commands: get/list/query/find change nothing (ApiServer's GET rule, reference §1.3), so sending
 *   one again is harmless, whereas a write answered 530 may have done part of its work.
 *   queryAsyncJobResult is read-only too: a poll that failed says nothing about the job, which goes
 *   on running in the management server (a FAILED job comes back as HTTP 200 with jobstatus 2).
 */
export function retryableStatus(status: number, readOnly: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return readOnly && status >= 500 && status <= 599;
}

export class CloudStackApi {
  protected readonly options: ResolvedOptions;
  private readonly endpoint: URL;
  private readonly agent: http.Agent;

  constructor(options?: CloudStackClientOptions) {
    this.options = resolveOptions(options);
    this.endpoint = new URL(this.options.apiUrl);
    this.agent = createAgent(this.endpoint, this.options);
  }

  /**
   * Run one command. Resolves with the object under the response key; for async commands, waits for
   * the job and resolves with its `jobresult` (e.g. `{ virtualmachine: {...} }` or `{ success: true }`).
   */
  async request<T = JsonObject>(command: string, params: CommandParams = {}, opts: RequestOptions = {}): Promise<T> {
    const started = Date.now();
    const wire = { ...flattenParams(params), command };
    const context: CallContext = {
      signal: opts.signal,
      deadlineAt: opts.deadlineMs === undefined ? Infinity : started + opts.deadlineMs,
      deadlineMs: opts.deadlineMs ?? Infinity,
      secrets: secretValues(wire, [this.options.secretKey]),
    };
    const inner = await this.call(command, wire, context);
    const submit = command === "queryAsyncJobResult" ? undefined : AsyncSubmitSchema.safeParse(inner);
    if (!submit?.success) {
      checkSuccess(command, inner, context.secrets);
      return inner as T;
    }

    const { jobid, id: entityId } = submit.data;
    const jobDeadlineMs = opts.deadlineMs ?? this.options.asyncDeadlineMs;
    const jobContext: CallContext = { ...context, deadlineAt: started + jobDeadlineMs, deadlineMs: jobDeadlineMs };
    this.log("debug", `${command}: async job ${jobid} submitted${entityId ? ` for ${entityId}` : ""}`);
    const result = await waitForJob({
      command,
      jobid,
      entityId,
      deadlineAt: jobContext.deadlineAt,
      deadlineMs: jobDeadlineMs,
      initialIntervalMs: this.options.asyncPollInitialMs,
      maxIntervalMs: this.options.asyncPollMs,
      // A client told to poll faster than once a second (tests) keeps its pace.
      pollBudgetMs: this.options.asyncPollBudgetMs ?? Math.min(1000, this.options.asyncPollMs),
      signal: opts.signal,
      secrets: context.secrets,
      query: async (id) => {
        try {
          return await this.call("queryAsyncJobResult", { command: "queryAsyncJobResult", jobid: id }, jobContext);
        } catch (err) {
          // Report the command the caller ran, not the polling call that noticed.
          if (err instanceof CloudStackTimeoutError) throw new CloudStackTimeoutError(command, jobDeadlineMs, jobid, entityId);
          if (err instanceof CloudStackAbortError) throw new CloudStackAbortError(command, jobid);
          throw err;
        }
      },
    });
    checkSuccess(command, result, context.secrets, jobid);
    return result as T;
  }

  /** Every item of a list command, page by page (pagesize 500) until `count` items are collected. */
  async listAll<T = unknown>(command: string, params: CommandParams, entityKey: string, opts: RequestOptions = {}): Promise<T[]> {
    const items = await collectPages(
      (page, pagesize) => this.request<JsonObject>(command, { ...params, page, pagesize }, opts),
      entityKey,
      MAX_PAGE_SIZE,
    );
    return items as T[];
  }

  /** Close idle keep-alive connections. The client stays usable (new connections are opened). */
  close(): void {
    this.agent.destroy();
  }

  /** Sign and send one command, retrying transient failures where that is safe. */
  private async call(command: string, wire: Record<string, string>, context: CallContext): Promise<JsonObject> {
    const readOnly = isReadOnlyCommand(command);
    const method = httpMethodFor(command, wire);
    const maxAttempts = this.options.retries + 1;
    for (let attempt = 1; ; attempt++) {
      if (context.signal?.aborted) throw new CloudStackAbortError(command);
      const remaining = context.deadlineAt - Date.now();
      if (remaining <= 0) throw new CloudStackTimeoutError(command, context.deadlineMs);

      const signed = signRequest(wire, this.options);
      const started = Date.now();
      this.log("debug", `→ ${method} ${command} ${JSON.stringify(redactParams(signed))}`);
      let reply: HttpReply;
      try {
        reply = await sendHttp({
          method,
          url: method === "GET" ? this.urlWithQuery(toWireString(signed)) : this.endpoint,
          body: method === "POST" ? toWireString(signed) : undefined,
          timeoutMs: Math.min(this.options.timeoutMs, remaining),
          signal: context.signal,
          agent: this.agent,
        });
      } catch (err) {
        if (err instanceof HttpAbortedError) throw new CloudStackAbortError(command);
        if (!(err instanceof HttpTransportError)) throw err;
        // The request was cut short by the call's own deadline (its timeout was the time left), not
        // by the network: say so, so a job poll reports "job may still be running" with its id.
        if (remaining < this.options.timeoutMs && Date.now() >= context.deadlineAt) throw new CloudStackTimeoutError(command, context.deadlineMs);
        // A state-changing command is only re-sent when it certainly never reached the server.
        const safe = TRANSIENT_CODES.has(err.code) && (readOnly || !err.maybeSent);
        if (safe && attempt < maxAttempts) {
          const delay = this.retryDelayFor(attempt, undefined);
          if (delay < context.deadlineAt - Date.now()) {
            await this.pause(command, attempt, maxAttempts, err.code, delay, context);
            continue;
          }
        }
        throw new CloudStackConnectionError(command, err.code, this.endpoint.host, this.connectionDetail(err, readOnly, safe));
      }
      this.log("debug", `← ${command} HTTP ${reply.status} in ${Date.now() - started} ms`);
      if (retryableStatus(reply.status, readOnly) && attempt < maxAttempts) {
        const delay = this.retryDelayFor(attempt, retryAfterMs(reply.headers["retry-after"]));
        // Deadline-aware: when the wait would outlast the budget, report the server's answer now.
        if (delay < context.deadlineAt - Date.now()) {
          await this.pause(command, attempt, maxAttempts, `HTTP ${reply.status}`, delay, context);
          continue;
        }
      }
      // The signature is scrubbed too: a proxy's error page may echo the request it refused.
      return unwrapEnvelope(command, reply, [...context.secrets, signed.signature as string]);
    }
  }

  private connectionDetail(err: HttpTransportError, readOnly: boolean, safe: boolean): string {
    if (!safe && !readOnly && err.maybeSent && TRANSIENT_CODES.has(err.code)) {
      return `${err.message}; not retried because the request may already have been executed (check the resource's state)`;
    }
    return err.message;
  }

  /** Exponential backoff with jitter, or the server's Retry-After, both capped by retryMaxMs. */
  private retryDelayFor(attempt: number, serverDelayMs: number | undefined): number {
    const backoff = retryDelay(attempt - 1, this.options.retryBaseMs, this.options.retryMaxMs);
    return serverDelayMs === undefined ? backoff : Math.min(serverDelayMs, this.options.retryMaxMs);
  }

  private async pause(command: string, attempt: number, maxAttempts: number, reason: string, delay: number, context: CallContext): Promise<void> {
    this.log("warn", `${command}: ${reason}, retry ${attempt}/${maxAttempts - 1} in ${delay} ms`);
    try {
      await sleep(delay, context.signal);
    } catch {
      throw new CloudStackAbortError(command);
    }
  }

  private urlWithQuery(query: string): URL {
    const url = new URL(this.endpoint.href);
    url.search = query;
    return url;
  }

  private log(level: "debug" | "warn", message: string): void {
    this.options.logger?.[level]?.(message);
  }
}
