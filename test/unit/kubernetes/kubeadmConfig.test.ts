import { parseAllDocuments } from "yaml";
import { renderKubeadmInitConfig, KubeadmInitInput } from "../../../provider/kubernetes/kubeadmConfig";

const base: KubeadmInitInput = {
  kubernetesVersion: "1.30.2",
  token: "abcdef.0123456789abcdef",
  certificateKey: "0123456789abcdef".repeat(4),
  nodeName: "demo-control-1",
  advertiseAddress: "10.1.1.10",
  publicIp: "203.0.113.5",
};

function docs(text: string): Array<Record<string, any>> {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
}

describe("renderKubeadmInitConfig", () => {
  it("renders v1beta3 InitConfiguration + ClusterConfiguration below 1.31", () => {
    const [init, cluster] = docs(renderKubeadmInitConfig(base));
    expect(init!.apiVersion).toBe("kubeadm.k8s.io/v1beta3");
    expect(init!.kind).toBe("InitConfiguration");
    expect(init!.bootstrapTokens).toEqual([
      { token: "abcdef.0123456789abcdef", ttl: "24h0m0s", usages: ["signing", "authentication"], groups: ["system:bootstrappers:kubeadm:default-node-token"] },
    ]);
    expect(init!.certificateKey).toBe(base.certificateKey);
    expect(init!.nodeRegistration).toEqual({ name: "demo-control-1", criSocket: "unix:///run/containerd/containerd.sock" });
    expect(init!.localAPIEndpoint).toEqual({ advertiseAddress: "10.1.1.10", bindPort: 6443 });
    expect(cluster!.apiVersion).toBe("kubeadm.k8s.io/v1beta3");
    expect(cluster!.kind).toBe("ClusterConfiguration");
    expect(cluster!.kubernetesVersion).toBe("v1.30.2");
    expect(cluster!.controlPlaneEndpoint).toBe("203.0.113.5:6443");
    expect(cluster!.apiServer.certSANs).toEqual(["203.0.113.5"]);
    expect(cluster!.networking).toMatchObject({ podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/12" });
    expect(cluster!.etcd).toBeUndefined();
  });

  it("switches to v1beta4 from 1.31, with extraArgs as a name/value list", () => {
    const text = renderKubeadmInitConfig({ ...base, kubernetesVersion: "v1.31.0", apiServerExtraArgs: { "audit-log-maxage": "7" } });
    const [init, cluster] = docs(text);
    expect(init!.apiVersion).toBe("kubeadm.k8s.io/v1beta4");
    expect(cluster!.apiVersion).toBe("kubeadm.k8s.io/v1beta4");
    expect(cluster!.apiServer.extraArgs).toEqual([{ name: "audit-log-maxage", value: "7" }]);
  });

  it("keeps extraArgs a map in v1beta3", () => {
    const [, cluster] = docs(renderKubeadmInitConfig({ ...base, apiServerExtraArgs: { "audit-log-maxage": "7" } }));
    expect(cluster!.apiServer.extraArgs).toEqual({ "audit-log-maxage": "7" });
  });

  it("renders external etcd endpoints over http (CKS etcd nodes are plain HTTP)", () => {
    const [, cluster] = docs(renderKubeadmInitConfig({ ...base, externalEtcdIps: ["10.1.1.20", "10.1.1.21"] }));
    expect(cluster!.etcd).toEqual({ external: { endpoints: ["http://10.1.1.20:2379", "http://10.1.1.21:2379"] } });
  });

  it("deduplicates certificate SANs and keeps the public IP first", () => {
    const [, cluster] = docs(renderKubeadmInitConfig({ ...base, extraCertSans: ["k8s.example.com", "203.0.113.5"] }));
    expect(cluster!.apiServer.certSANs).toEqual(["203.0.113.5", "k8s.example.com"]);
  });

  it("refuses a never-expiring token TTL and malformed secrets, naming the field", () => {
    expect(() => renderKubeadmInitConfig({ ...base, tokenTtl: "0" })).toThrow(/tokenTtl/);
    expect(() => renderKubeadmInitConfig({ ...base, token: "short" })).toThrow(/token/);
    expect(() => renderKubeadmInitConfig({ ...base, certificateKey: "xyz" })).toThrow(/certificateKey/);
    expect(() => renderKubeadmInitConfig({ ...base, advertiseAddress: "not-an-ip" })).toThrow(/advertiseAddress/);
  });
});
