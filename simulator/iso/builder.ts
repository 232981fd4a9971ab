// Builds a binaries ISO following docs/binaries-iso.md, filled with stand-ins.
import { componentVersions, normalizeVersion } from "./componentVersions";
import { writeIsoImage, type IsoFile } from "./isoWriter";
import { IsoManifestSchema, type IsoManifest } from "./manifest";
import {
  DASHBOARD_IMAGE,
  DASHBOARD_YAML,
  FLANNEL_CNI_PLUGIN_IMAGE,
  FLANNEL_IMAGE,
  KUBEADM_DROP_IN,
  KUBELET_SERVICE,
  METRICS_SCRAPER_IMAGE,
  NETWORK_YAML,
  standInBinary,
  standInImage,
} from "./standIns";
import { writeTgz, type TarEntry } from "./tar";

export interface BinariesIsoOptions {
  /** Include the etcd tarball (for external etcd nodes). */
  etcd?: boolean;
  /**
   * "manifest" (default): docs/binaries-iso.md, with manifest.json. "cks": exactly what CloudStack's
   * scripts/util/create-kubernetes-binaries-iso.sh writes (apache/cloudstack), no manifest.json.
   */
  layout?: "manifest" | "cks";
  /** Volume identifier: CDROM (mkisofs' default) or ISOIMAGE (xorriso's default, `xorriso -as mkisofs`). */
  volumeId?: string;
}

const ARCH = "amd64";
const CNI_PLUGINS = ["bandwidth", "bridge", "dhcp", "firewall", "host-device", "host-local", "ipvlan", "loopback", "macvlan", "portmap", "ptp", "sbr", "static", "tuning", "vlan", "vrf"];
const EXECUTABLE = 0o755;

function file(path: string, data: Buffer, mode = 0o644): TarEntry {
  return { path, type: "file", mode, data };
}

/** "registry.k8s.io/coredns/coredns:v1.11.3" → "coredns". */
function imageFileName(image: string): string {
  const withoutTag = image.replace(/:[^/:]+$/, "");
  return withoutTag.slice(withoutTag.lastIndexOf("/") + 1);
}

/** Every image of `kubeadm config images list` for the version, then those the manifests reference. */
export function isoImages(version: string): string[] {
  const v = normalizeVersion(version);
  const c = componentVersions(v);
  return [
    `registry.k8s.io/kube-apiserver:v${v}`,
    `registry.k8s.io/kube-controller-manager:v${v}`,
    `registry.k8s.io/kube-scheduler:v${v}`,
    `registry.k8s.io/kube-proxy:v${v}`,
    `registry.k8s.io/coredns/coredns:${c.coredns}`,
    `registry.k8s.io/pause:${c.pause}`,
    `registry.k8s.io/etcd:${c.etcd}-0`,
    FLANNEL_IMAGE,
    FLANNEL_CNI_PLUGIN_IMAGE,
    DASHBOARD_IMAGE,
    METRICS_SCRAPER_IMAGE,
  ];
}

/** The manifest.json an ISO of this version carries. */
export function binariesIsoManifest(version: string, opts: BinariesIsoOptions = {}): IsoManifest {
  const v = normalizeVersion(version);
  const c = componentVersions(v);
  const manifest: IsoManifest = {
    kubernetesVersion: v,
    arch: ARCH,
    cniPluginsVersion: c.cniPlugins,
    crictlVersion: c.crictl,
    ...(opts.etcd ? { etcdVersion: c.etcd } : {}),
    files: {
      kubeadm: "k8s/kubeadm",
      kubelet: "k8s/kubelet",
      kubectl: "k8s/kubectl",
      cniPlugins: `cni/cni-plugins-linux-${ARCH}-v${c.cniPlugins}.tgz`,
      crictl: `cri-tools/crictl-v${c.crictl}-linux-${ARCH}.tar.gz`,
      kubeletService: "kubelet.service",
      kubeadmDropIn: "10-kubeadm.conf",
      networkManifest: "network.yaml",
      dashboardManifest: "dashboard.yaml",
      ...(opts.etcd ? { etcd: `etcd/etcd-v${c.etcd}-linux-${ARCH}.tar.gz` } : {}),
    },
    images: isoImages(v).map((name) => ({ name, file: `docker/${imageFileName(name)}.tar` })),
  };
  return IsoManifestSchema.parse(manifest);
}

