// Which component versions ship with each Kubernetes minor on the simulator's binaries ISOs, following
// what upstream pairs with it (kubeadm's default etcd/coredns/pause, cri-tools' matching minor, a CNI
// plugins release of the time). Facts for stand-ins only: nothing here is downloaded.
import { z } from "zod";

export interface ComponentVersions {
  cniPlugins: string;
  crictl: string;
  etcd: string;
  coredns: string;
  pause: string;
}

const BY_MINOR: Record<string, ComponentVersions> = {
  "1.28": { cniPlugins: "1.3.0", crictl: "1.28.0", etcd: "3.5.12", coredns: "v1.10.1", pause: "3.9" },
  "1.29": { cniPlugins: "1.4.0", crictl: "1.29.0", etcd: "3.5.16", coredns: "v1.11.1", pause: "3.9" },
  "1.30": { cniPlugins: "1.4.1", crictl: "1.30.1", etcd: "3.5.15", coredns: "v1.11.3", pause: "3.9" },
  "1.31": { cniPlugins: "1.5.1", crictl: "1.31.1", etcd: "3.5.15", coredns: "v1.11.3", pause: "3.10" },
  "1.32": { cniPlugins: "1.6.0", crictl: "1.32.0", etcd: "3.5.16", coredns: "v1.11.3", pause: "3.10" },
  "1.33": { cniPlugins: "1.7.1", crictl: "1.33.0", etcd: "3.5.21", coredns: "v1.12.0", pause: "3.10" },
  "1.34": { cniPlugins: "1.8.0", crictl: "1.34.0", etcd: "3.6.4", coredns: "v1.12.1", pause: "3.10.1" },
};

/** The newest entry is used for minors beyond the table, so a future version still gets an ISO. */
const NEWEST_MINOR = "1.34";

export const KubernetesVersionSchema = z
  .string()
  .regex(/^v?\d+\.\d+\.\d+$/, "expected a Kubernetes version MAJOR.MINOR.PATCH, e.g. 1.31.4");

/** "v1.31.4" or "1.31.4" → "1.31.4". */
export function normalizeVersion(version: string): string {
  return KubernetesVersionSchema.parse(version).replace(/^v/, "");
}

export function componentVersions(version: string): ComponentVersions {
  const [major, minor] = normalizeVersion(version).split(".");
  return BY_MINOR[`${major}.${minor}`] ?? BY_MINOR[NEWEST_MINOR];
}
