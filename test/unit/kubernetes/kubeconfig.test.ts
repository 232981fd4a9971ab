import { stringify, parse } from "yaml";
import { adminIdentity, clusterCaPem, parseKubeconfig, serverUrl, withServer } from "../../../provider/kubernetes/kubeconfig";

const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const b64 = (s: string) => Buffer.from(s).toString("base64");

const ca = pem("CERTIFICATE", "Q0E=");
const cert = pem("CERTIFICATE", "Q0VSVA==");
const key = pem("RSA PRIVATE KEY", "S0VZ");

const kubeconfig = stringify({
  apiVersion: "v1",
  kind: "Config",
  clusters: [
    { name: "other", cluster: { server: "https://10.9.9.9:6443", "certificate-authority-data": b64(pem("CERTIFICATE", "T1RIRVI=")) } },
    { name: "kubernetes", cluster: { server: "https://10.1.1.10:6443", "certificate-authority-data": b64(ca) } },
  ],
  users: [{ name: "kubernetes-admin", user: { "client-certificate-data": b64(cert), "client-key-data": b64(key) } }],
  contexts: [{ name: "kubernetes-admin@kubernetes", context: { cluster: "kubernetes", user: "kubernetes-admin" } }],
  "current-context": "kubernetes-admin@kubernetes",
  preferences: {},
});

describe("kubeconfig", () => {
  it("parses and validates", () => {
    expect(parseKubeconfig(kubeconfig).clusters).toHaveLength(2);
  });

  it("names the bad field and never echoes content", () => {
    const bad = stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "x", cluster: { "certificate-authority-data": "c2VjcmV0" } }] });
    expect(() => parseKubeconfig(bad)).toThrow(/clusters\.0\.cluster\.server/);
    try {
      parseKubeconfig(bad);
    } catch (e) {
      expect((e as Error).message).not.toContain("c2VjcmV0");
    }
    expect(() => parseKubeconfig("a: [")).toThrow(/not valid YAML/);
  });

  it("withServer rewrites every cluster's server and keeps the rest", () => {
    const out = withServer(kubeconfig, "https://203.0.113.5:6443/");
    const doc = parse(out);
    expect(doc.clusters.map((c: any) => c.cluster.server)).toEqual(["https://203.0.113.5:6443", "https://203.0.113.5:6443"]);
    expect(doc.users).toEqual(parse(kubeconfig).users);
    expect(doc["current-context"]).toBe("kubernetes-admin@kubernetes");
    expect(serverUrl(out)).toBe("https://203.0.113.5:6443");
  });

  it("withServer refuses a non-https endpoint", () => {
    expect(() => withServer(kubeconfig, "http://203.0.113.5:6443")).toThrow(/https/);
  });

  it("extracts the current context's CA and client identity", () => {
    expect(clusterCaPem(kubeconfig)).toBe(ca);
    expect(adminIdentity(kubeconfig)).toEqual({ certPem: cert, keyPem: key });
  });

  it("adminIdentity requires client cert and key", () => {
    const tokenOnly = stringify({ ...parse(kubeconfig), users: [{ name: "kubernetes-admin", user: { token: "t" } }] });
    expect(() => adminIdentity(tokenOnly)).toThrow(/client-certificate-data/);
  });
});
