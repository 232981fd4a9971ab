// Random and adversarial inputs for the fuzzed check() tests (issue 14 §6): wrong types, huge and
// non-finite numbers, unicode, and shell / YAML injection payloads. Seeded by fast-check, so a
// failure prints the seed and the shrunk counterexample to replay.
import fc from "fast-check";

/** Strings that would do harm if a shell or a YAML parser saw them unquoted. */
export const INJECTIONS = [
  "$(touch /tmp/pwned)",
  "`touch /tmp/pwned`",
  "x; touch /tmp/pwned",
  "x && touch /tmp/pwned",
  "x | tee /etc/passwd",
  "'; touch /tmp/pwned; echo '",
  '"; touch /tmp/pwned; echo "',
  "x\ntouch /tmp/pwned",
  "x\r\nruncmd: [touch /tmp/pwned]",
  "a: b",
  "key: value\nruncmd:\n  - touch /tmp/pwned",
  "{runcmd: [touch /tmp/pwned]}",
  "[touch, /tmp/pwned]",
  "*alias",
  "&anchor x",
  "!!python/object/apply:os.system ['touch /tmp/pwned']",
  "---\nruncmd: [touch /tmp/pwned]",
  "# comment",
  "x #comment",
  "0755",
  "on",
  "~",
  "${HOME}",
  "%{x}",
  "{{ CLUSTER_CIDR }}",
  "\\",
  "-rf",
  "--help",
] as const;

export const UNICODE = ["ﬁlé", "名前", "🚀cluster", "\u202eevil", "a\u200bb", "Ωmega", "\u0000nul", "\ud800", "é".repeat(300)] as const;

export const NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, -1, 0, 0.5, 1.5, 1e-300] as const;

/** Any string worth trying: adversarial constants, unicode, random and very long ones. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(...UNICODE),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "a".repeat(70_000)),
  fc.tuple(fc.constantFrom("prod", "dev", "k8s"), fc.constantFrom(...INJECTIONS)).map(([a, b]) => `${a}${b}`),
);

/** Any value Pulumi could hand a provider (JSON-like, plus the non-finite numbers protobuf carries). */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  fc.constantFrom(...NUMBERS),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyString, { maxLength: 3 }),
  fc.dictionary(anyString, anyString, { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** `base` with some of its keys (and maybe some unknown ones) replaced, removed or added. */
export function mutated(base: Record<string, unknown>, keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const edit = fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: anyValue, drop: fc.boolean() }),
    fc.record({ key: anyString, value: anyValue, drop: fc.constant(false) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    const out: Record<string, unknown> = { ...base };
    for (const e of edits) {
      if (e.drop) delete out[e.key];
      else out[e.key] = e.value;
    }
    return out;
  });
}
