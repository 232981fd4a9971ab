import { parseIsoManifest, IsoManifestError } from "../../../provider/kubernetes/isoManifest";

const good = {
  kubernetesVersion: "1.31.4",
  arch: "amd64",
  cniPluginsVersion: "1.5.1",
  crictlVersion: "1.31.1",
  etcdVersion: "3.5.15",
  files: {
    kubeadm: "k8s/kubeadm",
    kubelet: "k8s/kubelet",
    kubectl: "k8s/kubectl",
    cniPlugins: "cni/cni-plugins-linux-amd64-v1.5.1.tgz",
    crictl: "cri-tools/crictl-v1.31.1-linux-amd64.tar.gz",
    kubeletService: "kubelet.service",
    kubeadmDropIn: "10-kubeadm.conf",
    networkManifest: "network.yaml",
    dashboardManifest: "dashboard.yaml",
    etcd: "etcd/etcd-v3.5.15-linux-amd64.tar.gz",
  },
  images: [{ name: "registry.k8s.io/kube-apiserver:v1.31.4", file: "docker/kube-apiserver.tar" }],
};

function err(fn: () => unknown): IsoManifestError {
  try {
    fn();
  } catch (e) {
    return e as IsoManifestError;
  }
  throw new Error("did not throw");
}

describe("parseIsoManifest", () => {
  it("accepts the documented example", () => {
    const m = parseIsoManifest(JSON.stringify(good), "v1.31.4");
    expect(m.files.kubeadm).toBe("k8s/kubeadm");
    expect(m.images).toHaveLength(1);
  });

  it("accepts an ISO without etcd", () => {
    const { etcdVersion: _v, ...rest } = good;
    const { etcd: _e, ...files } = good.files;
    expect(parseIsoManifest(JSON.stringify({ ...rest, files })).etcdVersion).toBeUndefined();
  });

  it("names the missing field", () => {
    const bad = { ...good, files: { ...good.files, kubeadm: undefined } };
    const e = err(() => parseIsoManifest(JSON.stringify(bad)));
    expect(e).toBeInstanceOf(IsoManifestError);
    expect(e.field).toBe("files.kubeadm");
    expect(e.message).toContain("files.kubeadm");
  });

  it("refuses paths that leave the ISO", () => {
    const bad = { ...good, images: [{ name: "x", file: "../../etc/shadow" }] };
    expect(err(() => parseIsoManifest(JSON.stringify(bad))).field).toBe("images.0.file");
  });

  it("refuses a version mismatch, naming both versions", () => {
    const e = err(() => parseIsoManifest(JSON.stringify(good), "1.30.2"));
    expect(e.field).toBe("kubernetesVersion");
    expect(e.message).toMatch(/1\.31\.4.*1\.30\.2/);
  });

  it("refuses etcdVersion without files.etcd", () => {
    const { etcd: _e, ...files } = good.files;
    expect(err(() => parseIsoManifest(JSON.stringify({ ...good, files }))).field).toBe("files.etcd");
  });

  it("reports non-JSON", () => {
    expect(() => parseIsoManifest("not json")).toThrow(/not valid JSON/);
  });
});
