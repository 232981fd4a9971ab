// Which request parameters never reach an audit record in clear: credentials, and payloads that may
// carry them (userdata holds the cluster's join token and keys, cniconfig can hold registry secrets).
const REDACTED_NAMES = new Set([
  "secretkey",
  "signature",
  "password",
  "userdata",
  "dockerregistrypassword",
  "cniconfig",
  "sessionkey",
  "privatekey",
]);

export const REDACTED = "[redacted]";

/** True for `password` and for map entries whose field is secret, e.g. `details[0].password`. */
export function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  if (REDACTED_NAMES.has(lower)) return true;
  const field = lower.slice(lower.lastIndexOf(".") + 1);
  return REDACTED_NAMES.has(field);
}

export function redactParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) out[name] = isSecretParam(name) ? REDACTED : value;
  return out;
}
