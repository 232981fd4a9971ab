import fc from "fast-check";
import { kubeadmJoin } from "../../../provider/kubernetes/commands";
import { isControlPlaneNode, nodeInternalIp, nodeKubeletVersion, nodeReady, parseJoinCommand, parseNodeList, parseUploadedCertificateKey } from "../../../provider/kubernetes/joinCommand";

const hash = "sha256:" + "0123456789abcdef".repeat(4);

describe("parseJoinCommand", () => {
  it("parses the one-line output of --print-join-command", () => {
    const out = `kubeadm join 203.0.113.5:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${hash} \n`;
    expect(parseJoinCommand(out)).toEqual({ endpoint: "203.0.113.5:6443", token: "abcdef.0123456789abcdef", caCertHash: hash });
  });

  it("parses the multi-line form with backslashes and an absolute kubeadm path", () => {
    const out = `W1124 warning line\n/opt/bin/kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef \\\n\t--discovery-token-ca-cert-hash ${hash}\n`;
    expect(parseJoinCommand(out).endpoint).toBe("10.0.0.1:6443");
  });

  it("reports what is missing without echoing the token", () => {
    expect(() => parseJoinCommand("nothing here")).toThrow(/no `kubeadm join`/);
    expect(() => parseJoinCommand("kubeadm join 1.2.3.4:6443 --token abcdef.0123456789abcdef")).toThrow(/ca-cert-hash/);
    try {
      parseJoinCommand("kubeadm join 1.2.3.4:6443 --token abcdef.0123456789abcdef");
    } catch (e) {
      expect((e as Error).message).not.toContain("0123456789abcdef");
    }
    expect(() => parseJoinCommand(`kubeadm join 1.2.3.4:6443 --token bad --discovery-token-ca-cert-hash ${hash}`)).toThrow(/--token/);
  });
});

describe("parseJoinCommand and the kubeadmJoin builder agree", () => {
  it("parses back what the builder writes, for any token, hash and endpoint", () => {
    const lower = (chars: string, n: number) => fc.string({ unit: fc.constantFrom(...chars.split("")), minLength: n, maxLength: n });
    const alnum = "abcdefghijklmnopqrstuvwxyz0123456789";
    fc.assert(
      fc.property(lower(alnum, 6), lower(alnum, 16), lower("0123456789abcdef", 64), fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (a, b, h, ip, port) => {
        const params = { endpoint: `${ip}:${port}`, token: `${a}.${b}`, caCertHash: `sha256:${h}` };
        const built = kubeadmJoin({ ...params, nodeName: "n-1" });
        expect(parseJoinCommand(built.command)).toEqual(params);
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseUploadedCertificateKey", () => {
  it("takes the 64-hex line kubeadm prints last", () => {
    const key = "f".repeat(64);
    expect(parseUploadedCertificateKey(`[upload-certs] Storing the certificates in Secret "kubeadm-certs"\n[upload-certs] Using certificate key:\n${key}\n`)).toBe(key);
    expect(() => parseUploadedCertificateKey("no key")).toThrow(/certificate key/);
  });
});

describe("parseNodeList / nodeReady", () => {
  const list = {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        metadata: { name: "c-control-1", labels: { "node-role.kubernetes.io/control-plane": "" } },
        status: {
          conditions: [{ type: "MemoryPressure", status: "False" }, { type: "Ready", status: "True" }],
          nodeInfo: { kubeletVersion: "v1.31.4", osImage: "x" },
          addresses: [{ type: "InternalIP", address: "10.1.1.10" }, { type: "Hostname", address: "c-control-1" }],
        },
      },
      { metadata: { name: "c-node-1" }, status: { conditions: [{ type: "Ready", status: "Unknown" }] } },
      { metadata: { name: "c-node-2" } },
    ],
  };

  it("reads names, readiness, versions, addresses and roles", () => {
    const nodes = parseNodeList(JSON.stringify(list));
    expect(nodes.map((n) => n.metadata.name)).toEqual(["c-control-1", "c-node-1", "c-node-2"]);
    expect(nodes.map(nodeReady)).toEqual([true, false, false]);
    expect(nodeKubeletVersion(nodes[0]!)).toBe("1.31.4");
    expect(nodeKubeletVersion(nodes[2]!)).toBeUndefined();
    expect(nodeInternalIp(nodes[0]!)).toBe("10.1.1.10");
    expect(nodes.map(isControlPlaneNode)).toEqual([true, false, false]);
  });

  it("names the bad field", () => {
    expect(() => parseNodeList(JSON.stringify({ items: [{ metadata: {} }] }))).toThrow(/items\.0\.metadata\.name/);
    expect(() => parseNodeList("<html>")).toThrow(/not JSON/);
  });
});
