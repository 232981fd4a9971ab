// Unwrapping CloudStack's JSON envelope `{"<cmd>response": {...}}` and turning error envelopes into
// CloudStackError (reference/cloudstack-api.md §2, §3).
import { z } from "zod";
import { responseKeyFor } from "./commands";
import { CloudStackError, CloudStackResponseError } from "./errors";
import type { HttpReply } from "./http";
import { scrubText } from "./redact";

const JsonObject = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof JsonObject>;

const ErrorBody = z.looseObject({
  errorcode: z.coerce.number().optional(),
  cserrorcode: z.coerce.number().optional(),
  errortext: z.string().optional(),
});

/** The envelope's value: the expected key, else a case-insensitive match, else the error envelope. */
function findEnvelope(command: string, body: JsonObject): unknown {
  const expected = responseKeyFor(command);
  if (expected in body) return body[expected];
  const lower = expected.toLowerCase();
  const caseInsensitive = Object.keys(body).find((key) => key.toLowerCase() === lower);
  if (caseInsensitive !== undefined) return body[caseInsensitive];
  if ("errorresponse" in body) return body.errorresponse;
  const responseKeys = Object.keys(body).filter((key) => key.toLowerCase().endsWith("response"));
  return responseKeys.length === 1 ? body[responseKeys[0] as string] : undefined;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * The object under the response key, or a CloudStackError for an error answer. `secrets` are the
 * request's secret values: server text is scrubbed of them before it goes into an error.
 */
export function unwrapEnvelope(command: string, reply: HttpReply, secrets: readonly string[]): JsonObject {
  const failed = reply.status < 200 || reply.status >= 300;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    const detail = `HTTP ${reply.status} with a non-JSON body (${String(reply.headers["content-type"] ?? "no content type")}): ${snippet(reply.body)}`;
    if (failed) throw new CloudStackError(command, reply.status, reply.status, 0, scrubText(detail, secrets));
    throw new CloudStackResponseError(command, scrubText(detail, secrets));
  }
  const body = JsonObject.safeParse(parsed);
  const envelope = body.success ? findEnvelope(command, body.data) : undefined;
  const inner = JsonObject.safeParse(envelope);
  if (!inner.success) {
    const detail = `HTTP ${reply.status}, no "${responseKeyFor(command)}" object in: ${snippet(reply.body)}`;
    if (failed) throw new CloudStackError(command, reply.status, reply.status, 0, scrubText(detail, secrets));
    throw new CloudStackResponseError(command, scrubText(detail, secrets));
  }
  const error = ErrorBody.safeParse(inner.data);
  const looksLikeError = error.success && error.data.errorcode !== undefined && error.data.errortext !== undefined;
  if (failed || looksLikeError) {
    const fields = error.success ? error.data : {};
    const errorcode = fields.errorcode ?? reply.status;
    throw new CloudStackError(
      command,
      reply.status,
      errorcode,
      fields.cserrorcode ?? 0,
      scrubText(fields.errortext ?? `HTTP ${reply.status}`, secrets),
    );
  }
  return inner.data;
}