/** All files of the ISO, by path. */
export function binariesIsoFiles(version: string, opts: BinariesIsoOptions = {}): IsoFile[] {
  const manifest = binariesIsoManifest(version, opts);
  const v = manifest.kubernetesVersion;
  const f = manifest.files;
  const files: IsoFile[] = [
    { path: "manifest.json", data: Buffer.from(JSON.stringify(manifest, null, 2) + "\n") },
    { path: f.kubeadm, data: standInBinary("kubeadm", v), mode: EXECUTABLE },
    { path: f.kubelet, data: standInBinary("kubelet", v), mode: EXECUTABLE },
    { path: f.kubectl, data: standInBinary("kubectl", v), mode: EXECUTABLE },
    {
      path: f.cniPlugins,
      data: writeTgz(CNI_PLUGINS.map((name) => file(name, standInBinary(name, manifest.cniPluginsVersion), EXECUTABLE))),
    },
    { path: f.crictl, data: writeTgz([file("crictl", standInBinary("crictl", manifest.crictlVersion), EXECUTABLE)]) },
    { path: f.kubeletService, data: Buffer.from(KUBELET_SERVICE) },
    { path: f.kubeadmDropIn, data: Buffer.from(KUBEADM_DROP_IN) },
    { path: f.networkManifest, data: Buffer.from(NETWORK_YAML) },
    { path: f.dashboardManifest, data: Buffer.from(DASHBOARD_YAML) },
    ...manifest.images.map((image) => ({ path: image.file, data: standInImage(image.name) })),
  ];
  if (f.etcd && manifest.etcdVersion) {
    const dir = `etcd-v${manifest.etcdVersion}-linux-${ARCH}`;
    files.push({
      path: f.etcd,
      data: writeTgz([
        { path: dir, type: "dir", mode: 0o755, data: Buffer.alloc(0) },
        file(`${dir}/etcd`, standInBinary("etcd", manifest.etcdVersion), EXECUTABLE),
        file(`${dir}/etcdctl`, standInBinary("etcdctl", manifest.etcdVersion), EXECUTABLE),
        file(`${dir}/etcdutl`, standInBinary("etcdutl", manifest.etcdVersion), EXECUTABLE),
      ]),
    });
  }
  return files;
}

/**
 * The files of an ISO as CKS's create-kubernetes-binaries-iso.sh lays them out: no manifest, no
 * versions in the CNI/crictl/etcd archive names (`cni-plugins-${ARCH}.tgz`, `crictl-linux-${ARCH}.tar.gz`,
 * `etcd-linux-${ARCH}.tar.gz`), the binaries as curl downloaded them (0644: the script restores
 * kubeadm's original mode after running it), and each image saved as `docker/<last path segment>.tar`
 * (`grep -oE "[^/]+$"` of the reference, tag included: `docker/kube-apiserver:v1.31.13.tar`).
 */
export function cksLayoutIsoFiles(version: string, opts: BinariesIsoOptions = {}): IsoFile[] {
  const manifest = binariesIsoManifest(version, opts);
  const byPath = new Map(binariesIsoFiles(version, opts).map((f) => [f.path, f]));
  const data = (path: string): Buffer => (byPath.get(path) as IsoFile).data;
  const f = manifest.files;
  const files: IsoFile[] = [
    { path: "k8s/kubeadm", data: data(f.kubeadm), mode: 0o644 },
    { path: "k8s/kubelet", data: data(f.kubelet), mode: 0o644 },
    { path: "k8s/kubectl", data: data(f.kubectl), mode: 0o644 },
    { path: `cni/cni-plugins-${ARCH}.tgz`, data: data(f.cniPlugins) },
    { path: `cri-tools/crictl-linux-${ARCH}.tar.gz`, data: data(f.crictl) },
    { path: "kubelet.service", data: data(f.kubeletService) },
    { path: "10-kubeadm.conf", data: data(f.kubeadmDropIn) },
    { path: "network.yaml", data: data(f.networkManifest) },
    { path: "dashboard.yaml", data: data(f.dashboardManifest) },
    ...manifest.images.map((image) => ({ path: `docker/${image.name.slice(image.name.lastIndexOf("/") + 1)}.tar`, data: data(image.file) })),
  ];
  if (f.etcd) files.push({ path: `etcd/etcd-linux-${ARCH}.tar.gz`, data: data(f.etcd) });
  return files;
}

/** A complete binaries ISO image (Rock Ridge + Joliet), deterministic for a version and options. */
export function buildBinariesIso(version: string, opts: BinariesIsoOptions = {}): Buffer {
  const files = opts.layout === "cks" ? cksLayoutIsoFiles(version, opts) : binariesIsoFiles(version, opts);
  return writeIsoImage(files, { volumeId: opts.volumeId ?? "CDROM" });
}
