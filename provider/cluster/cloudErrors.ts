// Classifies errors thrown by the CloudStack client without depending on class identity (the client
// may be loaded twice, from dist/ and from sources, in tests): a CloudStackError carries `errorcode`
// and `errortext`.
import { z } from "zod";
import { isReadOnlyCommand } from "../cloudstack/commands";

const CloudStackErrorShape = z.object({
  errorcode: z.number().optional(),
  httpStatus: z.number().optional(),
  errortext: z.string().optional(),
  command: z.string().optional(),
});

export interface CloudErrorInfo {
  code?: number;
  text: string;
  command?: string;
}

export function cloudErrorInfo(err: unknown): CloudErrorInfo {
  const parsed = CloudStackErrorShape.safeParse(err);
  const message = err instanceof Error ? err.message : String(err);
  if (!parsed.success) return { text: message };
  return {
    code: parsed.data.errorcode ?? parsed.data.httpStatus,
    text: parsed.data.errortext ?? message,
    command: parsed.data.command,
  };
}

/** The entity is gone: deletes treat this as done. CloudStack answers 431 "does not exist"/"invalid value" for unknown ids. */
export function isNotFoundError(err: unknown): boolean {
  const { code, text } = cloudErrorInfo(err);
  const lower = text.toLowerCase();
  if (lower.includes("not found") || lower.includes("does not exist") || lower.includes("unable to find")) return true;
  return code === 431 && (lower.includes("invalid value") || lower.includes("entity"));
}

/** The command does not exist on this CloudStack (older release, or a plugin disabled): 432. */
export function isUnknownCommandError(err: unknown): boolean {
  const { code, text } = cloudErrorInfo(err);
  return code === 432 || /unknown api command/i.test(text);
}

/**
 * Worth retrying: throttling, maintenance, concurrent-operation races and connection trouble, and any
 * 5xx (530 included) on a read-only command: get/list/query/find change nothing, so the answer says
 * nothing lasting about the cloud (the same rule as the client's, client-core.ts retryableStatus).
 */
export function isTransientError(err: unknown): boolean {
  const { code, text, command } = cloudErrorInfo(err);
  if (code === 429 || code === 503) return true;
  if (code !== undefined && code >= 500 && code <= 599 && command !== undefined && isReadOnlyCommand(command)) return true;
  if (code === 530 && /concurrent|try again|locked/i.test(text)) return true;
  if (code === undefined) return /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|timed out/i.test(text);
  return false;
}

/**
 * For deletes whose "not found" counts as done: a 5xx on a delete is worth a few more tries, since a
 * delete that did happen answers "not found" the next time. Bounded, because some 530s are lasting
 * ("network has VMs"); the counter is per step, so make one per delete.
 */
export function deleteRetryable(serverErrorRetries = 3): (err: unknown) => boolean {
  let left = serverErrorRetries;
  return (err) => {
    if (isTransientError(err)) return true;
    const { code } = cloudErrorInfo(err);
    return code !== undefined && code >= 500 && code <= 599 && left-- > 0;
  };
}

/** One line for error messages: "<command> (<code>): <errortext>". Never includes request parameters. */
export function describeCloudError(err: unknown): string {
  const { code, text, command } = cloudErrorInfo(err);
  const head = command ? `${command}${code !== undefined ? ` (${code})` : ""}: ` : code !== undefined ? `(${code}) ` : "";
  return `${head}${text}`;
}

/** Non-admins may not expunge unless allow.user.expunge.recover.vm is true: destroy without it then. */
export function isExpungeRefused(err: unknown): boolean {
  const { code, text } = cloudErrorInfo(err);
  return /expunge/i.test(text) || code === 531 || (code === 431 && /permission|not allowed/i.test(text));
}
