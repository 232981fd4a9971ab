// What the installer learns from an attached binaries ISO: which block device it is (by filesystem
// type, skipping config drives), and what it contains, from manifest.json when the ISO has one, or
// from its file names when it was built by CloudStack's own
// scripts/util/create-kubernetes-binaries-iso.sh (apache/cloudstack), which writes no manifest.
import { IsoManifestError, parseIsoManifest, type IsoManifest } from "./isoManifest";

/**
 * Labels of config drives, which are ISO 9660 (or vfat) too and must never be taken for the binaries
 * ISO: CloudStack/OpenStack ConfigDrive (`config-2`, cloud-init DataSourceConfigDrive) and NoCloud
 * (`cidata`, cloud-init DataSourceNoCloud). cloud-init matches them case-insensitively.
 */
export const CONFIG_DRIVE_LABELS = ["config-2", "cidata"];

/** One device of `blkid -o export`: DEVNAME plus its tags. */
export interface BlkidDevice {
  device: string;
  tags: Record<string, string>;
}

/**
 * Parses `blkid -o export` (util-linux misc-utils/blkid.c, print_udev/export format): blocks of
 * KEY=value lines separated by blank lines, each starting with DEVNAME. Values escape specials with
 * a backslash (`VERSION=Joliet\ Extension`).
 */
export function parseBlkidExport(text: string): BlkidDevice[] {
  const devices: BlkidDevice[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const tags: Record<string, string> = {};
    for (const line of block.split("\n")) {
      const eq = line.indexOf("=");
      if (eq <= 0) continue;
      tags[line.slice(0, eq).trim()] = line.slice(eq + 1).replace(/\\(.)/g, "$1");
    }
    const device = tags.DEVNAME;
    if (!device) continue;
    delete tags.DEVNAME;
    devices.push({ device, tags });
  }
  return devices;
}

/** The first iso9660 device that is not a config drive, from `blkid -t TYPE=iso9660 -o export`. */
export function pickBinariesIsoDevice(exportText: string): string | undefined {
  return parseBlkidExport(exportText).find((d) => {
    const label = (d.tags.LABEL ?? "").toLowerCase();
    return (d.tags.TYPE ?? "iso9660") === "iso9660" && !CONFIG_DRIVE_LABELS.includes(label);
  })?.device;
}

/** What the install phase needs from an ISO, whichever layout it has. */
export interface IsoContents {
  layout: "manifest" | "cks";
  /** Undefined when the CKS layout names no version (checked after install with `kubeadm version`). */
  kubernetesVersion?: string;
  files: IsoManifest["files"];
  /** Image archives to import, relative to the ISO root. */
  imageFiles: string[];
}

/** Absolute paths under the mount point → ISO-relative paths (sorted, unique). */
export function relativeListing(listing: string, mountPoint: string): string[] {
  const prefix = mountPoint.endsWith("/") ? mountPoint : `${mountPoint}/`;
  const rel = listing
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length))
    .filter((l) => l !== "" && !l.split("/").includes(".."));
  return [...new Set(rel)].sort();
}

function one(files: string[], what: string, test: (f: string) => boolean): string {
  const found = files.filter(test);
  if (found.length === 0) throw new IsoManifestError(`the ISO has no manifest.json and no ${what}; it is neither a manifest ISO (docs/binaries-iso.md) nor one built by CloudStack's create-kubernetes-binaries-iso.sh`, what);
  return found[0];
}

/**
 * Works out from the file names of a CKS-layout ISO what manifest.json would say. The layout, from
 * apache/cloudstack scripts/util/create-kubernetes-binaries-iso.sh: `k8s/{kubeadm,kubelet,kubectl}`,
 * `cni/cni-plugins-<arch>.tgz`, `cri-tools/crictl-linux-<arch>.tar.gz`, `kubelet.service`,
 * `10-kubeadm.conf`, `network.yaml`, `dashboard.yaml`, `docker/<image>:<tag>.tar` (the last path
 * segment of each image reference), and, with ETCD_VERSION, `etcd/etcd-linux-<arch>.tar.gz`. The
 * Kubernetes version is the tag of the kube-apiserver (or kube-proxy) image archive.
 */
export function deriveCksContents(files: readonly string[], expectedVersion?: string): IsoContents {
  const list = [...files];
  const etcd = list.find((f) => /^etcd\/[^/]*etcd[^/]*\.(tar\.gz|tgz)$/.test(f));
  const contents: IsoContents = {
    layout: "cks",
    files: {
      kubeadm: one(list, "k8s/kubeadm", (f) => f === "k8s/kubeadm"),
      kubelet: one(list, "k8s/kubelet", (f) => f === "k8s/kubelet"),
      kubectl: one(list, "k8s/kubectl", (f) => f === "k8s/kubectl"),
      // The CKS node templates glob these: cni/cni-plugins-*64.tgz, cri-tools/crictl-linux-*64.tar.gz.
      cniPlugins: one(list, "cni/cni-plugins-*.tgz", (f) => /^cni\/cni-plugins-[^/]*\.tgz$/.test(f)),
      crictl: one(list, "cri-tools/crictl-*.tar.gz", (f) => /^cri-tools\/crictl-[^/]*\.tar\.gz$/.test(f)),
      kubeletService: one(list, "kubelet.service", (f) => f === "kubelet.service"),
      kubeadmDropIn: one(list, "10-kubeadm.conf", (f) => f === "10-kubeadm.conf"),
      networkManifest: one(list, "network.yaml", (f) => f === "network.yaml"),
      dashboardManifest: one(list, "dashboard.yaml", (f) => f === "dashboard.yaml"),
      ...(etcd ? { etcd } : {}),
    },
    imageFiles: list.filter((f) => /^docker\/[^/]+\.tar$/.test(f)),
  };
  const tagged = list.map((f) => /^docker\/kube-(?:apiserver|proxy):v(\d+\.\d+\.\d+)\.tar$/.exec(f)?.[1]).find((v) => v !== undefined);
  if (tagged) contents.kubernetesVersion = tagged;
  if (expectedVersion !== undefined && tagged !== undefined) checkVersion(tagged, expectedVersion, "the ISO's kube-apiserver image");
  return contents;
}

/** Refuses an ISO of another Kubernetes version than the one asked for. */
export function checkVersion(found: string, expectedVersion: string, source: string): void {
  const want = expectedVersion.replace(/^v/, "");
  const got = found.replace(/^v/, "");
  if (got !== want) {
    throw new IsoManifestError(`${source} is Kubernetes ${got}, expected ${want}; attach the ISO of the requested version`, "kubernetesVersion");
  }
}

/** Contents from manifest.json (docs/binaries-iso.md), validated, in the same shape as the CKS layout's. */
export function manifestContents(manifestText: string, expectedVersion?: string): IsoContents {
  const m = parseIsoManifest(manifestText, expectedVersion);
  return { layout: "manifest", kubernetesVersion: m.kubernetesVersion, files: m.files, imageFiles: m.images.map((i) => i.file) };
}
