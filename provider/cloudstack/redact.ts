// Keeping secrets out of logs and error messages: parameter values that must never be shown, and a
// scrubber for text that came back from the server (errortext may echo a parameter value).
import { encodeValue } from "./encoding";

/** Parameter names whose values are secret or may carry secrets (userdata holds keys and tokens). */
const SECRET_PARAM_NAMES = new Set([
  "signature",
  "secretkey",
  "password",
  "userdata",
  "dockerregistrypassword",
  "sessionkey",
  "privatekey",
  "cniconfig",
]);

export const REDACTED = "[redacted]";

export function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  // Map entries such as `userdatadetails[0].token` may hold secrets as well.
  return SECRET_PARAM_NAMES.has(lower) || /^userdatadetails\[/.test(lower) || /password/.test(lower);
}

/** A copy of `params` fit for a debug line: secret values replaced, long values shortened. */
export function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (isSecretParam(name)) out[name] = REDACTED;
    else out[name] = value.length > 200 ? `${value.slice(0, 200)}…(${value.length} chars)` : value;
  }
  return out;
}

/** The values in `params` that must never appear in text we emit. */
export function secretValues(params: Readonly<Record<string, string>>, extra: readonly string[] = []): string[] {
  const values = Object.entries(params)
    .filter(([name]) => isSecretParam(name))
    .map(([, value]) => value);
  return [...values, ...extra];
}

/**
 * Replace every occurrence of a secret (raw, URL-encoded either way) in `text`. Secrets shorter than
 * 4 characters are ignored: scrubbing "1" out of a message would mangle it and protects nothing.
 */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(encodeValue(secret));
    forms.add(encodeValue(secret).toLowerCase());
  }
  // Longest first, so an encoded form is not half-replaced by a shorter raw one.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join(REDACTED);
  }
  return out;
}
