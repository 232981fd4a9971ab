// Request signature verification, an independent reading of ApiServer.verifyRequest (reference §1):
// every parameter but `signature`, names as sent sorted case-sensitively, values encoded like Java's
// URLEncoder with `+` as %20, the whole string lowercased, HMAC-SHA1, base64, constant-time compare.
import { createHmac, timingSafeEqual } from "node:crypto";
import { parseExpires } from "./expires";

/** java.net.URLEncoder.encode(v, "UTF-8") with "+" → "%20": unreserved are A-Z a-z 0-9 . - * _ */
export function javaUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The HMAC input for a parameter map whose names are exactly as the client sent them. */
export function canonicalString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name.toLowerCase() !== "signature")
    .sort()
    .map((name) => `${name}=${javaUrlEncode(params[name])}`)
    .join("&")
    .toLowerCase();
}

export function computeSignature(params: Record<string, string>, secretKey: string): string {
  return createHmac("sha1", secretKey).update(canonicalString(params), "utf8").digest("base64");
}

/** Why a request was refused; never contains key material. */
export type SignatureFailure = "no-apikey" | "unknown-apikey" | "no-signature" | "bad-signature" | "no-expires" | "bad-expires" | "expired";

export type VerifyResult<T> = { ok: true; principal: T } | { ok: false; reason: SignatureFailure };

function findParam(params: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(params)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * Verify a request. `lookup` maps an API key to its secret key and whatever the caller wants back
 * (the account); `now` is epoch ms.
 */
export function verifyRequest<T>(
  params: Record<string, string>,
  lookup: (apiKey: string) => { secretKey: string; principal: T } | undefined,
  now: number,
): VerifyResult<T> {
  const apiKey = findParam(params, "apikey");
  if (!apiKey) return { ok: false, reason: "no-apikey" };
  const signature = findParam(params, "signature");
  if (!signature) return { ok: false, reason: "no-signature" };
  if (findParam(params, "signatureversion") === "3") {
    const expires = findParam(params, "expires");
    if (expires === undefined) return { ok: false, reason: "no-expires" };
    const at = parseExpires(expires);
    if (at === undefined) return { ok: false, reason: "bad-expires" };
    if (at < now) return { ok: false, reason: "expired" };
  }
  const account = lookup(apiKey);
  if (!account) return { ok: false, reason: "unknown-apikey" };
  const expected = Buffer.from(computeSignature(params, account.secretKey), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "bad-signature" };
  return { ok: true, principal: account.principal };
}
