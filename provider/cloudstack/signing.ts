// Request signing exactly as CloudStack's ApiServer.verifyRequest() checks it
// (reference/cloudstack-api.md §1): sort names as sent (case-sensitive, UTF-16 order),
// `name=encodedValue` joined with `&`, the whole string lowercased, HMAC-SHA1, base64.
import { createHmac } from "node:crypto";
import { encodeValue } from "./encoding";

/** The string CloudStack feeds to HMAC-SHA1: every parameter except `signature`. */
export function canonicalString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name.toLowerCase() !== "signature")
    // Default sort compares UTF-16 code units, exactly like Java's Collections.sort on Strings.
    .sort()
    .map((name) => `${name}=${encodeValue(params[name] as string)}`)
    .join("&")
    .toLowerCase();
}

/** base64(HMAC-SHA1(secretKey, canonicalString(params))). */
export function signature(params: Readonly<Record<string, string>>, secretKey: string): string {
  return createHmac("sha1", secretKey).update(canonicalString(params), "utf8").digest("base64");
}

/** `yyyy-MM-dd'T'HH:mm:ssZ` in UTC, e.g. `2030-01-01T00:00:00+0000` (the format CloudStack recommends). */
export function formatExpires(at: Date): string {
  const iso = at.toISOString(); // 2030-01-01T00:00:00.000Z
  return `${iso.slice(0, 19)}+0000`;
}

/** How long a signed request stays valid; CloudStack caps it at 15 minutes when it enforces expiry. */
export const SIGNATURE_LIFETIME_MS = 5 * 60 * 1000;

/**
 * Add the authentication parameters (apikey, response=json, signatureversion=3, expires) and the
 * signature. Returns a new object; the caller's params are not modified.
 */
export function signRequest(
  params: Readonly<Record<string, string>>,
  credentials: { apiKey: string; secretKey: string },
  now: Date = new Date(),
): Record<string, string> {
  const unsigned: Record<string, string> = {
    ...params,
    apikey: credentials.apiKey,
    response: "json",
    signatureversion: "3",
    expires: formatExpires(new Date(now.getTime() + SIGNATURE_LIFETIME_MS)),
  };
  delete unsigned.signature;
  return { ...unsigned, signature: signature(unsigned, credentials.secretKey) };
}
