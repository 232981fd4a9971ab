import { X509Certificate, createHash } from "crypto";
import fc from "fast-check";
import { createCa, discoveryHash, isSignedBy, issueCertificate, certificateFacts } from "../../../simulator/node/kube/pki";
import { parseFlags, parseGoDuration, FlagError } from "../../../simulator/node/kube/flags";
import { splitHostPort } from "../../../simulator/node/kube/locate";

describe("pki", () => {
  test("the discovery hash is SHA-256 over the CA's SubjectPublicKeyInfo, as node computes it", async () => {
    const ca = await createCa("kubernetes");
    const spki = new X509Certificate(ca.certPem).publicKey.export({ type: "spki", format: "der" });
    expect(discoveryHash(ca.certPem)).toBe("sha256:" + createHash("sha256").update(spki).digest("hex"));
    const other = await createCa("kubernetes");
    expect(discoveryHash(other.certPem)).not.toBe(discoveryHash(ca.certPem));
  });

  test("leaf certificates verify against their CA only, with the requested subject and SANs", async () => {
    const ca = await createCa("kubernetes");
    const other = await createCa("kubernetes");
    const leaf = await issueCertificate(ca, { commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], dnsNames: ["a.example"], ips: ["10.0.0.1"], usage: "both" });
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.verify(new X509Certificate(other.certPem).publicKey)).toBe(false);
    expect(isSignedBy(leaf.certPem, ca.certPem)).toBe(true);
    expect(isSignedBy(leaf.certPem, other.certPem)).toBe(false);
    expect(isSignedBy(leaf.certPem, ca.certPem, new Date(Date.now() + 400 * 86_400_000))).toBe(false);
    expect(certificateFacts(leaf.certPem)).toMatchObject({ subjectCommonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], dnsNames: ["a.example"], ips: ["10.0.0.1"] });
    expect(new X509Certificate(ca.certPem).ca).toBe(true);
    expect(cert.ca).toBe(false);
  });
});

describe("flags", () => {
  const specs = { output: { kind: "string" as const, short: "o" }, all: { kind: "bool" as const, short: "A" }, sans: { kind: "array" as const } };
  test("long, short, clustered and comma-separated forms", () => {
    const parsed = parseFlags(["get", "-ojson", "-A", "--sans=a,b", "--sans", "c", "nodes"], specs);
    expect(parsed.positionals).toEqual(["get", "nodes"]);
    expect(parsed.values.get("output")).toEqual(["json"]);
    expect(parsed.values.get("all")).toEqual(["true"]);
    expect(parsed.values.get("sans")).toEqual(["a", "b", "c"]);
  });
  test("unknown flags fail like cobra", () => {
    expect(() => parseFlags(["--foo"], specs)).toThrow(new FlagError("unknown flag: --foo"));
    expect(() => parseFlags(["-x"], specs)).toThrow("unknown shorthand flag: 'x' in -x");
    expect(() => parseFlags(["--output"], specs)).toThrow("flag needs an argument: --output");
  });
  test("Go durations", () => {
    expect(parseGoDuration("24h0m0s")).toBe(86_400_000);
    expect(parseGoDuration("1h30m")).toBe(5_400_000);
    expect(parseGoDuration("0")).toBe(0);
    expect(parseGoDuration("0s")).toBe(0);
    expect(parseGoDuration("soon")).toBeUndefined();
    fc.assert(fc.property(fc.integer({ min: 0, max: 100000 }), (n) => parseGoDuration(`${n}s`) === n * 1000));
  });
  test("host:port splitting", () => {
    expect(splitHostPort("10.0.0.1:6443")).toEqual({ host: "10.0.0.1", port: 6443 });
    expect(splitHostPort("api.example")).toEqual({ host: "api.example", port: 6443 });
    expect(splitHostPort("[fd00::1]:443")).toEqual({ host: "fd00::1", port: 443 });
    expect(splitHostPort("a:99999")).toBeUndefined();
  });
});
