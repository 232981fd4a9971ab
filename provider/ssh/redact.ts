// Scrubbing secrets out of text that may reach logs or errors (stderr tails, messages).

const PATTERNS: RegExp[] = [
  // PEM private keys (any type), whole block.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // kubeadm bootstrap tokens.
  /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g,
  // kubeadm certificate keys (64 hex); CA cert hashes keep their sha256: prefix and are not secret.
  /(?<!sha256:)\b[0-9a-f]{64}\b/g,
  // Authorization headers and key-value passwords/tokens.
  /(Authorization\s*[=:]\s*"?(Basic|Bearer)\s+)[A-Za-z0-9+/=._-]+/gi,
  /((?:password|passwd|secret|token|client-key-data)\s*[=:]\s*"?)[^\s"]+/gi,
];

/** Replaces the given secret values and well-known secret shapes with `<redacted>`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of [...secrets].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join("<redacted>");
  }
  for (const re of PATTERNS) {
    out = out.replace(re, (match: string, prefix?: string) =>
      typeof prefix === "string" && match.startsWith(prefix) && prefix.length < match.length ? `${prefix}<redacted>` : "<redacted>",
    );
  }
  return out;
}

/** The last `lines` non-empty lines of `text`, redacted. */
export function tail(text: string, lines = 20, secrets: readonly string[] = []): string {
  const all = text.replace(/\s+$/, "").split(/\r?\n/);
  return redact(all.slice(-lines).join("\n"), secrets);
}
