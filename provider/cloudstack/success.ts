// `{success: false}` is a failure. CloudStack answers delete-style commands with a SuccessResponse and
// HTTP 200 even when the service returned false (BaseCmd implementations set `success` from the
// service's boolean), and old releases send the boolean as the string "false". Every caller of the
// client, typed or generic, gets a CloudStackError for it, so a failed delete never counts as done.
import { returnsSuccess } from "./commands";
import { CloudStackError, CloudStackResponseError } from "./errors";
import { scrubText } from "./redact";
import { SuccessSchema } from "./schemas/common";

/** Errorcode given to `success: false`: CloudStack's INTERNAL_ERROR (ApiErrorCode 530). */
const SUCCESS_FALSE_ERRORCODE = 530;

/** Throws when `command` returns a SuccessResponse and `result` says it failed (or is not one). */
export function checkSuccess(command: string, result: unknown, secrets: readonly string[], jobid?: string): void {
  if (!returnsSuccess(command)) return;
  const parsed = SuccessSchema.safeParse(result);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new CloudStackResponseError(command, `expected {success, displaytext}: ${problems.join("; ")}`);
  }
  if (!parsed.data.success) {
    const text = scrubText(parsed.data.displaytext ?? parsed.data.details ?? "", secrets);
    throw new CloudStackError(command, 200, SUCCESS_FALSE_ERRORCODE, 0, `CloudStack answered success=false${text ? `: ${text}` : ""}`, jobid);
  }
}
