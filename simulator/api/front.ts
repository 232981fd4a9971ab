// The API front: one decoded request in, one CloudStack envelope out. Order of checks follows
// ApiServer: signature (401), throttling (429), command lookup (432), parameters (431), then the
// command itself; async commands become jobs. Every call is audited, whatever its outcome.
import { ApiError, type AuditSink, type Caller, type Cloud, type CommandHandler, type Params, type SimClock } from "../contracts";
import { RequestWindow, type FaultController } from "../faults";
import { loadCommandTable, type CommandSpec, type CommandTable } from "./commandTable";
import {
  apiErrorEnvelope,
  asyncSubmitEnvelope,
  csErrorCodeFor,
  errorEnvelope,
  resultEnvelope,
  unauthorizedEnvelope,
  type Envelope,
} from "./envelopes";
import { jobHandlers } from "./jobHandlers";
import { JobEngine } from "./jobs";
import { checkParams } from "./params";
import { verifyRequest } from "./signature";

export interface ApiFrontOptions {
  cloud: Pick<Cloud, "handlers" | "credentials">;
  clock: SimClock;
  audit: AuditSink;
  faults: FaultController;
  /**
   * Reject parameters the command does not declare with 431 (default false). CloudStack itself only logs
   * them and goes on (server/src/main/java/com/cloud/api/dispatch/ParamGenericValidationWorker.java:
   * "Received unknown parameters for command ..." is a WARN); strict mode is for this project's tests.
   */
  strict?: boolean;
  /** vm.userdata.max.length (default 32768). */
  userDataMaxLength?: number;
  /** Realistic latency of one API call in ms, scaled by the clock and the latency fault (default 30). */
  baseLatencyMs?: number;
  table?: CommandTable;
  /** Diagnostics (stderr in the CLI). Never receives parameters or keys. */
  log?: (message: string) => void;
}

export interface ApiRequest {
  method: "GET" | "POST";
  /** Parameter names exactly as sent (the signature depends on them); first value of a repeated name. */
  params: Record<string, string>;
}

export interface ApiReply {
  status: number;
  body: Envelope;
}

const UNKNOWN_KEY = "errorresponse";

export class ApiFront {
  readonly jobs: JobEngine;
  private readonly table: CommandTable;
  private readonly ownHandlers: Record<string, CommandHandler>;
  private readonly window = new RequestWindow();

  constructor(private readonly options: ApiFrontOptions) {
    this.table = options.table ?? loadCommandTable();
    this.jobs = new JobEngine({ clock: options.clock, audit: options.audit, faults: options.faults, log: options.log });
    this.ownHandlers = jobHandlers(this.jobs);
  }

  async handle(request: ApiRequest): Promise<ApiReply> {
    const start = this.options.clock.now();
    const params = lowercaseNames(request.params);
    const command = params.command ?? "";
    let jobid: string | undefined;
    let caller: Caller | undefined;
    let ignored: string[] | undefined;
    let reply: ApiReply;
    try {
      const outcome = await this.process(request, params, command);
      reply = outcome.reply;
      jobid = outcome.jobid;
      caller = outcome.caller;
      ignored = outcome.ignored;
    } catch (err) {
      // Defensive: process() converts every expected failure; this is a bug path, still an envelope.
      this.options.log?.(`internal error in API front for ${command}: ${err instanceof Error ? err.message : String(err)}`);
      reply = { status: 530, body: errorEnvelope(this.table.get(command)?.responseKey ?? UNKNOWN_KEY, 530, "Internal error", 4250) };
    }
    const { command: _c, ...auditParams } = params;
    this.options.audit.record({
      kind: "api",
      command,
      params: auditParams,
      status: reply.status,
      ...(jobid ? { jobid } : {}),
      ...(caller ? { account: caller.accountName } : {}),
      ...(ignored && ignored.length > 0 ? { ignoredParams: ignored } : {}),
      start,
      end: this.options.clock.now(),
    });
    return reply;
  }

  private async process(
    request: ApiRequest,
    params: Params,
    command: string,
  ): Promise<{ reply: ApiReply; jobid?: string; caller?: Caller; ignored?: string[] }> {
    const spec = this.table.get(command);
    const responseKey = spec?.responseKey ?? UNKNOWN_KEY;

    const verified = verifyRequest(
      request.params,
      (apiKey) => {
        const found = this.options.cloud.credentials(apiKey);
        return found && { secretKey: found.secretKey, principal: found.caller };
      },
      this.options.clock.now(),
    );
    if (!verified.ok) return { reply: { status: 401, body: unauthorizedEnvelope(responseKey) } };
    const caller = verified.principal;

    if (!this.window.admit(Date.now(), this.options.faults.throttleLimit())) {
      return { reply: { status: 429, body: errorEnvelope(responseKey, 429, "API rate limit exceeded", 9999) }, caller };
    }
    if (command === "") {
      return { reply: { status: 400, body: errorEnvelope(UNKNOWN_KEY, 400, "no command specified", 9999) }, caller };
    }
    const handler = spec && (this.ownHandlers[spec.apiName] ?? this.options.cloud.handlers[spec.apiName]);
    if (!spec || !handler) {
      return { reply: { status: 432, body: errorEnvelope(UNKNOWN_KEY, 432, `Unknown API command: ${command}`, 9999) }, caller };
    }

    let ignored: string[] = [];
    try {
      ({ unknown: ignored } = checkParams(spec, params, {
        strict: this.options.strict ?? false,
        method: request.method,
        isAdmin: caller.isAdmin,
        userDataMaxLength: this.options.userDataMaxLength,
      }));
      // What the command does not declare never reaches it, as no @Parameter field receives it.
      const known = dropNames(params, ignored);
      const injected = this.options.faults.commandError(spec.apiName);
      await this.options.clock.sleep((this.options.baseLatencyMs ?? 30) * this.options.faults.latencyMultiplier());
      if (injected) throw new ApiError(injected.code, injected.errortext, csErrorCodeFor(injected.code));
      return { ...(await this.run(spec, handler, known, caller)), caller, ignored };
    } catch (err) {
      if (err instanceof ApiError) return { reply: { status: err.errorcode, body: apiErrorEnvelope(responseKey, err) }, caller, ignored };
      this.options.log?.(`${spec.apiName} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
      return {
        reply: {
          status: 530,
          body: errorEnvelope(responseKey, 530, "Internal error executing command, please contact your system administrator", 4250),
        },
        caller,
        ignored,
      };
    }
  }

  private async run(spec: CommandSpec, handler: CommandHandler, params: Params, caller: Caller): Promise<{ reply: ApiReply; jobid?: string }> {
    const result = await handler(params, caller);
    if (result.kind === "async") {
      const job = this.jobs.submit(spec, caller, result.work);
      const entityId = spec.asyncCreate ? result.work.entityId : undefined;
      return { reply: { status: 200, body: asyncSubmitEnvelope(spec.responseKey, job.jobid, entityId) }, jobid: job.jobid };
    }
    return { reply: { status: 200, body: resultEnvelope(spec.responseKey, result, params) } };
  }
}

function dropNames(params: Params, names: string[]): Params {
  if (names.length === 0) return params;
  const drop = new Set(names);
  return Object.fromEntries(Object.entries(params).filter(([name]) => !drop.has(name)));
}

/** CloudStack lowercases parameter names before dispatch; the first of two names differing only in case wins. */
function lowercaseNames(raw: Record<string, string>): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(raw)) {
    const lower = name.toLowerCase();
    if (!(lower in out)) out[lower] = value;
  }
  return out;
}
