import { deriveCksContents, manifestContents, parseBlkidExport, pickBinariesIsoDevice, relativeListing } from "../../../provider/kubernetes/isoLayout";
import { pickPauseImage, sandboxImageEdits } from "../../../provider/kubernetes/containerdConfig";

// What CloudStack's create-kubernetes-binaries-iso.sh writes (apache/cloudstack scripts/util), 1.31.4 with etcd.
const CKS_FILES = [
  "10-kubeadm.conf", "cni", "cni/cni-plugins-amd64.tgz", "cri-tools", "cri-tools/crictl-linux-amd64.tar.gz", "dashboard.yaml",
  "docker", "docker/coredns:v1.11.3.tar", "docker/etcd:3.5.15-0.tar", "docker/kube-apiserver:v1.31.4.tar",
  "docker/kube-controller-manager:v1.31.4.tar", "docker/kube-proxy:v1.31.4.tar", "docker/kube-scheduler:v1.31.4.tar",
  "docker/pause:3.10.tar", "etcd", "etcd/etcd-linux-amd64.tar.gz", "k8s", "k8s/kubeadm", "k8s/kubectl", "k8s/kubelet",
  "kubelet.service", "network.yaml",
];

describe("finding the binaries ISO", () => {
  const exportText = [
    "DEVNAME=/dev/sr0", "BLOCK_SIZE=2048", "UUID=2024-01-01-00-00-00-00", "LABEL=config-2", "TYPE=iso9660", "",
    "DEVNAME=/dev/sr1", "BLOCK_SIZE=2048", "UUID=2025-05-01-10-00-00-00", "LABEL=ISOIMAGE", "TYPE=iso9660", "", "",
  ].join("\n");

  it("parses blkid -o export blocks, unescaping values", () => {
    const devices = parseBlkidExport("DEVNAME=/tmp/a.iso\nVERSION=Joliet\\ Extension\nLABEL=CDROM\nTYPE=iso9660\n\n");
    expect(devices).toEqual([{ device: "/tmp/a.iso", tags: { VERSION: "Joliet Extension", LABEL: "CDROM", TYPE: "iso9660" } }]);
  });

  it("takes the first iso9660 device that is not a config drive, whatever its label", () => {
    expect(pickBinariesIsoDevice(exportText)).toBe("/dev/sr1");
    expect(pickBinariesIsoDevice(exportText.replace("LABEL=ISOIMAGE", "LABEL=CDROM"))).toBe("/dev/sr1");
  });

  it("waits while only config drives are there (config-2, CIDATA in any case)", () => {
    expect(pickBinariesIsoDevice("DEVNAME=/dev/sr0\nLABEL=config-2\nTYPE=iso9660\n\n")).toBeUndefined();
    expect(pickBinariesIsoDevice("DEVNAME=/dev/sr0\nLABEL=CIDATA\nTYPE=iso9660\n\n")).toBeUndefined();
    expect(pickBinariesIsoDevice("")).toBeUndefined();
  });
});

describe("the CKS layout (no manifest.json)", () => {
  it("works out what the manifest would say from the file names", () => {
    const c = deriveCksContents(CKS_FILES, "1.31.4");
    expect(c).toMatchObject({
      layout: "cks",
      kubernetesVersion: "1.31.4",
      files: {
        kubeadm: "k8s/kubeadm", kubelet: "k8s/kubelet", kubectl: "k8s/kubectl",
        cniPlugins: "cni/cni-plugins-amd64.tgz", crictl: "cri-tools/crictl-linux-amd64.tar.gz",
        kubeletService: "kubelet.service", kubeadmDropIn: "10-kubeadm.conf", networkManifest: "network.yaml", dashboardManifest: "dashboard.yaml",
        etcd: "etcd/etcd-linux-amd64.tar.gz",
      },
    });
    expect(c.imageFiles).toHaveLength(7);
    expect(c.imageFiles).toContain("docker/pause:3.10.tar");
  });

  it("refuses an ISO of another version, naming both", () => {
    expect(() => deriveCksContents(CKS_FILES, "1.32.0")).toThrow(/Kubernetes 1\.31\.4, expected 1\.32\.0/);
  });

  it("leaves the version open when no kube-apiserver archive names it, and has no etcd without its archive", () => {
    const c = deriveCksContents(CKS_FILES.filter((f) => !f.startsWith("docker/kube-") && !f.startsWith("etcd")), "1.31.4");
    expect(c.kubernetesVersion).toBeUndefined();
    expect(c.files.etcd).toBeUndefined();
  });

  it("names what is missing from an ISO that is neither layout", () => {
    expect(() => deriveCksContents(CKS_FILES.filter((f) => f !== "k8s/kubelet"))).toThrow(/no manifest\.json and no k8s\/kubelet/);
  });

  it("reads listIso output relative to the mount point and drops anything outside it", () => {
    expect(relativeListing("/mnt/k8sdisk/k8s\n/mnt/k8sdisk/k8s/kubeadm\n/etc/passwd\n/mnt/k8sdisk/../x\n", "/mnt/k8sdisk")).toEqual(["k8s", "k8s/kubeadm"]);
  });

  it("reads manifest.json into the same shape", () => {
    const manifest = {
      kubernetesVersion: "1.31.4", arch: "amd64", cniPluginsVersion: "1.5.1", crictlVersion: "1.31.1",
      files: { kubeadm: "k8s/kubeadm", kubelet: "k8s/kubelet", kubectl: "k8s/kubectl", cniPlugins: "cni/c.tgz", crictl: "cri-tools/c.tar.gz", kubeletService: "kubelet.service", kubeadmDropIn: "10-kubeadm.conf", networkManifest: "network.yaml", dashboardManifest: "dashboard.yaml" },
      images: [{ name: "registry.k8s.io/pause:3.10", file: "docker/pause.tar" }],
    };
    expect(manifestContents(JSON.stringify(manifest), "1.31.4")).toMatchObject({ layout: "manifest", kubernetesVersion: "1.31.4", imageFiles: ["docker/pause.tar"] });
  });
});

describe("the pause image to pin", () => {
  it("is the ISO's pause image; the highest tag when there are several", () => {
    expect(pickPauseImage(["docker.io/flannel/flannel:v0.25.1", "registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.10", "registry.k8s.io/kube-proxy:v1.31.4"])).toBe("registry.k8s.io/pause:3.10");
    expect(pickPauseImage(["registry.k8s.io/pause:3.10.1", "registry.k8s.io/pause:3.10"])).toBe("registry.k8s.io/pause:3.10.1");
    expect(pickPauseImage(["registry.k8s.io/kube-proxy:v1.31.4"])).toBeUndefined();
  });

  it("must be a full reference (it lands in a sed expression and a TOML string)", () => {
    expect(() => sandboxImageEdits('pause:3.10"#')).toThrow(/full reference/);
    expect(sandboxImageEdits("registry.k8s.io/pause:3.10")).toHaveLength(2);
  });
});
