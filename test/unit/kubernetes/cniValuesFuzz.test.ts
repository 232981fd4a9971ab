// cniConfigDetails values against CNI templates (issue 14 §6): fuzzed values either render into a
// document of the template's own shape, with shell syntax only inside quoted argv elements, or are
// refused naming the variable. Fails on the old verbatim rendering: a newline + `runcmd:` added commands.
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { renderCniTemplate, CniValueError } from "../../../provider/kubernetes/cniValues";
import { renderTemplate, splitCloudConfigRunCmd } from "../../../provider/kubernetes/cniTemplate";
import { anyString, INJECTIONS } from "../resources/fuzz/arbitraries";

const TEMPLATE = [
  "#cloud-config",
  "write_files:",
  "  - path: /etc/cni/net.d/10-calico.conflist",
  "    content: |",
  '      {"cidr": "{{ CLUSTER_CIDR }}", "mtu": {{ MTU }}}',
  "  - path: /etc/calico/pool",
  "    content: {{ POOL }}",
  "runcmd:",
  "  - [calicoctl, apply, --cidr, '{{ CLUSTER_CIDR }}']",
  "  - calicoctl ipam configure --strictaffinity={{ AFFINITY }}",
  "",
].join("\n");

const SAFE = { CLUSTER_CIDR: "10.244.0.0/16", MTU: "1450", POOL: "default-pool", AFFINITY: "true" };
const params = { seed: 20261204, numRuns: Number(process.env.FUZZ_RUNS ?? 200) };

const shapeOf = (text: string): string => {
  const js = parseAllDocuments(text, { version: "1.1", schema: "failsafe" }).map((d) => d.toJS()) as unknown[];
  const walk = (v: unknown): string => (Array.isArray(v) ? `[${v.map(walk)}]` : v && typeof v === "object" ? `{${Object.keys(v).map((k) => `${k}:${walk((v as Record<string, unknown>)[k])}`)}}` : "s");
  return js.map(walk).join("---");
};

describe("CNI values are data", () => {
  const baseline = shapeOf(renderTemplate(TEMPLATE, SAFE));

  it("renders the usual values as before", () => {
    expect(renderCniTemplate(TEMPLATE, SAFE)).toBe(renderTemplate(TEMPLATE, SAFE));
  });

  it("refuses a value that adds runcmd entries or keys, naming the variable", () => {
    expect(() => renderCniTemplate(TEMPLATE, { ...SAFE, POOL: "x\nruncmd:\n  - touch /tmp/pwned" })).toThrow(/^POOL: the value changes the structure/);
    expect(() => renderCniTemplate(TEMPLATE, { ...SAFE, POOL: "a: b" })).toThrow(/^POOL: /);
    expect(() => renderCniTemplate(TEMPLATE, { ...SAFE, AFFINITY: "true; touch /tmp/pwned" })).toThrow(/^AFFINITY: the value is used in a runcmd shell line/);
    // In an argv element any value is fine: it is quoted (a quote inside still breaks the YAML quoting).
    expect(() => renderCniTemplate(TEMPLATE, { ...SAFE, CLUSTER_CIDR: "$(touch /tmp/pwned)" })).not.toThrow();
  });

  it("fuzzed values: accepted ones keep the template's shape and reach shell lines only as shell words", () => {
    const values = fc.record({ CLUSTER_CIDR: anyString, MTU: fc.oneof(anyString, fc.constant("1450")), POOL: anyString, AFFINITY: fc.oneof(anyString, fc.constantFrom(...INJECTIONS)) });
    fc.assert(
      fc.property(values, (v) => {
        let out: string;
        try {
          out = renderCniTemplate(TEMPLATE, v);
        } catch (err) {
          if (!(err instanceof CniValueError)) throw err;
          expect(Object.keys(v)).toContain(err.variable);
          return;
        }
        expect(shapeOf(out)).toBe(baseline);
        const { runcmd } = splitCloudConfigRunCmd(out);
        expect(runcmd).toHaveLength(2);
        // The shell line's variable part is one plain word.
        expect(runcmd[1]).toBe(`calicoctl ipam configure --strictaffinity=${v.AFFINITY}`);
        expect(v.AFFINITY).toMatch(/^[A-Za-z0-9_@%+=:,./-]*$/);
      }),
      params,
    );
  });
});
